"""Matrix helpers and einsum: ``einsum`` (a primitive), and tril, triu, diag, trace and outer
(composites of where, indexing and broadcasting, so their gradients are those ops' gradients).

einsum's gradient is another einsum: for ``y = einsum("ij,jk->ik", a, b)``,
``da = einsum("ik,jk->ij", g, b)`` and ``db = einsum("ij,ik->jk", a, g)``: the result's subscripts
and the other operand's give the operand's. A letter found only in the operand (summed away)
comes back by broadcasting g's contribution along it. Because that rule is itself an einsum, it
runs on Tensors too, for second order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..ops import Op

if TYPE_CHECKING:
    from .core import Tensor


def parse_einsum(spec: str, count: int) -> tuple[list[str], str]:
    """``"ij,jk->ik"`` as (["ij", "jk"], "ik"); without ``->``, numpy's implicit output."""
    spec = spec.replace(" ", "")
    ins, arrow, out = spec.partition("->")
    parts = ins.split(",")
    if len(parts) != count:
        raise ValueError(f"einsum: {spec!r} names {len(parts)} operands, got {count} tensors")
    for p in [*parts, out]:
        if not all(c.isalpha() for c in p):
            raise ValueError(
                f"einsum: {spec!r}: subscripts are letters (no '...'; reshape instead)"
            )
        if len(set(p)) != len(p):
            raise ValueError(
                f"einsum: {spec!r} repeats a letter within one term; for a diagonal or a trace "
                "use diag() or trace()"
            )
    letters = "".join(parts)
    if not arrow:
        out = "".join(sorted(c for c in set(letters) if letters.count(c) == 1))
    if set(out) - set(letters):
        raise ValueError(f"einsum: {spec!r}: the result names a letter no operand has")
    return parts, out


class Einsum(Op):
    """y = einsum(spec, *xs) (one or two operands);  dx_k = einsum of g with the other operand,
    broadcast along letters found only in x_k"""

    __slots__ = ("parts", "out")
    name = "einsum"
    kind = "linalg"
    arity = None
    params = ("spec",)
    derivatives = ("einsum({g}, other operand)",)
    engines = ("tensor",)

    def __init__(self, parts: list[str], out: str) -> None:
        self.parts = parts
        self.out = out

    @property
    def spec(self) -> str:
        return ",".join(self.parts) + "->" + self.out

    def forward(self, F, *xs):
        return np.einsum(self.spec, *xs)

    def vjp(self, F, g, out, xs, need):
        grads = []
        for k, (part, x) in enumerate(zip(self.parts, xs, strict=True)):
            if not need[k]:
                grads.append(None)
                continue
            others = [(p, y) for j, (p, y) in enumerate(zip(self.parts, xs)) if j != k]
            known = set(self.out).union(*[set(p) for p, _ in others])
            kept = "".join(c for c in part if c in known)
            spec = ",".join([self.out] + [p for p, _ in others]) + "->" + kept
            operands = [g] + [y for _, y in others]
            d = einsum(spec, *operands) if F.name == "graph" else np.einsum(spec, *operands)
            if kept != part:  # letters summed away from x alone: g's share is the same along them
                d = d.reshape(tuple(x.shape[i] if c in kept else 1 for i, c in enumerate(part)))
                d = F.broadcast_to(d, x.shape)
            grads.append(d)
        return grads


def einsum(spec: str, *operands: Any) -> Tensor:
    """Einstein summation over one or two tensors, as ``numpy.einsum``/``torch.einsum``:
    ``einsum("ij,jk->ik", a, b)`` is ``a @ b``; ``einsum("bij->bji", x)`` a transpose."""
    from .functions import _record_nary, _tensors

    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    if not 1 <= len(operands) <= 2:
        raise ValueError(f"einsum: one or two operands, got {len(operands)}")
    xs = _tensors(list(operands), "einsum")
    parts, out = parse_einsum(spec, len(xs))
    for p, x in zip(parts, xs, strict=True):
        if len(p) != x.ndim:
            raise ValueError(f"einsum: {spec!r}: term {p!r} for a tensor of shape {x.shape}")
    op = Einsum(parts, out)
    try:
        data = op.forward(None, *[x.data for x in xs])
    except ValueError as e:
        raise ValueError(f"einsum: {spec!r} on shapes {[x.shape for x in xs]}: {e}") from None
    if len(xs) == 1:
        return xs[0]._apply(op, data)
    return _record_nary(op, data, xs)


def outer(a: Any, b: Any) -> Tensor:
    """The outer product of two vectors: ``out[i, j] = a[i] * b[j]`` (a composite: one ``*``)."""
    from .functions import _tensors

    a, b = _tensors([a, b], "outer")
    return a.reshape(-1, 1) * b.reshape(1, -1)


class MatrixMethods:
    """Grafted onto ``Tensor``: tril, triu, diag, trace, outer."""

    __slots__ = ()

    def _triangle(self, keep: Any, k: int, what: str) -> Tensor:
        from .functions import where

        if self.ndim < 2:
            raise ValueError(f"{what}: needs at least 2 axes, got shape {self.shape}")
        n, m = self.data.shape[-2:]
        return where(keep(np.ones((n, m), dtype=bool), k), self, 0.0)

    def tril(self, diagonal: int = 0) -> Tensor:
        """The lower triangle (elements with ``col - row <= diagonal``) of the last two axes; the
        rest are 0 (a ``where`` with a constant mask)."""
        return self._triangle(np.tril, diagonal, "tril")

    def triu(self, diagonal: int = 0) -> Tensor:
        """The upper triangle (``col - row >= diagonal``) of the last two axes; the rest 0."""
        return self._triangle(np.triu, diagonal, "triu")

    def diag(self, diagonal: int = 0) -> Tensor:
        """Vector -> square matrix with it on diagonal ``diagonal``; matrix -> that diagonal."""
        k = int(diagonal)
        if self.ndim == 1:
            n = self.data.shape[0] + abs(k)
            rows = np.arange(self.data.shape[0]) + max(-k, 0)
            return self._index_add((rows, rows + k), (n, n))
        if self.ndim != 2:
            raise ValueError(f"diag: needs a vector or a matrix, got shape {self.shape}")
        n, m = self.data.shape
        rows = np.arange(max(0, -k), min(n, m - k))
        return self[rows, rows + k]

    def trace(self) -> Tensor:
        """The sum of a matrix's diagonal (a composite: ``diag().sum()``)."""
        return self.diag().sum()

    def outer(self, other: Any) -> Tensor:
        """The outer product with vector ``other``."""
        return outer(self, other)

    def diagonal(self, offset: int = 0) -> Tensor:
        """numpy's and PyTorch's name for a matrix's diagonal (``diag`` of a matrix)."""
        if self.ndim != 2:
            raise ValueError(f"diagonal: needs a matrix, got shape {self.shape}")
        return self.diag(offset)

