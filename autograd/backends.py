"""Backends: the functions a derivative rule may call, for each kind of number it can run on.

Every op's derivative is written once, as ordinary arithmetic plus calls on a backend ``F``
(``F.exp(x)``, ``F.step(x)``, ...). Run with ``MATH`` on Python floats it gives fast float
gradients; with ``NUMPY`` on arrays, fast array gradients; with ``GRAPH`` on nodes, it records the
derivative itself as a graph, which is what makes second and third derivatives possible
(``create_graph=True``).

The float backend follows IEEE like PyTorch instead of raising as Python's ``math`` does:
``log(0) = -inf``, ``log(-1) = nan``, ``1 / 0 = inf``, ``exp(1000) = inf``, ``(-10) ** 401 = -inf``,
``sin(inf) = nan``, ``relu(nan) = nan``; the array backend gives the same without numpy's
RuntimeWarnings.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .rows import column_sums

_INF = math.inf
_NAN = math.nan


class MathBackend:
    """Python floats, through ``math`` (about 50 ns a call, 20x cheaper than numpy on scalars)."""

    name = "math"
    unbroadcast = broadcast_to = index_add = None  # scalars have no shape: only tensors use these

    @staticmethod
    def div(a: float, b: float) -> float:
        try:
            return a / b
        except ZeroDivisionError:
            if a == 0.0 or a != a:
                return _NAN
            return math.copysign(_INF, a) * math.copysign(1.0, b)

    @staticmethod
    def pow(a: float, b: float) -> float:
        try:
            r = a**b
        except (ZeroDivisionError, OverflowError):  # 0 ** negative; a result beyond 1.8e308
            # IEEE pow: the sign of a negative base survives an odd integer exponent only
            odd = b % 2.0 == 1.0
            return math.copysign(_INF, a) if odd else _INF
        if type(r) is complex:  # negative base, fractional exponent
            return _NAN
        return r

    @staticmethod
    def exp(x: float) -> float:
        try:
            return math.exp(x)
        except OverflowError:
            return _INF

    @staticmethod
    def log(x: float) -> float:
        if x > 0.0:
            return math.log(x)
        if x == 0.0:
            return -_INF
        return _NAN

    @staticmethod
    def log1p(x: float) -> float:
        if x > -1.0:
            return math.log1p(x)
        return -_INF if x == -1.0 else _NAN

    @staticmethod
    def sqrt(x: float) -> float:
        return math.sqrt(x) if x >= 0.0 else _NAN

    tanh = staticmethod(math.tanh)
    abs = staticmethod(abs)

    @staticmethod
    def sin(x: float) -> float:
        try:
            return math.sin(x)
        except ValueError:  # +-inf: math raises "math domain error", IEEE gives nan
            return _NAN

    @staticmethod
    def cos(x: float) -> float:
        try:
            return math.cos(x)
        except ValueError:
            return _NAN

    @staticmethod
    def sigmoid(x: float) -> float:
        if x >= 0.0:
            return 1.0 / (1.0 + math.exp(-x))
        e = math.exp(x)
        return e / (1.0 + e)

    @staticmethod
    def softplus(x: float) -> float:
        # log(1 + e^x) = max(x, 0) + log1p(e^-|x|): never overflows
        if x > 0.0:
            return x + math.log1p(math.exp(-x))
        return math.log1p(math.exp(x))

    @staticmethod
    def relu(x: float) -> float:
        return 0.0 if x <= 0.0 else x  # nan stays nan, as max(nan, 0) in numpy and PyTorch

    @staticmethod
    def step(x: float) -> float:
        """1 where x > 0, else 0; a constant (its own derivative is zero)."""
        return 1.0 if x > 0.0 else 0.0

    @staticmethod
    def sign(x: float) -> float:
        """1, -1 or 0 (at 0 and at nan, as PyTorch's derivative of abs)."""
        return 1.0 if x > 0.0 else (-1.0 if x < 0.0 else 0.0)

    @staticmethod
    def is_zero(x: float) -> float:
        """1 where x == 0 (either sign), else 0; a constant, like ``step``."""
        return 1.0 if x == 0.0 else 0.0


class NumpyBackend:
    """numpy arrays; the same names as ``MathBackend``, elementwise."""

    name = "numpy"

    @staticmethod
    def div(a: Any, b: Any) -> Any:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.divide(a, b)

    @staticmethod
    def pow(a: Any, b: Any) -> Any:
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return np.power(a, b)

    @staticmethod
    def exp(x: Any) -> Any:
        with np.errstate(over="ignore"):
            return np.exp(x)

    @staticmethod
    def log(x: Any) -> Any:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log(x)

    @staticmethod
    def log1p(x: Any) -> Any:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log1p(x)

    @staticmethod
    def sqrt(x: Any) -> Any:
        with np.errstate(invalid="ignore"):
            return np.sqrt(x)

    tanh = staticmethod(np.tanh)
    abs = staticmethod(np.abs)

    @staticmethod
    def sin(x: Any) -> Any:
        with np.errstate(invalid="ignore"):  # sin(+-inf) = nan, silently
            return np.sin(x)

    @staticmethod
    def cos(x: Any) -> Any:
        with np.errstate(invalid="ignore"):
            return np.cos(x)

    @staticmethod
    def sigmoid(x: Any) -> Any:
        # 1 / (1 + e^-x) for x >= 0 and e^x / (1 + e^x) below: neither branch overflows
        e = np.exp(-np.abs(x))
        return np.where(x >= 0, 1 / (1 + e), e / (1 + e))

    @staticmethod
    def softplus(x: Any) -> Any:
        return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))

    @staticmethod
    def relu(x: Any) -> Any:
        return np.maximum(x, 0)

    @staticmethod
    def step(x: Any) -> Any:
        return (x > 0).astype(x.dtype)

    @staticmethod
    def sign(x: Any) -> Any:
        return np.sign(np.nan_to_num(x, nan=0.0, posinf=1.0, neginf=-1.0))  # sign(nan) = 0

    @staticmethod
    def is_zero(x: Any) -> Any:
        return (x == 0).astype(x.dtype)

    @staticmethod
    def unbroadcast(g: Any, shape: tuple[int, ...]) -> Any:
        """Sum ``g`` down to ``shape``: the adjoint of numpy broadcasting."""
        if g.shape == shape:
            return g
        extra = g.ndim - len(shape)
        if extra == 1 and g.shape[1:] == shape:  # a bias: (n, k) summed to (k,), the common case
            return column_sums(g) if g.ndim == 2 else np.add.reduce(g, 0)  # (see rows.py)
        if extra:
            g = g.sum(axis=tuple(range(extra)))
        axes = tuple(i for i, n in enumerate(shape) if n == 1 and g.shape[i] != 1)
        if axes:
            g = g.sum(axis=axes, keepdims=True)
        return g.reshape(shape)

    @staticmethod
    def broadcast_to(x: Any, shape: tuple[int, ...]) -> Any:
        """``x`` repeated along its broadcast axes to ``shape``, as a new (writable) array."""
        out = np.empty(shape, dtype=x.dtype)
        out[...] = x
        return out

    @staticmethod
    def index_add(g: Any, key: Any, shape: tuple[int, ...]) -> Any:
        """Zeros of ``shape`` with ``g`` added at ``key``: the adjoint of indexing ``x[key]``."""
        out = np.zeros(shape, dtype=g.dtype)
        parts = key if isinstance(key, tuple) else (key,)
        if any(isinstance(k, np.ndarray) and k.dtype.kind != "b" for k in parts):
            np.add.at(out, key, g)  # integer arrays may repeat an index: each repeat adds
        else:
            out[key] = g  # ints, slices and masks select each element at most once
        return out


