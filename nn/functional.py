"""Losses and metrics, on both engines. Each loss is written once, with node operations only.

A prediction is a Tensor (tensor engine) or a Value / list of Values (scalar engine: a batch
gives one Value per sample, or a list of k Values per sample for k outputs). Targets are numbers
(lists or arrays): they are constants, never differentiated. Every loss is a mean over the batch.

    mse_loss                          mean (p - y)^2
    hinge_loss                        mean max(0, 1 - y s)            labels y = -1 or +1
    binary_cross_entropy_with_logits  mean softplus(z) - y z          labels y in [0, 1]
                                      (= -y log sigmoid(z) - (1 - y) log(1 - sigmoid(z)), stable)
    cross_entropy                     mean logsumexp(z) - z[label]    labels 0..k-1
                                      (Tensor logits: one node, see autograd/tensor/fused.py)
    l2_penalty                        sum of p^2 over the parameters
    l1_penalty                        sum of |p| over the parameters

The gradient of the mean of n terms is 1/n times each term's, which is why the learning rate
does not depend on the batch size. ``nn.losses`` lists the losses by name, with the targets each
one wants (``nn.targets``); ``nn.fit`` and ``nn.train_step`` take those names. Each loss marks
its result with ``autograd.scope`` so that a picture can draw it as one card ("cross-entropy").

``linear(x, W, b)`` = x·Wᵀ + b is one node too (the fused op that ``nn.Linear`` runs).
The layers' functions, with PyTorch's names and arguments, live in three files and are imported
here, so that ``nn.functional`` is one namespace as in PyTorch: ``functional_conv.py`` (conv1d,
conv2d, max_pool2d, avg_pool2d, pad), ``functional_layers.py`` (layer_norm, batch_norm,
embedding, dropout, one_hot) and ``functional_extra.py`` (gelu, silu, elu, leaky_relu, softplus,
hardtanh, relu, sigmoid, tanh, softmax, log_softmax, binary_cross_entropy, nll_loss,
scaled_dot_product_attention, attention_weights).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from chainrule.autograd import Node, Tensor, scope
from chainrule.autograd.tensor import fused

from ._arrays import flat_nodes, is_tensor, numbers
from .functional_conv import avg_pool2d, conv1d, conv2d, max_pool2d, pad
from .functional_extra import (
    attention_weights,
    binary_cross_entropy,
    elu,
    gelu,
    hardtanh,
    leaky_relu,
    log_softmax,
    nll_loss,
    relu,
    scaled_dot_product_attention,
    sigmoid,
    silu,
    softmax,
    softplus,
    tanh,
)
from .functional_layers import batch_norm, dropout, embedding, layer_norm, one_hot
from .targets import BINARY, CLASSES, SIGNED


def _mean_of(term: Callable[[Any, Any], Any], pred: Any, target: Any, who: str) -> Any:
    """mean over all elements of ``term(p, y)``: one Tensor expression, or one node per element."""
    if is_tensor(pred):
        y = numbers(target).astype(pred.data.dtype)
        if y.shape != pred.shape:
            if y.size != pred.data.size:
                raise ValueError(f"{who}: predictions have shape {pred.shape}, targets {y.shape}")
            y = y.reshape(pred.shape)  # (n, 1) scores against (n,) labels: never broadcast
        return term(pred, y).mean()
    ps = flat_nodes(pred)
    ys = numbers(target).ravel().tolist()
    if len(ps) != len(ys):
        raise ValueError(f"{who}: {len(ps)} predictions but {len(ys)} targets")
    if not ps:
        raise ValueError(f"{who}: empty batch")
    return sum(term(p, y) for p, y in zip(ps, ys, strict=True)) * (1.0 / len(ps))


@scope.named("MSE loss")
def mse_loss(pred: Any, target: Any) -> Any:
    """Mean squared error: mean over all elements of (pred - target)^2."""

    def term(p: Any, y: Any) -> Any:
        d = p - y
        return d * d

    return _mean_of(term, pred, target, "mse_loss")


@scope.named("hinge loss")
def hinge_loss(scores: Any, labels: Any) -> Any:
    """micrograd's max-margin (SVM) loss: mean max(0, 1 - y s), labels -1 or +1.

    A point costs nothing once it is on the right side with margin 1 (y s >= 1).
    """
    y = SIGNED.check(labels, "hinge_loss")
    return _mean_of(lambda s, t: (1.0 - t * s).relu(), scores, y, "hinge_loss")


@scope.named("binary cross-entropy")
def binary_cross_entropy_with_logits(logits: Any, labels: Any) -> Any:
    """Mean of softplus(z) - y z, the cross-entropy of sigmoid(z) against y in [0, 1].

    Written with softplus(z) = ln(1 + e^z) it never takes log(0) or overflows, even at |z| = 1000.
    """
    y = BINARY.check(labels, "binary_cross_entropy_with_logits")
    return _mean_of(
        lambda z, t: z.softplus() - t * z, logits, y, "binary_cross_entropy_with_logits"
    )


def _class_labels(labels: Any, n: int, k: int,
                  ignore: int | None = None) -> tuple[np.ndarray, bool]:
    """The labels as n int64s in 0..k-1 (or ``ignore``), checked with a clear message, and
    whether any of them is ``ignore``."""
    y = labels if type(labels) is np.ndarray and labels.dtype == np.int64 else numbers(labels)
    y = y.ravel()
    if y.size != n:
        raise ValueError(f"cross_entropy: {n} rows of logits but {y.size} labels")
    # int64 labels, all in 0..k-1: one reduction (a negative label, seen as uint64, is huge)
    if y.dtype == np.int64 and (not y.size or y.view(np.uint64).max() < k):
        return y, ignore is not None and 0 <= ignore < k and bool((y == ignore).any())
    ignored = y == ignore
    CLASSES.check(y[~ignored], "cross_entropy", classes=k)
    return y.astype(np.int64), bool(ignored.any())


linear = fused.linear  # y = x·Wᵀ + b as one node; PyTorch's signature (input, weight, bias=None)


def cross_entropy(logits: Any, labels: Any, *, ignore_index: int = -100,
                  label_smoothing: float = 0.0, reduction: str = "mean") -> Any:
    """Mean over the batch of -log softmax(z)[label] = logsumexp(z) - z[label].

    ``logits``: a Tensor (n, k), or a list of n lists of k Values. On the tensor engine the loss
    is one node (``autograd.tensor.fused``) whose gradient is (softmax(z) - onehot(y)) / n, and
    PyTorch's options work: ``ignore_index`` (rows with that label count 0), ``label_smoothing``
    ε (the target puts 1 - ε + ε/k on the label, ε/k on every other class) and ``reduction``
    ('mean', 'sum' or 'none'). On the scalar engine logsumexp subtracts the row's maximum first
    (a constant, so the gradient is unchanged) and never overflows. Either way the result is
    marked as one "cross-entropy" region for pictures (``autograd.scope``).
    """
    if type(logits) is not Tensor and not is_tensor(logits):
        if (ignore_index, label_smoothing, reduction) != (-100, 0.0, "mean"):
            raise ValueError("cross_entropy: ignore_index, label_smoothing and reduction are "
                             "for Tensor logits; the scalar engine computes the plain mean")
        return _scalar_cross_entropy(logits, labels)
    shape = logits.data.shape
    if len(shape) != 2:
        raise ValueError(f"cross_entropy needs logits of shape (n, classes), not {shape}")
    n, k = shape
    y, ignored = _class_labels(labels, n, k, ignore_index)
    out = fused.cross_entropy(logits, y, ignore_index=ignore_index if ignored else None,
                              label_smoothing=label_smoothing, reduction=reduction)
    return scope.mark(out, "cross-entropy", (logits,))


@scope.named("cross-entropy")
def _scalar_cross_entropy(logits: Any, labels: Any) -> Any:
    """The scalar engine's cross-entropy: a list of n samples, each a list of k logits."""
    rows = logits if isinstance(logits, (list, tuple)) else None
    if not rows or not all(isinstance(r, (list, tuple)) for r in rows):
        raise ValueError(
            "cross_entropy on the scalar engine needs a list of samples, each a list of k >= 2 "
            "logits (a model with k outputs called on a batch)"
        )
    k = len(rows[0])
    if k < 2 or any(len(r) != k for r in rows):
        raise ValueError(
            f"cross_entropy: every sample needs the same number (>= 2) of logits, got {k}"
        )
    y, _ = _class_labels(labels, len(rows), k)
    terms = []
    for r, label in zip(rows, y.tolist(), strict=True):
        m = max(z.data if isinstance(z, Node) else z for z in r)
        lse = sum((z - m).exp() for z in r).log() + m
        terms.append(lse - r[label])
    return sum(terms[1:], terms[0]) * (1.0 / len(rows))


