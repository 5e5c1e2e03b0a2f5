"""The elementary functions that only tensors have: tan, sinh, cosh, the inverse trigonometric
functions, log2, log10, expm1, reciprocal, rsqrt and sign.

Each is a primitive elementwise op without parameters, so ``methods.install`` gives Tensor one
method per name in its ``methods`` (numpy's ``arcsin`` and PyTorch's ``asin`` back the same op).
Each derivative is written once with operators and ``F`` calls, or with ``_fn`` for a function the
backends do not carry (``cosh`` for sinh's derivative): numpy's function on arrays, the Tensor
method on nodes, so the same line serves first and second order.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..ops import Op


def _fn(F: Any, name: str, x: Any) -> Any:
    """numpy's elementwise function ``name`` on an array, or the Tensor method on a node (a graph).

    IEEE results (inf, nan) come back without warnings, as from PyTorch."""
    if F.name == "graph":
        return getattr(x, name)()
    with np.errstate(all="ignore"):
        return getattr(np, name)(x)


class _Unary(Op):
    """Base of the tensor-only unary functions: forward is numpy's function of the same name."""

    __slots__ = ()
    engines = ("tensor",)
    numpy_name = ""

    def forward(self, F, x):
        with np.errstate(all="ignore"):
            return getattr(np, self.numpy_name)(x)


class Tan(_Unary):
    """tan(x);  d/dx tan(x) = 1 + tan(x)^2"""

    name = "tan"
    numpy_name = "tan"
    derivatives = ("1 + {out}**2",)
    methods = ("tan",)
    domain = (-1.2, 1.2)

    def partials(self, F, out, x):
        return (1.0 + out * out,)


class Sinh(_Unary):
    """sinh(x) = (e^x - e^-x) / 2;  d/dx sinh(x) = cosh(x)"""

    name = "sinh"
    numpy_name = "sinh"
    derivatives = ("cosh({a})",)
    methods = ("sinh",)

    def partials(self, F, out, x):
        return (_fn(F, "cosh", x),)


class Cosh(_Unary):
    """cosh(x) = (e^x + e^-x) / 2;  d/dx cosh(x) = sinh(x)"""

    name = "cosh"
    numpy_name = "cosh"
    derivatives = ("sinh({a})",)
    methods = ("cosh",)

    def partials(self, F, out, x):
        return (_fn(F, "sinh", x),)


class Arcsin(_Unary):
    """arcsin(x) on [-1, 1];  d/dx arcsin(x) = 1 / sqrt(1 - x^2)"""

    name = "arcsin"
    numpy_name = "arcsin"
    derivatives = ("1/sqrt(1 - {a}**2)",)
    methods = ("arcsin", "asin")
    domain = (-0.9, 0.9)

    def partials(self, F, out, x):
        return (F.div(1.0, F.sqrt(1.0 - x * x)),)


class Arccos(_Unary):
    """arccos(x) on [-1, 1];  d/dx arccos(x) = -1 / sqrt(1 - x^2)"""

    name = "arccos"
    numpy_name = "arccos"
    derivatives = ("-1/sqrt(1 - {a}**2)",)
    methods = ("arccos", "acos")
    domain = (-0.9, 0.9)

    def partials(self, F, out, x):
        return (F.div(-1.0, F.sqrt(1.0 - x * x)),)


class Arctan(_Unary):
    """arctan(x);  d/dx arctan(x) = 1 / (1 + x^2)"""

    name = "arctan"
    numpy_name = "arctan"
    derivatives = ("1/(1 + {a}**2)",)
    methods = ("arctan", "atan")

    def partials(self, F, out, x):
        return (F.div(1.0, 1.0 + x * x),)


class Log2(_Unary):
    """log2(x) = ln x / ln 2;  d/dx log2(x) = 1 / (x ln 2)"""

    name = "log2"
    numpy_name = "log2"
    derivatives = ("1/({a} ln 2)",)
    methods = ("log2",)
    domain = (0.2, 3.0)

    def partials(self, F, out, x):
        return (F.div(1.0 / math.log(2.0), x),)


class Log10(_Unary):
    """log10(x) = ln x / ln 10;  d/dx log10(x) = 1 / (x ln 10)"""

    name = "log10"
    numpy_name = "log10"
    derivatives = ("1/({a} ln 10)",)
    methods = ("log10",)
    domain = (0.2, 3.0)

    def partials(self, F, out, x):
        return (F.div(1.0 / math.log(10.0), x),)


class Expm1(_Unary):
    """e^x - 1, accurate for small x;  d/dx (e^x - 1) = e^x = out + 1"""

    name = "expm1"
    numpy_name = "expm1"
    derivatives = ("{out} + 1",)
    methods = ("expm1",)

    def partials(self, F, out, x):
        return (out + 1.0,)


class Reciprocal(_Unary):
    """1 / x;  d/dx (1/x) = -1 / x^2 = -out^2"""

    name = "reciprocal"
    numpy_name = "reciprocal"
    derivatives = ("-{out}**2",)
    methods = ("reciprocal",)
    domain = (0.3, 3.0)

    def forward(self, F, x):
        with np.errstate(divide="ignore"):
            return np.divide(1.0, x, dtype=x.dtype if x.dtype.kind == "f" else None)

    def partials(self, F, out, x):
        return (-(out * out),)


class Rsqrt(_Unary):
    """1 / sqrt(x);  d/dx x^(-1/2) = -(1/2) x^(-3/2) = -out^3 / 2"""

    name = "rsqrt"
    numpy_name = "sqrt"
    derivatives = ("-0.5 {out}**3",)
    methods = ("rsqrt",)
    domain = (0.3, 3.0)

    def forward(self, F, x):
        with np.errstate(divide="ignore", invalid="ignore"):
            return 1.0 / np.sqrt(x)

    def partials(self, F, out, x):
        return (-0.5 * (out * out * out),)


class Sign(_Unary):
    """sign(x) in {-1, 0, 1} (0 for nan, as PyTorch; numpy gives nan);  d/dx sign(x) = 0"""

    name = "sign"
    numpy_name = "sign"
    derivatives = ("0",)
    methods = ("sign",)

    def forward(self, F, x):
        return np.sign(np.where(np.isnan(x), 0, x)) if x.dtype.kind == "f" else np.sign(x)

    def partials(self, F, out, x):
        return (0.0 * F.step(x),)


_ERF = np.frompyfunc(math.erf, 1, 1)


class Erf(_Unary):
    """erf(x) = 2/sqrt(pi) * integral_0^x e^(-t^2) dt;  d/dx erf(x) = 2/sqrt(pi) e^(-x^2)"""

    name = "erf"
    derivatives = ("2/sqrt(pi) exp(-{a}**2)",)
    methods = ("erf",)

    def forward(self, F, x):
        dtype = x.dtype if x.dtype.kind == "f" else np.float64
        return np.asarray(_ERF(x), dtype=dtype)  # math.erf per element: exact, and numpy has none

    def partials(self, F, out, x):
        return ((2.0 / math.sqrt(math.pi)) * F.exp(-(x * x)),)
