"""Names for the inputs a model received, and constants as operands.

- A plain number an MLP received (a constant leaf multiplied by weight ``...w.i`` of the model's
  neurons, for one ``i``) is input ``x{i+1}``: what the student passed as ``model([0.5, -1.2])``.
- A tensor the model received (a constant tensor multiplied by a module's weights) is ``x``, and
  its card shows its shape and dtype.

Every other name (results by module and op, short parameter paths) is ``viz.names``'s, the same
in pictures, the viewer, the stepper and ``explain_backward``.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from . import fmt

_WEIGHT = re.compile(r"\.w\.(\d+)$")


def inputs(nodes: list, parents: list[list[int]], params: dict[int, str]) -> dict[int, str]:
    """Node index -> ``x1, x2, ...`` / ``x`` for the unlabelled inputs a model received."""
    kids: dict[int, list[int]] = {}
    for i, ps in enumerate(parents):
        for j in ps:
            kids.setdefault(j, []).append(i)
    out: dict[int, str] = {}
    for i, n in enumerate(nodes):
        if n.parents or n.requires_grad or getattr(n, "label", "") or i not in kids:
            continue
        found = set()
        for k in kids[i]:
            names = [_weight_name(nodes[j], params) for j in parents[k] if j != i]
            names = [n for n in names if n is not None]
            if not names:  # also used elsewhere (the engine shares equal constants): no name
                found.add(None)
            for name in names:
                m = _WEIGHT.search(name)
                found.add(("x" + str(int(m.group(1)) + 1)) if m else "x")
        if len(found) == 1 and None not in found:
            out[i] = found.pop()
    return out


def _weight_name(o: Any, params: dict[int, str]) -> str | None:
    """The parameter name of ``o``, or of the weight it transposes (``W.T``)."""
    name = params.get(id(o))
    if name is None and o.parents:
        name = next((params.get(id(p)) for p in o.parents if id(p) in params), None)
    return name


def short_value(n: Any) -> str:
    """A constant as an operand: its number (a small tensor's values), else its shape."""
    if fmt.is_tensor(n):
        return fmt.array(n.data) if np.size(n.data) <= 2 else fmt.shape(n)
    return fmt.short(n.data)
