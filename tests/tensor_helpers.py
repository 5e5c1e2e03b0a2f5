"""Finite-difference checks for Tensor ops, first and second order.

First order uses ``autograd.gradcheck`` on a random projection ``sum(w * f(x))`` of the op's output
(so ops with any output shape are covered). Second order checks a Hessian-vector product: the
gradient of ``sum_i grad_i . v_i`` (built with ``create_graph=True``) against central differences of
the first-order gradients.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from chainrule import autograd
from chainrule.autograd import Tensor


def _projection(fn: Callable, arrays: list[np.ndarray], seed: int) -> np.ndarray:
    out = fn(*[Tensor(a) for a in arrays])
    return np.random.default_rng(seed).standard_normal(out.shape)


def first_order(fn: Callable, *arrays: np.ndarray, seed: int = 0) -> None:
    """Raise if the gradients of ``fn`` at ``arrays`` disagree with central differences."""
    arrays = [np.array(a, dtype=np.float64) for a in arrays]
    w = _projection(fn, arrays, seed)
    ts = [Tensor(a, requires_grad=True) for a in arrays]
    autograd.gradcheck(lambda *xs: (fn(*xs) * w).sum(), ts, atol=1e-6, rtol=1e-5)


def _gradients(fn: Callable, arrays: list[np.ndarray], w: np.ndarray) -> list[np.ndarray]:
    ts = [Tensor(a, requires_grad=True) for a in arrays]
    return autograd.grad((fn(*ts) * w).sum(), ts)


def second_order(fn: Callable, *arrays: np.ndarray, seed: int = 0, eps: float = 1e-5) -> None:
    """Raise if the Hessian-vector product of ``fn`` disagrees with differences of its gradient."""
    arrays = [np.array(a, dtype=np.float64) for a in arrays]
    rng = np.random.default_rng(seed + 1)
    w = _projection(fn, arrays, seed)
    vs = [rng.standard_normal(a.shape) for a in arrays]
    ts = [Tensor(a, requires_grad=True) for a in arrays]
    gs = autograd.grad((fn(*ts) * w).sum(), ts, create_graph=True)
    for g, t in zip(gs, ts, strict=True):
        assert isinstance(g, Tensor) and g.shape == t.shape and g.dtype == t.dtype
    hv = sum(((g * v).sum() for g, v in zip(gs, vs, strict=True)), Tensor(0.0))
    analytic = autograd.grad(hv, ts) if hv.requires_grad else [np.zeros_like(a) for a in arrays]

    def phi(values: list[np.ndarray]) -> float:
        gs = _gradients(fn, values, w)
        return float(sum(np.sum(g * v) for g, v in zip(gs, vs, strict=True)))

    for i, a in enumerate(arrays):
        numeric = np.zeros_like(a)
        for idx in np.ndindex(a.shape):
            hi = [x.copy() for x in arrays]
            lo = [x.copy() for x in arrays]
            hi[i][idx] += eps
            lo[i][idx] -= eps
            numeric[idx] = (phi(hi) - phi(lo)) / (2 * eps)
        np.testing.assert_allclose(
            analytic[i], numeric, rtol=1e-4, atol=1e-5, err_msg=f"second order, input {i}"
        )


def check(fn: Callable, *arrays: np.ndarray, second: bool = True, seed: int = 0) -> None:
    """First- and (optionally) second-order finite-difference checks of ``fn`` at ``arrays``."""
    first_order(fn, *arrays, seed=seed)
    if second:
        second_order(fn, *arrays, seed=seed)


def away_from(x: np.ndarray, points: tuple[float, ...] = (0.0,), gap: float = 0.1) -> np.ndarray:
    """``x`` moved at least ``gap`` away from each kink in ``points`` (where FD is not valid)."""
    x = np.array(x, dtype=np.float64)
    for p in points:
        near = np.abs(x - p) < gap
        x[near] = p + np.where(x[near] >= p, gap, -gap) * 2
    return x
