"""Lesson 6: second derivatives (``create_graph``): Newton's method, Hessian-vector products.

``autograd.grad(f, [x], create_graph=True)`` returns the derivative as a node of a new graph (the
derivative rules are written with the engine's own operations), so it can be differentiated
again: ``grad(grad(f, x), x)`` is f''(x).

**Newton's method** uses it. Gradient descent steps ``x <- x - lr f'(x)`` with a learning rate
chosen by hand; Newton fits a parabola at x (its slope f'(x), its curvature f''(x)) and jumps to
its bottom, ``x <- x - f'(x) / f''(x)``. Near a minimum the number of correct digits doubles at
every step (quadratic convergence), while gradient descent gains a fixed fraction. The function
here is ``f(x) = e^x + e^(-2x)``, convex, with its minimum at ``x* = ln(2) / 3``. (Newton looks for
f'(x) = 0: where f'' < 0 it heads for a maximum, so it needs a convex function, or care.)

**Hessian-vector products.** A network with n parameters has an n x n Hessian H (its second
derivatives), far too big to form. But ``H v`` for one vector v is the gradient of
``g(theta) . v`` where g = dL/dtheta: two backward passes, no matrix. It is checked here against
central finite differences of the gradient, ``(g(theta + eps v) - g(theta - eps v)) / (2 eps)``.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence

import numpy as np

from chainrule import autograd, nn
from chainrule.autograd import Value
from chainrule.nn import functional as F

from ._common import Report, figure, heading, lesson_main, output_dir, save, series_style

X_STAR = math.log(2.0) / 3.0  # f'(x) = e^x - 2 e^(-2x) = 0  <=>  e^(3x) = 2


def f(x: Value) -> Value:
    return x.exp() + (-2.0 * x).exp()


def derivatives(x0: float) -> tuple[float, float, float]:
    """f(x0), f'(x0), f''(x0), the last two by differentiating twice with the engine."""
    x = Value(x0)
    y = f(x)
    (d1,) = autograd.grad(y, [x], create_graph=True)  # a Value: e^x - 2 e^(-2x), as a graph
    (d2,) = autograd.grad(d1, [x])  # differentiate the derivative: e^x + 4 e^(-2x)
    return y.data, d1.data, d2


def minimise(x0: float, steps: int, lr: float | None) -> list[float]:
    """Iterates of Newton's method (lr None) or of gradient descent with learning rate lr."""
    xs = [x0]
    for _ in range(steps):
        _, d1, d2 = derivatives(xs[-1])
        xs.append(xs[-1] - (d1 / d2 if lr is None else lr * d1))
    return xs


def hvp_problem(quick: bool) -> tuple[nn.MLP, np.ndarray, np.ndarray, list[np.ndarray]]:
    """A 2-8-8-1 tanh MLP, the moons data for its loss, and a random direction v."""
    X, y = nn.data.make_moons(20 if quick else 100, noise=0.1, seed=0)
    model = nn.MLP(2, [8, 8, 1], activation="tanh", engine="tensor", seed=0)
    rng = np.random.default_rng(1)
    return model, X, y, [rng.normal(size=p.shape) for p in model.parameters()]


def hessian_vector_product(model: nn.MLP, X: np.ndarray, y: np.ndarray,
                           v: list[np.ndarray]) -> dict:
    """H v for the model's binary cross-entropy, by autograd and by finite differences."""
    params = model.parameters()

    def loss() -> autograd.Tensor:
        return F.binary_cross_entropy_with_logits(model(X), y)

    g = autograd.grad(loss(), params, create_graph=True)  # Tensors, with their own graph
    gv = sum((gi * vi).sum() for gi, vi in zip(g, v, strict=True))  # the number g . v
    hv = autograd.grad(gv, params)  # d(g . v)/d theta = H v

    eps = 1e-5
    originals = [p.data.copy() for p in params]

    def grad_at(sign: float) -> list[np.ndarray]:
        for p, p0, vi in zip(params, originals, v, strict=True):
            p.data = p0 + sign * eps * vi
        return autograd.grad(loss(), params)

    plus, minus = grad_at(+1.0), grad_at(-1.0)
    for p, p0 in zip(params, originals, strict=True):
        p.data = p0
    fd = [(a - b) / (2 * eps) for a, b in zip(plus, minus, strict=True)]
    flat_hv = np.concatenate([h.ravel() for h in hv])
    flat_fd = np.concatenate([h.ravel() for h in fd])
    rel = float(np.linalg.norm(flat_hv - flat_fd) / np.linalg.norm(flat_fd))
    return {"hv": flat_hv, "fd": flat_fd, "rel": rel, "n": model.num_parameters()}


