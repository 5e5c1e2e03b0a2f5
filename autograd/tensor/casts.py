"""Changing a tensor's dtype: ``astype`` (numpy), ``float``, ``double``, ``half``, ``long``,
``int``, ``bool`` and ``to`` (PyTorch).

- cast to a floating-point dtype:  dx = g cast back to x's dtype
- cast to an integer or boolean dtype: a constant (no gradient flows through rounding)

PyTorch's ``float()`` is float32 and ``double()`` float64, as there; ``float(t)`` (Python's
built-in, on a one-element tensor) is still a Python float.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..ops import Op

if TYPE_CHECKING:
    from .core import Tensor


class Cast(Op):
    """y = x as another floating-point dtype;  dx = g as x's dtype"""

    __slots__ = ("dtype", "in_dtype")
    name = "cast"
    params = ("dtype",)
    derivatives = ("{g} as the input's dtype",)
    methods = ("astype",)
    engines = ("tensor",)

    def __init__(self, dtype: np.dtype, in_dtype: np.dtype) -> None:
        self.dtype = dtype
        self.in_dtype = in_dtype

    def forward(self, F, x):
        return x.astype(self.dtype)

    def vjp(self, F, g, out, xs, need):
        return (g.astype(self.in_dtype),)


_TORCH_DTYPES = {"float32": np.float32, "float64": np.float64, "float16": np.float16,
                 "int64": np.int64, "int32": np.int32, "bool": np.bool_, "uint8": np.uint8}


class CastMethods:
    """Grafted onto ``Tensor``: astype and PyTorch's dtype methods."""

    __slots__ = ()

    def astype(self, dtype: Any) -> Tensor:
        """The tensor as ``dtype`` (numpy's name); gradients flow between float dtypes only."""
        dtype = np.dtype(dtype)
        if dtype.kind not in "biuf":
            raise TypeError(f"astype: a Tensor holds booleans, integers or floats, not {dtype}")
        if dtype == self.data.dtype:
            return self
        if dtype.kind != "f" or self.data.dtype.kind != "f":
            return self._constant(self.data.astype(dtype))
        op = Cast(dtype, self.data.dtype)
        return self._apply(op, op.forward(None, self.data))

    def to(self, dtype: Any) -> Tensor:
        """PyTorch's ``to(dtype)``: a numpy dtype, or a name such as ``"float32"``; ``torch``
        dtypes work too (``torch.float64``)."""
        name = str(dtype).removeprefix("torch.")
        return self.astype(_TORCH_DTYPES.get(name, dtype))

    def float(self) -> Tensor:
        """As float32 (PyTorch's ``float()``)."""
        return self.astype(np.float32)

    def double(self) -> Tensor:
        """As float64 (PyTorch's ``double()``)."""
        return self.astype(np.float64)

    def half(self) -> Tensor:
        """As float16 (PyTorch's ``half()``)."""
        return self.astype(np.float16)

    def long(self) -> Tensor:
        """As int64, a constant (PyTorch's ``long()``, e.g. for class labels)."""
        return self.astype(np.int64)

    def int(self) -> Tensor:
        """As int32, a constant (PyTorch's ``int()``)."""
        return self.astype(np.int32)

    def bool(self) -> Tensor:
        """As booleans, a constant (PyTorch's ``bool()``)."""
        return self.astype(np.bool_)
