"""Activations, probability losses and attention, with PyTorch's names and arguments
(``nn.functional``). Each is a composite of Tensor ops (its gradient follows from theirs):

- gelu(x)    = x * Phi(x) = x/2 (1 + erf(x / sqrt 2))   (``approximate='tanh'``: the tanh form)
- silu(x)    = x * sigmoid(x)
- elu(x)     = x if x > 0 else alpha (e^x - 1)
- softplus   = ln(1 + e^(beta x)) / beta, and x itself once beta x > threshold
- hardtanh   = clip(x, min_val, max_val);  leaky_relu = x if x > 0 else slope x
- binary_cross_entropy(p, y) = -(y ln p + (1 - y) ln(1 - p)), each log at least -100 (PyTorch)
- nll_loss(logp, y) = -logp[i, y_i], averaged (weighted by ``weight[y_i]``)
- scaled_dot_product_attention(q, k, v) = softmax(q k^T / sqrt(d) + mask) v
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from chainrule.autograd import Tensor, scope, where

from ._arrays import is_tensor
from .functional_layers import as_tensor, dropout


def gelu(input: Any, approximate: str = "none") -> Tensor:
    """x * Phi(x), Phi the standard normal's CDF (``approximate='tanh'``: GPT-2's tanh form)."""
    x = as_tensor(input)
    if approximate == "tanh":
        inner = (x + 0.044715 * x * x * x) * math.sqrt(2.0 / math.pi)
        return 0.5 * x * (1.0 + inner.tanh())
    if approximate != "none":
        raise ValueError(f"gelu: approximate is 'none' or 'tanh', not {approximate!r}")
    return 0.5 * x * (1.0 + (x * (1.0 / math.sqrt(2.0))).erf())


def silu(input: Any) -> Tensor:
    """x * sigmoid(x) (also called swish)."""
    x = as_tensor(input)
    return x * x.sigmoid()


def elu(input: Any, alpha: float = 1.0) -> Tensor:
    """x for x > 0, alpha (e^x - 1) below (written as relu(x) + alpha expm1(min(x, 0)), so a large
    x never overflows the branch it does not take)."""
    x = as_tensor(input)
    return x.relu() + alpha * x.clip(None, 0.0).expm1()


def leaky_relu(input: Any, negative_slope: float = 0.01) -> Tensor:
    """x for x > 0, ``negative_slope * x`` below."""
    return as_tensor(input).leaky_relu(negative_slope)


def softplus(input: Any, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """ln(1 + e^(beta x)) / beta, and x where beta x > threshold (as PyTorch)."""
    x = as_tensor(input)
    smooth = x.softplus() if beta == 1.0 else (x * beta).softplus() * (1.0 / beta)
    return where(x.data * beta > threshold, x, smooth)


def hardtanh(input: Any, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    """x limited to [min_val, max_val]."""
    return as_tensor(input).clip(min_val, max_val)


def relu(input: Any) -> Tensor:
    """max(x, 0). (A Tensor goes straight to ``.relu()``: this runs once per hidden layer of
    every step, and skipping ``as_tensor``'s two calls saves 0.2 us of its 1.9.)"""
    return (input if type(input) is Tensor else as_tensor(input)).relu()


def sigmoid(input: Any) -> Tensor:
    """1 / (1 + e^-x)."""
    return as_tensor(input).sigmoid()


def tanh(input: Any) -> Tensor:
    """tanh(x)."""
    return as_tensor(input).tanh()


def softmax(input: Any, dim: int = -1) -> Tensor:
    """exp(x) / sum(exp(x)) along ``dim``."""
    return as_tensor(input).softmax(dim=dim)


def log_softmax(input: Any, dim: int = -1) -> Tensor:
    """x - logsumexp(x) along ``dim``."""
    return as_tensor(input).log_softmax(dim=dim)


def _reduce(loss: Tensor, reduction: str, who: str) -> Tensor:
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    if reduction == "none":
        return loss
    raise ValueError(f"{who}: reduction is 'mean', 'sum' or 'none', not {reduction!r}")


@scope.named("binary cross-entropy")
def binary_cross_entropy(input: Tensor, target: Any, weight: Any = None,
                         reduction: str = "mean") -> Tensor:
    """-(y ln p + (1 - y) ln(1 - p)) for probabilities ``input`` in [0, 1] and targets in [0, 1];
    each log is clamped at -100 as in PyTorch, so p = 0 or 1 costs 100, not infinity."""
    p = as_tensor(input)
    y = np.asarray(getattr(target, "data", target), dtype=p.dtype)
    if y.shape != p.shape:
        raise ValueError(f"binary_cross_entropy: input {p.shape} and target {y.shape} differ")
    if p.data.size and (p.data.min() < 0 or p.data.max() > 1):
        raise ValueError("binary_cross_entropy: input must hold probabilities in [0, 1]; for "
                         "logits use binary_cross_entropy_with_logits")
    loss = -(y * p.log().clip(-100.0, None) + (1.0 - y) * (1.0 - p).log().clip(-100.0, None))
    if weight is not None:
        loss = loss * np.asarray(getattr(weight, "data", weight), dtype=p.dtype)
    return _reduce(loss, reduction, "binary_cross_entropy")


@scope.named("NLL loss")
def nll_loss(input: Tensor, target: Any, weight: Any = None, ignore_index: int = -100,
             reduction: str = "mean") -> Tensor:
    """The negative log-likelihood of the targets, given log-probabilities ``input`` (N, C):
    -input[i, y_i], averaged with weights ``weight[y_i]`` (labels equal to ``ignore_index`` count
    0). ``cross_entropy(z, y)`` is ``nll_loss(log_softmax(z), y)``."""
    logp = as_tensor(input)
    y = np.asarray(getattr(target, "data", target))
    if logp.ndim != 2 or y.shape != (logp.shape[0],) or y.dtype.kind not in "iu":
        raise ValueError(f"nll_loss: expected input (N, C) and N integer targets, got "
                         f"{logp.shape} and {y.shape} {y.dtype}")
    keep = y != ignore_index
    safe = np.where(keep, y, 0)
    if safe.min() < 0 or safe.max() >= logp.shape[1]:
        raise IndexError(f"nll_loss: targets must be in [0, {logp.shape[1]})")
    w = np.ones(logp.shape[1]) if weight is None else np.asarray(getattr(weight, "data", weight))
    wi = (w[safe] * keep).astype(logp.dtype)
    loss = -logp[np.arange(len(y)), safe] * wi
    if reduction == "mean":
        return loss.sum() / float(wi.sum())
    return _reduce(loss, reduction, "nll_loss")


def attention_weights(query: Tensor, key: Tensor, attn_mask: Any = None, is_causal: bool = False,
                      scale: float | None = None) -> Tensor:
    """softmax(q k^T * scale + mask) over the last axis: (..., L, S) weights, each row summing to
    1. ``attn_mask``: boolean (True = may attend) or added to the scores; ``is_causal``: position i
    sees positions <= i only. ``scale`` defaults to 1/sqrt(q.shape[-1])."""
    q, k = as_tensor(query), as_tensor(key)
    scale = 1.0 / math.sqrt(q.shape[-1]) if scale is None else scale
    scores = (q @ k.transpose(-2, -1)) * scale
    n, m = scores.shape[-2:]
    if is_causal:
        scores = scores.masked_fill(~np.tril(np.ones((n, m), dtype=bool)), -np.inf)
    if attn_mask is not None:
        mask = np.asarray(getattr(attn_mask, "data", attn_mask))
        scores = scores.masked_fill(~mask, -np.inf) if mask.dtype == bool else scores + mask
    return scores.softmax(dim=-1)


@scope.named("attention")
def scaled_dot_product_attention(query: Tensor, key: Tensor, value: Tensor, attn_mask: Any = None,
                                 dropout_p: float = 0.0, is_causal: bool = False,
                                 scale: float | None = None, *, rng: Any = None) -> Tensor:
    """Each query's weighted mean of the values: ``attention_weights(q, k) @ v``, shapes
    (..., L, E), (..., S, E), (..., S, Ev) -> (..., L, Ev), as PyTorch."""
    w = attention_weights(query, key, attn_mask, is_causal, scale)
    if dropout_p:
        w = dropout(w, dropout_p, True, rng=rng)
    return w @ (value if is_tensor(value) else as_tensor(value))
