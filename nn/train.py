"""The training loop: ``train_step`` is one step, ``fit`` runs many and returns a ``History``.

One *step* is one batch: ``zero_grad -> pred = model(X_batch) -> L = loss(pred, y_batch)
(+ l1 * sum |p| + l2 * sum p^2) -> L.backward() -> optimizer.step()``, with Python's cyclic
collector paused (a step's graph has no cycles: reference counting frees it, see
``autograd.collector_paused``). With ``batch_size=None`` every step of ``fit`` sees the whole
dataset (full-batch gradient descent, as micrograd's demo); an *epoch* is one pass over the data.
The same code trains a scalar and a tensor model: the model decides the engine. Losses are named
as in ``nn.losses`` ('mse', 'hinge', 'bce', 'cross_entropy', ...).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from chainrule import autograd
from chainrule.autograd import Node

from . import functional as F
from . import losses
from ._arrays import numbers
from .data.batching import batches
from .module import Module
from .optim import SGD, Optimizer
from .progress import progress

METRICS: dict[str, Callable[[Any, Any], float]] = {"accuracy": F.accuracy}


@dataclass(frozen=True)
class StepResult:
    """What one ``train_step`` did.

    ``loss``: the number that was backpropagated (the loss plus the penalties); ``lr``: the
    learning rate of the update; ``metrics``: each metric of the batch's predictions (made
    before the update); ``updated``: False only when ``skip_nonfinite`` skipped the update.
    """

    loss: float
    lr: float
    metrics: dict[str, float] = field(default_factory=dict)
    updated: bool = True


def train_step(
    model: Callable[[Any], Any],
    X: Any,
    y: Any,
    loss: str | Callable[[Any, Any], Any],
    optimizer: Optimizer,
    *,
    l1: float = 0.0,
    l2: float = 0.0,
    penalized: Iterable[Node] | None = None,
    metrics: Mapping[str, Callable[[Any, Any], float]] | None = None,
    skip_nonfinite: bool = False,
) -> StepResult:
    """One step of gradient descent on one batch, on either engine.

    ``L = loss(model(X), y) + l1 * sum |p| + l2 * sum p^2`` over the ``penalized`` parameters
    (default: the optimizer's), then ``zero_grad``-ed gradients ``dL/dp`` from ``L.backward()``
    and the optimizer's update (``p <- p - lr * dL/dp`` for plain SGD). Python's cyclic collector
    is paused for the step.

    Args:
        loss: a name from ``nn.losses`` or a function ``f(pred, y) -> loss node``.
        metrics: name -> ``f(pred, y) -> float``, computed on the batch's predictions.
        skip_nonfinite: when L is not finite (an overflow, a diverging run), make no update and
            return ``updated=False`` instead of spreading NaN into every parameter.
    """
    loss_fn = losses.resolve(loss)
    with autograd.collector_paused():
        lr = optimizer.current_lr()
        optimizer.zero_grad()
        pred = model(X)
        L = loss_fn(pred, y)
        if l1 or l2:
            params = optimizer.params if penalized is None else list(penalized)
            if l1:
                L = L + l1 * F.l1_penalty(params)
            if l2:
                L = L + l2 * F.l2_penalty(params)
        value = float(L.data)
        updated = not skip_nonfinite or math.isfinite(value)
        if updated:
            L.backward()
            optimizer.step()
        scores = {name: float(fn(pred, y)) for name, fn in (metrics or {}).items()}
        # free the graph while the collector is paused: alive after it, its nodes would all be
        # scanned by the collection that the step's many allocations have made due
        del pred, L
    return StepResult(value, lr, scores, updated)


class History:
    """What happened in each step: ``history['loss'][k]`` is the loss of step k.

    Columns: ``step``, ``epoch``, ``lr``, ``loss`` and one per metric; ``to_dict()`` gives them
    as plain lists (ready for JSON or a plot), ``len(history)`` the number of steps.
    """

    def __init__(self, metric_names: Sequence[str] = ()) -> None:
        names = ("step", "epoch", "lr", "loss", *metric_names)
        self.columns: dict[str, list] = {k: [] for k in names}
        self.seconds = 0.0
        self.stopped_early = False

    def append(self, logs: dict) -> None:
        for k, col in self.columns.items():
            col.append(logs[k])

    def __getitem__(self, name: str) -> list:
        try:
            return self.columns[name]
        except KeyError:
            raise KeyError(f"History has no column {name!r}; it has {list(self.columns)}") from None

    def __len__(self) -> int:
        return len(self.columns["step"])

    @property
    def loss(self) -> list:
        return self.columns["loss"]

    def to_dict(self) -> dict[str, list]:
        return {k: list(v) for k, v in self.columns.items()}

    def __repr__(self) -> str:
        last = {k: v[-1] for k, v in self.columns.items() if v}
        return f"History({len(self)} steps, last={last})"


def _metric_fns(metrics: Iterable[Any]) -> dict[str, Callable[[Any, Any], float]]:
    out = {}
    for m in metrics:
        if callable(m):
            out[getattr(m, "__name__", "metric")] = m
        elif m in METRICS:
            out[m] = METRICS[m]
        else:
            raise ValueError(
                f"unknown metric {m!r}; choose one of {sorted(METRICS)} or pass f(pred, y)"
            )
    return out


def fit(
    model: Module,
    X: Any,
    y: Any,
    loss: str | Callable[[Any, Any], Any] = "mse",
    optimizer: Optimizer | None = None,
    epochs: int = 100,
    batch_size: int | None = None,
    metrics: Iterable[Any] = ("accuracy",),
    callbacks: Iterable[Callable[[dict], Any]] = (),
    verbose: bool = True,
    *,
    l2: float = 0.0,
    seed: int | None = 0,
    rng: Any = None,
    stream: Any = None,
) -> History:
    """Train ``model`` on ``(X, y)`` with one ``train_step`` per batch; return the ``History``.

    Args:
        loss: a name from ``nn.losses`` ('mse', 'hinge', 'bce', 'cross_entropy', ...) or a
            function ``f(pred, y) -> loss node``.
        optimizer: an optimizer over ``model.parameters()``; default ``SGD(lr=0.1)``.
        epochs: passes over the data. batch_size: None for full batch, else shuffled
            mini-batches drawn from ``seed``/``rng``.
        metrics: names ('accuracy') or functions ``f(pred, y) -> float``, computed on each
            step's own batch predictions, made before that step's update (no extra forward
            pass); use ``predict`` afterwards for the final model's numbers.
        callbacks: functions called with each step's log dict (step, epoch, lr, loss, metrics);
            one returning True stops training (``history.stopped_early``).
        verbose: a progress bar (tqdm) when ``stream`` (stderr) is a terminal or a
            notebook's output (see ``nn.progress``).
        l2: adds ``l2 * sum of p^2`` over the parameters to the loss (micrograd used 1e-4).
    """
    if not isinstance(model, Module):
        raise TypeError(f"fit() trains an nn.Module, not {type(model).__name__}")
    X, y = np.asarray(X), np.asarray(y)
    if len(X) != len(y):
        raise ValueError(f"fit(): X has {len(X)} samples but y has {len(y)}")
    if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 0:
        raise ValueError(f"epochs must be an int >= 0, not {epochs!r}")
    loss_fn, metric_fns = losses.resolve(loss), _metric_fns(metrics)
    params = model.parameters()
    opt = SGD(params, lr=0.1) if optimizer is None else optimizer
    gen = np.random.default_rng(seed) if rng is None else rng
    per_epoch = 1 if batch_size is None else -(-len(y) // batch_size)
    history = History(list(metric_fns))
    bar = progress(epochs * per_epoch, verbose, stream)
    model.train()
    start = time.perf_counter()
    step = 0
    try:
        for epoch in range(epochs):
            data = [(X, y)] if batch_size is None else batches(X, y, batch_size, rng=gen)
            for Xb, yb in data:
                done = train_step(model, Xb, yb, loss_fn, opt, l2=l2, penalized=params,
                                  metrics=metric_fns)
                logs = {"lr": done.lr, "loss": done.loss, **done.metrics, "step": step,
                        "epoch": epoch}
                history.append(logs)
                bar.update({k: logs[k] for k in ("loss", *metric_fns)})
                step += 1
                if any([cb(dict(logs)) is True for cb in callbacks]):  # a list: call every one
                    history.stopped_early = True
                    return history
    finally:
        history.seconds = time.perf_counter() - start
        bar.close()
    return history


def predict(model: Module, X: Any) -> np.ndarray:
    """The model's outputs for a batch as a numpy array ((n,) for one output, else (n, k)), with
    no graph recorded: what a plot or an evaluation needs, on either engine."""
    with autograd.no_grad():
        out = numbers(model(np.asarray(X, dtype=np.float64)))
    return out[:, 0] if out.ndim == 2 and out.shape[1] == 1 else out