def _sum_over(params: Iterable[Node], term: Callable[[Node], Node]) -> Any:
    parts = [term(p) if p.engine == "scalar" else term(p).sum() for p in params]
    if not parts:
        raise ValueError("the penalty got no parameters")
    return sum(parts[1:], parts[0])


@scope.named("L2 penalty")
def l2_penalty(params: Iterable[Node]) -> Any:
    """sum of p^2 over every parameter; ``alpha * l2_penalty(params)`` is L2 regularisation."""
    return _sum_over(params, lambda p: p * p)


@scope.named("L1 penalty")
def l1_penalty(params: Iterable[Node]) -> Any:
    """sum of |p| over every parameter; pushes weights to exactly zero (sparse models)."""
    return _sum_over(params, abs)


def accuracy(pred: Any, labels: Any) -> float:
    """The fraction of correct predictions (a float, no graph).

    k >= 2 outputs per sample: the class is the argmax. One output: the class is ``score > 0``
    against ``label > 0``, which fits -1/+1 labels (hinge) and 0/1 labels (logits) alike.
    """
    p = numbers(pred)
    y = numbers(labels).ravel()
    if p.ndim == 2 and p.shape[1] > 1:
        if p.shape[0] != y.size:
            raise ValueError(f"accuracy: {p.shape[0]} predictions but {y.size} labels")
        return float(np.mean(np.argmax(p, axis=1) == y))
    p = p.ravel()
    if p.size != y.size:
        raise ValueError(f"accuracy: {p.size} predictions but {y.size} labels")
    return float(np.mean((p > 0) == (y > 0)))


__all__ = [
    "accuracy", "binary_cross_entropy_with_logits", "cross_entropy", "hinge_loss", "l1_penalty",
    "l2_penalty", "linear", "mse_loss",
    # PyTorch's layer functions (functional_conv, functional_layers, functional_extra)
    "attention_weights", "avg_pool2d", "batch_norm", "binary_cross_entropy", "conv1d", "conv2d",
    "dropout", "elu", "embedding", "gelu", "hardtanh", "layer_norm", "leaky_relu", "log_softmax",
    "max_pool2d", "nll_loss", "one_hot", "pad", "relu", "scaled_dot_product_attention", "sigmoid",
    "silu", "softmax", "softplus", "tanh",
]
