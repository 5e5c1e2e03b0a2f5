"""Small conversions between what the two engines output and numpy arrays."""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.autograd import Node


def is_tensor(x: Any) -> bool:
    """A node of the tensor engine (a ``Tensor``, whatever its data holds), not a ``Value``."""
    return isinstance(x, Node) and x.engine == "tensor"


def numbers(x: Any) -> np.ndarray:
    """The numbers of a model output or target as a float64 array, with no graph attached.

    Takes a Tensor, a Value, a (nested) list of Values or floats, or an array: a scalar model's
    batch output ``[Value, ...]`` becomes shape (n,), a list of lists of Values (n, k).
    """
    if isinstance(x, Node):
        return np.asarray(x.data, dtype=np.float64)
    if isinstance(x, (list, tuple)):
        return np.array([numbers(v) for v in x], dtype=np.float64)
    try:
        return np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"expected numbers, Values or Tensors, not {type(x).__name__}") from None


def flat_nodes(x: Any) -> list:
    """A scalar model output (a Value, or nested lists of Values or floats) as one flat list."""
    if isinstance(x, (list, tuple)):
        out = []
        for v in x:
            out.extend(flat_nodes(v))
        return out
    return [x]
