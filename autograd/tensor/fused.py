"""Fused ops: a linear layer and softmax cross-entropy, each ONE node of the graph.

Both could be built from primitives, and were: ``x @ W.T + b`` is a transpose, a matrix product
and an add (three nodes, three gradients kept), and cross-entropy a log_softmax, an index, a
mean and a negation. Fusing them, as PyTorch's ``F.linear`` (addmm) and ``F.cross_entropy`` do,
changes what the graph shows, not what it computes: a layer is one card ``x·Wᵀ + b`` whose
three inputs are the batch, the weight and the bias, and the loss is one card whose gradient
is the textbook ``(softmax - onehot) / n``. What it saves is the engine's work per node
(recording, counting, the reverse step, a kept gradient), which is most of the cost of a
narrow, deep network at a small batch.

- linear:         y = x Wᵀ + b        dx = g W,   dW = gᵀ x,   db = Σ g over the batch axes
- cross_entropy:  L = Σ_i w_i l_i / Σ_i w_i,  l_i = -Σ_j q_ij log softmax(z_i)_j
                  dz_i = w_i (softmax(z_i) - q_i) g / Σ w    (q_i: the one-hot of y_i, smoothed)

Each gradient is written once with operations that arrays and Tensors both have (``@``,
``.reshape``, ``.sum``, ``.softmax``), so ``create_graph=True`` records it as a graph and
second derivatives work; the array path only adds in-place shortcuts with the same numbers.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _state
from ..graph import NARY
from ..ops import Op
from ..rows import column_sums, row_max, row_sums
from .core import Tensor
from .linalg import matmul


class Linear(Op):
    """linear(x, W, b) = x·Wᵀ + b;  dx = g·W,  dW = gᵀ·x,  db = Σ g over the batch axes

    ``x`` is (in,), or (..., in) for any batch axes; ``W`` is (out, in), PyTorch's layout, and
    ``b`` (out,) or absent. The product runs on ``W`` as stored (``Wᵀ`` is a view). ``dW`` is
    laid out in memory as ``W`` is (row-major, or column-major as ``nn.Linear`` keeps it: then
    ``Wᵀ`` is row-major and ``x·Wᵀ`` BLAS's plain product), computed as ``gᵀ·x`` or as
    ``(xᵀ·g)ᵀ``: the same numbers, and the optimizer's update stays one contiguous pass.
    """

    name = "linear"
    symbol = "x·Wᵀ + b"
    kind = "linalg"
    arity = None  # 2 (no bias) or 3
    notation = "{a}·{b}ᵀ + {c}"
    derivatives = ("{g}·{b}", "{g}ᵀ·{a}", "Σ {g}")
    engines = ("tensor",)
    exact = True

    def forward(self, F: Any, x: Any, w: Any, b: Any = None) -> Any:
        y = matmul(x, w.T)  # as ``@`` computes it (np.dot for 2-D; a small W.T copied)
        if b is None:
            return y
        if y.dtype == b.dtype and y.ndim:  # a fresh array: the bias is added in place
            return np.add(y, b, out=y)
        return np.add(y, b)

    def vjp(self, F, g, out, xs, need):
        x, w = xs[0], xs[1]
        if type(g) is np.ndarray and g.ndim == 2:  # arrays, a 2-D batch: the common case
            return (
                matmul(g, w) if need[0] else None,
                (matmul(g.T, x) if w.flags.c_contiguous else matmul(x.T, g).T) if need[1] else None,
                column_sums(g) if len(xs) == 3 and need[2] else None,
            )
        k = w.shape[0]
        g2 = g.reshape(-1, k)  # every batch axis as rows; a single sample is one row
        x2 = x.reshape(-1, w.shape[1])
        column_major = type(w) is np.ndarray and not w.flags.c_contiguous
        grads = [
            g @ w if need[0] else None,
            ((x2.T @ g2).T if column_major else g2.T @ x2) if need[1] else None,
        ]
        if len(xs) == 3:
            grads.append(g2.sum(axis=0) if need[2] else None)
        return grads

    def equation(self, out: str, args: Any) -> str:
        if len(args) == 2:
            return f"{out} = {args[0]}·{args[1]}ᵀ"
        return f"{out} = {args[0]}·{args[1]}ᵀ + {args[2]}"

    def _names(self, out: str, args: Any, g: str) -> dict[str, str]:
        names = super()._names(out, args, g)
        names["c"] = args[2] if len(args) > 2 else "0"
        return names


_LINEAR = Linear()
_new = object.__new__


def linear(input: Any, weight: Any, bias: Any = None) -> Tensor:
    """y = x·Wᵀ + b as one node (PyTorch's ``F.linear``): ``input`` x (in,) or (..., in),
    ``weight`` W (out, in), ``bias`` b (out,) or None. Arrays and numbers become constants. The
    gradients are those of the three-node spelling ``x @ W.T + b``: dx = g·W, dW = gᵀ·x and
    db = the sum of g over the batch, with one node and one kept gradient instead of three.

    This runs once per layer of every step, so it checks and records inline, as the installed
    methods do (``methods.py``): measured on the 20-layer forward, 350 -> 258 us against
    converting every argument and calling ``Node._record``."""
    T = Tensor
    x = input
    if type(weight) is not T:
        weight = _operand(weight, x, T)
    if type(x) is not T:
        x = weight._lift(x) if type(x) is not np.ndarray or x.ndim == 0 else T._constant(x)
    xd, wd = x.data, weight.data
    if wd.ndim != 2 or not xd.ndim or xd.shape[-1] != wd.shape[1]:
        raise ValueError(
            f"linear: x has shape {xd.shape} and weight {wd.shape}; the weight must be "
            f"(out_features, in_features) and x (..., in_features), as in PyTorch "
            f"(y = x·Wᵀ + b)"
        )
    if bias is None:
        y = _LINEAR.forward(None, xd, wd)
        a, b = x, weight
        needs = x._uses >= 0 or weight._uses >= 0
    else:
        if type(bias) is not T:
            bias = weight._lift(bias)
        bd = bias.data
        if bd.ndim != 1 or bd.shape[0] != wd.shape[0]:
            raise ValueError(
                f"linear: bias has shape {bd.shape}; it must be (out_features,) = "
                f"({wd.shape[0]},), one number per row of the weight"
            )
        y = _LINEAR.forward(None, xd, wd, bd)
        a, b = (x, weight, bias), NARY
        needs = x._uses >= 0 or weight._uses >= 0 or bias._uses >= 0
    if type(y) is not np.ndarray:  # 1-D @ 1-D gives a numpy scalar
        y = np.asarray(y)
    if _state.mode or not needs:
        return weight._record(_LINEAR, y, a, b, needs)
    n = _new(T)  # Node._record's fast path, inlined (grad on, no anomaly detection)
    n.data = y
    n.grad = None
    n.op = _LINEAR
    n._a = a
    n._b = b
    n._uses = 0
    return n


def _operand(w: Any, x: Any, T: type) -> Any:
    """The weight as a Tensor: a Tensor subclass as it is, an array as a constant of its own
    dtype (float64 for lists), with ``x``'s dtype when x is a Tensor."""
    if isinstance(w, T):
        return w
    if isinstance(x, T):
        return x._lift(w)
    return T._constant(np.asarray(w, dtype=float if not isinstance(w, np.ndarray) else None))


class CrossEntropy(Op):
    """cross_entropy(z, y) = mean_i -log softmax(z_i)[y_i];  dz = g·(softmax(z) - onehot(y)) / n

    Logits ``z`` (n, k) and class labels ``y`` (n,). The labels and PyTorch's options live on
    the op (one instance per call): ``ignore_index`` (those rows weigh 0), ``label_smoothing``
    ε (the target q_i puts 1 - ε + ε/k on y_i and ε/k on every class) and ``reduction``
    ('mean': divided by the number of rows not ignored; 'sum'; 'none': the n losses).
    """

    __slots__ = ("labels", "keep", "smoothing", "reduction", "_z", "_p")
    name = "cross_entropy"
    symbol = "cross-entropy"
    kind = "reduction"
    params = ("reduction", "smoothing")
    derivatives = ("{g}·(softmax({a}) - onehot(y)) / n",)
    engines = ("tensor",)
    exact = True

    def __init__(self, labels: np.ndarray, keep: np.ndarray | None, smoothing: float,
                 reduction: str) -> None:
        self.labels = labels  # ints in 0..k-1 (an ignored row holds 0)
        self.keep = keep  # None, or the rows that count (booleans)
        self.smoothing = smoothing
        self.reduction = reduction
        self._z = self._p = None  # the logits of the last forward and their softmax

    def forward(self, F: Any, z: Any) -> Any:
        logp, p = _log_softmax(z)
        self._z, self._p = z, p
        n = z.shape[0]
        eps = self.smoothing
        loss = -logp[np.arange(n), self.labels]
        if eps:
            loss = (1.0 - eps) * loss - (eps / z.shape[1]) * logp.sum(axis=1)
        if self.keep is not None:  # an ignored row costs 0, even where its logits are inf/nan
            loss = np.where(self.keep, loss, 0)
        if self.reduction == "none":
            return loss
        if self.reduction == "sum":
            return loss.sum()
        if self.keep is None:  # the mean as np.mean computes it (the same sum, then / n)
            return np.add.reduce(loss) / n
        with np.errstate(invalid="ignore", divide="ignore"):  # every row ignored: nan, as torch
            return loss.sum() / np.count_nonzero(self.keep)

    def scale(self, g: Any, n: int) -> Any:
        """What each row's (softmax - q) is multiplied by: g / n for 'mean', g for 'sum', g_i
        (as a column) for 'none', and 0 on ignored rows."""
        keep = self.keep
        if self.reduction == "none":
            g = g.reshape(n, 1)
        elif self.reduction == "mean":
            count = n if keep is None else np.count_nonzero(keep)
            g = g * (1.0 / count) if count else g * 0.0  # every row ignored: 0, as torch
        return g if keep is None else g * keep.reshape(n, 1).astype(self._p.dtype)

    def vjp(self, F, g, out, xs, need):
        z = xs[0]
        n, k = z.shape
        rows = np.arange(n)
        c = self.scale(g, n)
        fresh = z is self._z  # the logits of this op's forward: their softmax is saved
        arrays = type(z) is np.ndarray
        if arrays and type(g) is np.ndarray and fresh and not self.smoothing:
            d = self._p * c
            d[rows, self.labels] -= c if c.ndim == 0 else c[:, 0]
        else:
            q = np.zeros(z.shape, dtype=z.dtype)
            q[rows, self.labels] = 1.0 - self.smoothing
            if self.smoothing:
                q += self.smoothing / k
            # with create_graph (Tensors) softmax is recorded as a node: second order works
            p = z.softmax(axis=1) if not arrays else self._p if fresh else _log_softmax(z)[1]
            d = (p - q) * c
        return (d,)  # 0 on an ignored row (nan where its logits are inf or nan, as PyTorch)


def _log_softmax(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """log softmax and softmax of each row, from one exp (the row's maximum subtracted first:
    no overflow; a row holding +inf or nan gives nan, as PyTorch)."""
    s = z - row_max(z)
    e = np.exp(s)
    total = row_sums(e)
    return s - np.log(total), np.divide(e, total, out=e)


def cross_entropy(logits: Tensor, labels: np.ndarray, *, ignore_index: int | None = None,
                  label_smoothing: float = 0.0, reduction: str = "mean") -> Tensor:
    """Softmax cross-entropy of Tensor logits (n, k) against integer labels (n,) as one node.

    The labels must already be integers in 0..k-1 or ``ignore_index`` (None: no row is
    ignored); ``nn.functional.cross_entropy`` checks and converts what a user passes. See
    ``CrossEntropy`` for the options (PyTorch's)."""
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"cross_entropy: reduction is 'mean', 'sum' or 'none', not {reduction!r}")
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"cross_entropy: label_smoothing must be in [0, 1], got {label_smoothing}")
    keep = None
    if ignore_index is not None and (labels == ignore_index).any():
        keep = labels != ignore_index
        labels = np.where(keep, labels, 0)
    op = CrossEntropy(labels, keep, float(label_smoothing), reduction)
    return logits._apply(op, op.forward(None, logits.data))
