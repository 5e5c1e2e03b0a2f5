"""Names in pictures for nodes the user did not label: inputs ``x1, x2``, results by their op.

- A plain number an MLP received (a constant leaf multiplied by weight ``...w.i`` of the model's
  neurons, for one ``i``) is input ``x{i+1}``: what the student passed as ``model([0.5, -1.2])``.
- A tensor the model received (a constant tensor multiplied by a module's weights) is ``x``, and
  its card shows its shape and dtype.
- An unlabelled result is named by what computed it: its op written around its operands' names
  (``1 − out``, ``relu(z)``), so a subtraction says which side is which; an operand whose name is
  long is written ``…``. Only when even that is unreadable does a counter name (``v7``) remain.

The names of ``walk.names`` (``v1, v2, ...``), which ``explain_backward`` and the stepper print,
are kept for pictures of every node, so a reader can match a picture with those texts.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from . import fmt, style

_WEIGHT = re.compile(r"\.w\.(\d+)$")
SHORT = 20  # operands with longer names are written as "…"
INFIX = {"+", "-", "*", "/", "@", "**"}


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


def expression(op_name: str, operands: list[str]) -> str:
    """``a − b``, ``relu(z)``, ``sum(t)``: the op written around its operands' names."""
    ops = [o if len(o) <= SHORT else "\u2026" for o in operands]
    sym = style.op_symbol(op_name)
    if op_name in INFIX and len(ops) == 2:
        return f"{ops[0]} {sym} {ops[1]}"
    if op_name.startswith("**") and len(ops) == 1:
        return f"{ops[0]}{sym[1:]}" if sym.startswith("x") else f"{ops[0]}^{op_name[2:]}"
    if op_name == "neg" and len(ops) == 1:
        return f"\u2212{ops[0]}"
    bare = [o[1:-1] if o.startswith("(") and o.endswith(")") else o for o in ops]
    return f"{sym}({', '.join(bare)})"


def readable(name: str) -> bool:
    return "\u2026" not in name.split("(", 1)[-1] or len(name) <= 2 * SHORT


def short_value(n: Any) -> str:
    """A constant as an operand: its number (a small tensor's values), else its shape."""
    if fmt.is_tensor(n):
        return fmt.array(n.data) if np.size(n.data) <= 2 else fmt.shape(n)
    return fmt.short(n.data)