def run(out: str | os.PathLike | None = None, *, quick: bool = False) -> Report:
    """Newton against gradient descent on f, then a checked Hessian-vector product."""
    folder = output_dir("newton", out)
    report = Report()

    heading("f(x) = e^x + e^(-2x): derivatives by differentiating twice")
    x0 = 2.0
    fx, d1, d2 = derivatives(x0)
    exact = (math.exp(x0) - 2 * math.exp(-2 * x0), math.exp(x0) + 4 * math.exp(-2 * x0))
    print(f"at x = {x0}: f = {fx:.6f}, f' = {d1:.12f} (formula {exact[0]:.12f}), "
          f"f'' = {d2:.12f} (formula {exact[1]:.12f})")
    h = 1e-5
    fd2 = (derivatives(x0 + h)[1] - derivatives(x0 - h)[1]) / (2 * h)
    print(f"f'' by central differences of f': {fd2:.9f}")

    steps, lr = (8, 0.1) if quick else (40, 0.1)
    heading(f"minimising from x0 = {x0}: Newton vs gradient descent (lr {lr}), x* = ln(2)/3")
    newton, gd = minimise(x0, steps, None), minimise(x0, steps, lr)
    print(f"{'step':>4} {'Newton x':>18} {'|x - x*|':>10} {'descent x':>18} {'|x - x*|':>10}")
    for k in list(range(min(8, steps + 1))) + ([steps] if steps >= 8 else []):
        print(f"{k:>4} {newton[k]:>18.15f} {abs(newton[k] - X_STAR):>10.1e} "
              f"{gd[k]:>18.15f} {abs(gd[k] - X_STAR):>10.1e}")
    newton_steps = next((k for k, x in enumerate(newton) if abs(x - X_STAR) < 1e-12), None)
    gd_steps = next((k for k, x in enumerate(gd) if abs(x - X_STAR) < 1e-12), None)
    print(f"steps to |x - x*| < 1e-12: Newton {newton_steps}, gradient descent "
          f"{gd_steps if gd_steps is not None else f'more than {steps}'}")
    print(f"(each gradient step shrinks the error by about |1 - lr f''(x*)| = "
          f"{abs(1 - lr * (math.exp(X_STAR) + 4 * math.exp(-2 * X_STAR))):.2f}; Newton's step "
          "is as if lr were 1/f''(x), re-chosen at every x)")

    heading("a Hessian-vector product H v, checked against finite differences")
    hvp = hessian_vector_product(*hvp_problem(quick))
    print(f"loss of a 2-8-8-1 tanh MLP ({hvp['n']} parameters), v random: "
          f"||Hv - finite differences|| / ||finite differences|| = {hvp['rel']:.1e}")
    save(_figure(newton, gd, lr, hvp), folder / "newton.png", report)
    report.results.update(newton=newton, gd=gd, newton_steps=newton_steps, gd_steps=gd_steps,
                          d2=d2, d2_exact=exact[1], hvp_rel=hvp["rel"])
    return report


def _figure(newton: list[float], gd: list[float], lr: float, hvp: dict):
    from chainrule.viz import palette
    from chainrule.viz.plots import legend_outside, log_axis

    fig, axes = figure(1, 3, size=(13, 4.6))
    a, b, c = axes[0]
    xs = np.linspace(-0.6, 2.2, 300)
    a.plot(xs, np.exp(xs) + np.exp(-2 * xs), color=palette.MUTED, linewidth=2, label="f(x)")
    methods = ((gd, 0, f"gradient descent, lr {lr}"), (newton, 1, "Newton"))
    for path, k, name in methods:
        p = np.array(path[:8])
        a.plot(p, np.exp(p) + np.exp(-2 * p), markersize=7, linewidth=1.5, label=name,
               **series_style(k))
    a.axvline(X_STAR, color=palette.AXIS, linestyle=":", linewidth=1)
    a.set_title("f(x) = e$^x$ + e$^{-2x}$, first 8 steps")
    a.set_xlabel("x")
    a.grid(alpha=0.3)
    for path, k, name in methods:
        err = np.abs(np.array(path) - X_STAR)
        i = np.flatnonzero(err > 0)  # an exact hit (error 0) has no place on a log scale
        b.plot(i, err[i], markersize=6, linewidth=1.8, label=name, **series_style(k))
    log_axis(b)
    b.set_title("|x$_k$ - x*| (Newton ends: exact)")
    b.set_xlabel("step k")
    b.grid(alpha=0.3, which="major")
    legend_outside(b)
    c.plot(hvp["fd"], hvp["hv"], linestyle="none", markersize=5, **{
        k: v for k, v in series_style(2).items() if k != "linestyle"})
    lim = float(np.abs(hvp["fd"]).max()) * 1.05
    c.plot([-lim, lim], [-lim, lim], color=palette.FRAME, linewidth=1, zorder=0)
    c.set_title(f"H v: {hvp['n']} entries, rel. error {hvp['rel']:.0e}")
    c.set_xlabel("finite differences")
    c.set_ylabel("autograd (create_graph)")
    c.grid(alpha=0.3)
    return fig


def main(argv: Sequence[str] | None = None) -> int:
    return lesson_main(__name__, __doc__, run, argv)


if __name__ == "__main__":
    raise SystemExit(main())