class GraphBackend:
    """Nodes (Value or Tensor): every call records an op, so a derivative becomes a graph."""

    name = "graph"

    div = staticmethod(lambda a, b: a / b)
    pow = staticmethod(lambda a, b: a**b)
    exp = staticmethod(lambda x: x.exp())
    log = staticmethod(lambda x: x.log())
    log1p = staticmethod(lambda x: x.log1p())
    sqrt = staticmethod(lambda x: x.sqrt())
    tanh = staticmethod(lambda x: x.tanh())
    sin = staticmethod(lambda x: x.sin())
    cos = staticmethod(lambda x: x.cos())
    abs = staticmethod(lambda x: abs(x))
    sigmoid = staticmethod(lambda x: x.sigmoid())
    softplus = staticmethod(lambda x: x.softplus())
    relu = staticmethod(lambda x: x.relu())

    @staticmethod
    def step(x: Any) -> Any:
        return x._constant(x._backend.step(x.data))

    @staticmethod
    def sign(x: Any) -> Any:
        return x._constant(x._backend.sign(x.data))

    @staticmethod
    def is_zero(x: Any) -> Any:
        return x._constant(x._backend.is_zero(x.data))

    @staticmethod
    def unbroadcast(g: Any, shape: tuple[int, ...]) -> Any:
        if g.shape == shape:
            return g
        return g._unbroadcast(shape)

    @staticmethod
    def broadcast_to(x: Any, shape: tuple[int, ...]) -> Any:
        return x if x.shape == shape else x.broadcast_to(shape)

    @staticmethod
    def index_add(g: Any, key: Any, shape: tuple[int, ...]) -> Any:
        return g._index_add(key, shape)


MATH = MathBackend()
NUMPY = NumpyBackend()
GRAPH = GraphBackend()
