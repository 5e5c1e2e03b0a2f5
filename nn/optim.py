"""Optimizers: SGD (with momentum, Nesterov, weight decay), Adam and AdamW.

They read and write only ``p.data`` and ``p.grad``, with arithmetic that means the same on floats
(Value parameters) and on numpy arrays (Tensor parameters), so one optimizer serves both engines.
Every update is computed exactly as ``torch.optim`` computes it (same formulas, same order), so on
the same gradients the parameters agree with PyTorch's (tested).

``lr`` is a number or a schedule: a function of the step count k (0 for the first step), e.g.
micrograd's ``lambda k: 1.0 - 0.9 * k / 100``. A parameter whose grad is None (a Tensor no loss
reached) is skipped, as in PyTorch.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from chainrule.autograd import Node

from .module import clear_grads

LR = float | Callable[[int], float]


def _copy(x: Any) -> Any:
    """A copy of an array (floats are immutable already): a buffer must not alias a grad."""
    return x.copy(order="K") if isinstance(x, np.ndarray) else x  # keeps a column-major layout


def _zeros_like(x: Any) -> Any:
    return 0.0 if isinstance(x, float) else np.zeros_like(x)


def _check(value: float, name: str, low: float = 0.0, high: float = math.inf) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value < high:
        raise ValueError(f"{name} must be a number in [{low}, {high}), not {value!r}")
    return float(value)


class Optimizer:
    """Base class: holds the parameters and the learning rate; subclasses define ``_update``."""

    def __init__(self, params: Iterable[Node], lr: LR) -> None:
        self.params = list(params)
        if not self.params:
            raise ValueError(f"{type(self).__name__} got an empty parameter list")
        seen: set[int] = set()
        for i, p in enumerate(self.params):
            if not isinstance(p, Node):
                raise TypeError(f"parameter {i} is a {type(p).__name__}, not a Value or Tensor")
            if not (p.requires_grad and p.is_leaf):
                raise ValueError(
                    f"parameter {i} ({p.label or type(p).__name__}) is not a leaf that requires "
                    "grad, so it has no gradient to follow"
                )
            if id(p) in seen:
                raise ValueError(f"parameter {i} ({p.label or '?'}) is listed twice")
            seen.add(id(p))
        if not callable(lr):
            _check(lr, "lr")
        self.lr = lr
        self.steps = 0
        self.state: list[dict] = [{} for _ in self.params]

    def current_lr(self) -> float:
        """The learning rate of the next step: ``lr``, or ``lr(steps)`` for a schedule."""
        lr = self.lr(self.steps) if callable(self.lr) else self.lr
        if isinstance(lr, bool) or not isinstance(lr, (int, float)) or not math.isfinite(lr):
            raise ValueError(
                f"the lr schedule gave {lr!r} at step {self.steps}: need a finite number"
            )
        return float(lr)

    def zero_grad(self) -> None:
        """Forget every parameter's gradient (0.0 for a Value, None for a Tensor)."""
        clear_grads(self.params)

    def step(self) -> None:
        """Update every parameter from its ``.grad``, then count the step."""
        lr = self.current_lr()
        for p, state in zip(self.params, self.state, strict=True):
            if p.grad is not None:
                p.data = self._update(p.data, p.grad, state, lr)
        self.steps += 1

    def _update(self, x: Any, g: Any, state: dict, lr: float) -> Any:  # pragma: no cover
        raise NotImplementedError

    def __repr__(self) -> str:
        lr = self.lr if not callable(self.lr) else "schedule"
        return f"{type(self).__name__}({len(self.params)} parameters, lr={lr}, steps={self.steps})"


class SGD(Optimizer):
    """Stochastic gradient descent, as ``torch.optim.SGD``:

        g = grad + weight_decay * x
        b = g (first step), then b = momentum * b + (1 - dampening) * g
        g = g + momentum * b (nesterov) or b (momentum > 0)
        x = x - lr * g
    """

    def __init__(
        self,
        params: Iterable[Node],
        lr: LR = 0.01,
        momentum: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
        dampening: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        self.momentum = _check(momentum, "momentum")
        self.weight_decay = _check(weight_decay, "weight_decay")
        self.dampening = _check(dampening, "dampening", high=1.0 + 1e-12)
        if nesterov and (self.momentum == 0 or self.dampening != 0):
            raise ValueError("nesterov=True needs momentum > 0 and dampening = 0")
        self.nesterov = bool(nesterov)

    def _update(self, x: Any, g: Any, state: dict, lr: float) -> Any:
        if self.weight_decay:
            g = g + self.weight_decay * x
        mu = self.momentum
        if mu:
            b = state.get("momentum")
            b = _copy(g) if b is None else mu * b + (1.0 - self.dampening) * g
            state["momentum"] = b
            g = g + mu * b if self.nesterov else b
        return x - lr * g


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015), as ``torch.optim.Adam``; t counts this parameter's steps:

        g = grad + weight_decay * x                      (L2 added to the gradient)
        m = m + (1 - beta1) (g - m)                      (= beta1 m + (1 - beta1) g)
        v = beta2 v + (1 - beta2) g^2
        x = x - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
    """

    decoupled = False

    def __init__(
        self,
        params: Iterable[Node],
        lr: LR = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        if len(betas) != 2:
            raise ValueError(f"betas must be a pair (beta1, beta2), not {betas!r}")
        self.betas = (_check(betas[0], "beta1", high=1.0), _check(betas[1], "beta2", high=1.0))
        self.eps = _check(eps, "eps")
        self.weight_decay = _check(weight_decay, "weight_decay")

    def _update(self, x: Any, g: Any, state: dict, lr: float) -> Any:
        b1, b2 = self.betas
        if self.weight_decay:
            if self.decoupled:  # AdamW: shrink the weights directly, not through the gradient
                x = x * (1.0 - lr * self.weight_decay)
            else:
                g = g + self.weight_decay * x
        t = state.get("t", 0) + 1
        m = state.get("m", _zeros_like(g))
        v = state.get("v", _zeros_like(g))
        m = m + (1.0 - b1) * (g - m)
        v = b2 * v + (1.0 - b2) * (g * g)
        state.update(t=t, m=m, v=v)
        step_size = lr / (1.0 - b1**t)
        denom = v**0.5 / math.sqrt(1.0 - b2**t) + self.eps
        return x - step_size * (m / denom)


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter, 2019), as ``torch.optim.AdamW``:

        x = x (1 - lr weight_decay), then the Adam step on the plain gradient.
    """

    decoupled = True

    def __init__(
        self,
        params: Iterable[Node],
        lr: LR = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
    ) -> None:
        super().__init__(params, lr, betas, eps, weight_decay)
