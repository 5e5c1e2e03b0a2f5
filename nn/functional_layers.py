"""Normalisation, embedding, dropout and one-hot, with PyTorch's names and arguments
(``nn.functional``). Each is a composite of Tensor ops, so its gradient (and second derivative)
follows from theirs.

- layer_norm:  y = (x - mean) / sqrt(var + eps) * weight + bias, statistics over the last axes
- batch_norm:  the same with statistics over the batch (and pixels) per channel while training,
  and the running averages at evaluation; training updates the running averages in place:
  ``running = (1 - momentum) * running + momentum * batch`` (the variance unbiased, as PyTorch)
- embedding:   y = weight[indices] (rows of a table; the gradient adds into the rows used)
- dropout:     y = x * mask / (1 - p) while training, with mask ~ Bernoulli(1 - p); x at evaluation
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.autograd import Tensor, scope

from ._arrays import is_tensor
from ._rng import make_rng


def as_tensor(x: Any) -> Tensor:
    """A Tensor as it is; anything else as a float64 constant Tensor."""
    return x if type(x) is Tensor or is_tensor(x) else Tensor(np.asarray(x, dtype=np.float64))


def _normalize(x: Tensor, axes: tuple[int, ...], eps: float) -> Tensor:
    d = x - x.mean(axis=axes, keepdims=True)
    return d * ((d * d).mean(axis=axes, keepdims=True) + eps).rsqrt()


@scope.named("layer norm")
def layer_norm(input: Any, normalized_shape: Any, weight: Tensor | None = None,
               bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:
    """Each sample normalised over its last ``len(normalized_shape)`` axes (mean 0, variance 1,
    the population variance), then scaled by ``weight`` and shifted by ``bias``."""
    x = as_tensor(input)
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    if x.shape[x.ndim - len(shape):] != shape:
        raise ValueError(f"layer_norm: input {x.shape} does not end in normalized_shape {shape}")
    y = _normalize(x, tuple(range(x.ndim - len(shape), x.ndim)), eps)
    if weight is not None:
        y = y * weight
    return y if bias is None else y + bias


@scope.named("batch norm")
def batch_norm(input: Any, running_mean: Any, running_var: Any, weight: Tensor | None = None,
               bias: Tensor | None = None, training: bool = False, momentum: float = 0.1,
               eps: float = 1e-5) -> Tensor:
    """Per-channel normalisation of (N, C) or (N, C, ...) input (channel axis 1).

    ``running_mean``/``running_var`` are arrays or Tensors (or None when training without them);
    training uses the batch's statistics and updates them in place, evaluation uses them."""
    x = as_tensor(input)
    if x.ndim < 2:
        raise ValueError(f"batch_norm: expected (N, C) or (N, C, ...) input, got {x.shape}")
    axes = (0, *range(2, x.ndim))
    shape = (1, x.shape[1]) + (1,) * (x.ndim - 2)
    if training:
        count = x.size // x.shape[1]
        if count < 2:
            raise ValueError(f"batch_norm: training needs more than 1 value per channel, got "
                             f"input {x.shape}")
        y = _normalize(x, axes, eps)
        for run, stat in ((running_mean, x.data.mean(axis=axes)),
                          (running_var, x.data.var(axis=axes) * count / (count - 1))):
            if run is not None:
                arr = run.data if is_tensor(run) else run
                arr *= 1.0 - momentum
                arr += momentum * stat
    else:
        if running_mean is None or running_var is None:
            raise ValueError("batch_norm: evaluation needs running_mean and running_var")
        mean = np.asarray(getattr(running_mean, "data", running_mean)).reshape(shape)
        var = np.asarray(getattr(running_var, "data", running_var)).reshape(shape)
        y = (x - mean.astype(x.dtype)) * (1.0 / np.sqrt(var + eps)).astype(x.dtype)
    if weight is not None:
        y = y * weight.reshape(shape)
    return y if bias is None else y + bias.reshape(shape)


def embedding(input: Any, weight: Tensor) -> Tensor:
    """Rows of the table ``weight`` (num_embeddings, dim) at the integer ``input`` indices: the
    result has shape input.shape + (dim,)."""
    idx = np.asarray(getattr(input, "data", input))
    if idx.dtype.kind not in "iu":
        raise TypeError(f"embedding: indices must be integers, not {idx.dtype}")
    if idx.size and (idx.min() < 0 or idx.max() >= weight.shape[0]):
        raise IndexError(f"embedding: indices must be in [0, {weight.shape[0]}), got "
                         f"{idx.min()}..{idx.max()}")
    return weight[idx]


def dropout(input: Any, p: float = 0.5, training: bool = True, *, rng: Any = None) -> Tensor:
    """Each element zeroed with probability ``p`` while ``training`` (the rest scaled by
    1/(1 - p), so the expected value is unchanged); the input itself at evaluation. ``rng``: a
    numpy Generator or seed for the mask (a layer passes its own)."""
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout: p must be in [0, 1], got {p}")
    x = as_tensor(input)
    if not training or p == 0.0:
        return x
    if p == 1.0:
        return x * 0.0
    keep = make_rng(rng).random(x.shape) >= p
    return x * (keep / (1.0 - p)).astype(x.dtype)


def one_hot(tensor: Any, num_classes: int = -1) -> Tensor:
    """Integer labels as rows of 0s with one 1 (int64, shape labels.shape + (num_classes,));
    ``num_classes=-1`` takes the largest label + 1."""
    y = np.asarray(getattr(tensor, "data", tensor))
    if y.dtype.kind not in "iu":
        raise TypeError(f"one_hot: labels must be integers, not {y.dtype}")
    k = int(y.max()) + 1 if num_classes == -1 else int(num_classes)
    if y.size and (y.min() < 0 or y.max() >= k):
        raise ValueError(f"one_hot: labels must be in [0, {k}), got {y.min()}..{y.max()}")
    return Tensor((y[..., None] == np.arange(k)).astype(np.int64))
