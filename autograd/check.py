"""``gradcheck``: autograd's gradients against central finite differences, op by op on failure.

d f / d x  ~  (f(x + eps) - f(x - eps)) / (2 eps)      (error O(eps^2))
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ._state import no_grad
from .backprop import grad
from .graph import local_gradients, topological_order


class GradcheckError(AssertionError):
    """Autograd's gradient and the finite-difference estimate disagree (the message says where)."""


def _is_array(x: Any) -> bool:
    return isinstance(x, np.ndarray)


def _elements(data: Any) -> list:
    return list(np.ndindex(data.shape)) if _is_array(data) else [None]


def _shifted(data: Any, idx: Any, delta: float) -> Any:
    if idx is None:
        return data + delta
    d = data.copy()
    d[idx] += delta
    return d


def _scalar(out: Any) -> float:
    d = out.data
    if _is_array(d):
        if d.size != 1:
            raise ValueError(
                f"gradcheck: f must return one number, got shape {d.shape}; reduce it first "
                "(e.g. f(x).sum())"
            )
        return float(d.reshape(()))
    return float(d)


def _numeric(f: Callable, inputs: Sequence, i: int, idx: Any, eps: float) -> float:
    x = inputs[i]
    saved = x.data
    try:
        with no_grad():
            x.data = _shifted(saved, idx, eps)
            hi = _scalar(f(*inputs))
            x.data = _shifted(saved, idx, -eps)
            lo = _scalar(f(*inputs))
    finally:
        x.data = saved
    return (hi - lo) / (2 * eps)


def _name(x: Any, i: int) -> str:
    return f"input {i}" + (f" ('{x.label}')" if getattr(x, "label", "") else "")


def gradcheck(
    f: Callable[..., Any],
    inputs: Sequence[Any],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
) -> bool:
    """Check ``grad(f(*inputs), inputs)`` against central finite differences.

    Returns True, or raises ``GradcheckError`` naming the input whose gradient is off and the op
    whose *local* derivative disagrees most with its own finite-difference estimate, so that an op
    with a wrong derivative is pointed at directly::

        >>> from chainrule.autograd import Value, gradcheck
        >>> gradcheck(lambda x, y: (x * y).tanh() + x ** 3, [Value(0.3), Value(-1.2)])
        True

    Use float64 data: in float32, finite differences are too coarse for these tolerances.
    """
    inputs = list(inputs)
    out = f(*inputs)
    analytic = grad(out, inputs)
    worst = None
    for i, x in enumerate(inputs):
        a_all = analytic[i]
        for idx in _elements(x.data):
            a = float(a_all[idx]) if idx is not None else float(np.asarray(a_all).reshape(()))
            n = _numeric(f, inputs, i, idx, eps)
            err = abs(a - n)
            if err > atol + rtol * abs(n) and (worst is None or err > worst[0]):
                worst = (err, i, idx, a, n)
    if worst is None:
        return True
    _, i, idx, a, n = worst
    where = _name(inputs[i], i) + ("" if idx is None else f", element {idx}")
    msg = f"gradcheck: gradient of {where}: autograd says {a:.6g}, finite differences {n:.6g}."
    culprit = find_bad_op(out, eps)
    if culprit:
        msg += " " + culprit
    raise GradcheckError(msg)


def local_error(node: Any, eps: float = 1e-6, seed: int = 0) -> float:
    """How far the derivative rule of ``node.op`` is from finite differences, at this node's inputs.

    Projects onto random directions: with output weights g and input direction v,
    sum(vjp(g) * v) should equal (g . (op(x + eps v) - op(x - eps v))) / (2 eps).
    Returns the relative error (0 for a correct rule).
    """
    op = node.op
    parents = node.parents
    F = node._backend
    rng = np.random.default_rng(seed)
    xs = [p.data for p in parents]

    def fwd(vals: list) -> Any:
        return op.forward(F, *vals)

    out = node.data
    g = rng.standard_normal(np.shape(out)) if _is_array(out) else 1.0
    gs = local_gradients(node, g, [True] * len(xs))  # the chain rule backprop runs
    worst = 0.0
    for k, x in enumerate(xs):
        if not parents[k].requires_grad or gs[k] is None:
            continue
        v = rng.standard_normal(np.shape(x)) if _is_array(x) else 1.0
        if _is_array(x):
            v = v.astype(x.dtype)
        hi = fwd([x + eps * v if j == k else xj for j, xj in enumerate(xs)])
        lo = fwd([x - eps * v if j == k else xj for j, xj in enumerate(xs)])
        numeric = float(np.sum(g * (np.asarray(hi) - np.asarray(lo)))) / (2 * eps)
        analytic = float(np.sum(np.asarray(gs[k]) * v))
        if not (np.isfinite(numeric) and np.isfinite(analytic)):
            continue
        worst = max(worst, abs(numeric - analytic) / (1.0 + abs(numeric)))
    return worst


def find_bad_op(root: Any, eps: float = 1e-6) -> str:
    """Name the op in the graph below ``root`` whose derivative rule disagrees most (or '')."""
    worst = (1e-4, None)
    for node in topological_order(root):
        if node.op is None:
            continue
        try:
            err = local_error(node, eps)
        except Exception:  # an op the projection cannot perturb: skip it, do not hide the report
            continue
        if err > worst[0]:
            worst = (err, node)
    node = worst[1]
    if node is None:
        return ""
    label = f" '{node.label}'" if node.label else ""
    return (
        f"The derivative rule of op '{node.op_name}' (class {type(node.op).__name__}, at node"
        f"{label} with data {np.round(node.data, 6)!s}) disagrees with finite differences by "
        f"{worst[0]:.3g} (relative): check its partials/vjp."
    )
