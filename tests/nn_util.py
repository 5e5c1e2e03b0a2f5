"""Helpers shared by the nn tests: finite differences over a model's parameters, graph leaves."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def numeric_grads(model, loss_of: Callable[[], float], eps: float = 1e-6) -> dict:
    """d loss / d parameter by central differences, as a dict shaped like ``model.state_dict()``.

    ``loss_of()`` recomputes the loss (a float) from the model's current parameters.
    """
    state = model.state_dict()
    out = {}
    for key, value in state.items():
        g = np.zeros_like(value, dtype=np.float64)
        for idx in np.ndindex(value.shape):
            moved = {k: v.copy() for k, v in state.items()}
            moved[key][idx] = value[idx] + eps
            model.load_state_dict(moved)
            up = loss_of()
            moved[key][idx] = value[idx] - eps
            model.load_state_dict(moved)
            down = loss_of()
            g[idx] = (up - down) / (2 * eps)
        out[key] = g
    model.load_state_dict(state)
    return out


def leaves_by_label(root) -> dict:
    """label -> node for every leaf below ``root`` (inputs, parameters and constants alike)."""
    seen, stack, out = set(), [root], {}
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if not node.parents:
            out[node.label] = node
        stack.extend(node.parents)
    return out
