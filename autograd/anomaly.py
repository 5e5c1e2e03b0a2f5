"""What ``detect_anomaly()`` checks: the first op whose result or gradient is not finite."""

from __future__ import annotations

from typing import Any

import numpy as np


def _finite(x: Any) -> bool:
    x = getattr(x, "data", x)
    if isinstance(x, float):
        return x - x == 0.0  # False for nan and +-inf
    return bool(np.all(np.isfinite(x)))


def _show(x: Any) -> str:
    x = getattr(x, "data", x)
    if isinstance(x, float):
        return repr(x)
    a = np.asarray(x)
    if a.size <= 6:
        return np.array2string(a, precision=4)
    return f"array of shape {a.shape} (min {np.nanmin(a):.4g}, max {np.nanmax(a):.4g})"


def check_forward(op: Any, data: Any, parents: tuple) -> None:
    """Raise FloatingPointError if ``op`` produced nan or inf from finite inputs."""
    if _finite(data) or not all(_finite(p) for p in parents):
        return
    inputs = ", ".join(_show(p) for p in parents)
    raise FloatingPointError(
        f"detect_anomaly: op '{op.name}' produced {_show(data)} from input(s) {inputs}. "
        "Typical causes: log or sqrt of a number <= 0, division by zero, exp of a large number."
    )


def check_backward(op: Any, node: Any, parent: Any, g: Any) -> None:
    """Raise FloatingPointError if the chain rule through ``op`` produced a non-finite gradient."""
    if _finite(g):
        return
    inputs = ", ".join(_show(p) for p in node.parents)
    raise FloatingPointError(
        f"detect_anomaly: the backward pass of op '{op.name}' (inputs {inputs}) produced the "
        f"gradient {_show(g)} for its input {_show(parent)}."
    )
