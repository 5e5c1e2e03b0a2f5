"""Normalisation layers with PyTorch's names, state-dict keys and layouts: ``LayerNorm``
(``weight``, ``bias`` of ``normalized_shape``) and ``BatchNorm1d``/``BatchNorm2d`` (``weight``,
``bias``, and the buffers ``running_mean``, ``running_var``, ``num_batches_tracked``, which are in
the state dict but are not parameters). The computation is ``nn.functional``'s.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from chainrule.autograd import Tensor

from . import functional as F
from .module import Module
from .state import Entry, entries, node_entry


class LayerNorm(Module):
    """Each sample normalised over its last axes (``normalized_shape``), then ``* weight + bias``
    (ones and zeros at first)."""

    def __init__(self, normalized_shape: Any, eps: float = 1e-5, elementwise_affine: bool = True,
                 bias: bool = True, *, dtype: Any = np.float64) -> None:
        shape = (normalized_shape,) if isinstance(normalized_shape, int) else normalized_shape
        self.normalized_shape, self.eps = tuple(shape), eps
        affine = elementwise_affine
        self.weight = Tensor(np.ones(shape, dtype), requires_grad=True) if affine else None
        self.bias = Tensor(np.zeros(shape, dtype), requires_grad=True) if affine and bias else None

    def forward(self, x: Any) -> Tensor:
        return F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return f"{self.normalized_shape}, eps={self.eps}"


class _BatchNorm(Module):
    """Per-channel normalisation with the batch's statistics while training (updating running
    averages with ``momentum``) and the running averages in ``eval()`` mode."""

    dims: tuple[int, ...] = ()

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float = 0.1,
                 affine: bool = True, track_running_stats: bool = True, *,
                 dtype: Any = np.float64) -> None:
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.weight = Tensor(np.ones(num_features, dtype), requires_grad=True) if affine else None
        self.bias = Tensor(np.zeros(num_features, dtype), requires_grad=True) if affine else None
        self.track_running_stats = track_running_stats
        if track_running_stats:
            self.running_mean = Tensor(np.zeros(num_features, dtype))
            self.running_var = Tensor(np.ones(num_features, dtype))
            self.num_batches_tracked = Tensor(np.array(0, dtype=np.int64))

    def forward(self, x: Any) -> Tensor:
        x = x if isinstance(x, Tensor) else Tensor(np.asarray(x, dtype=np.float64))
        if x.ndim not in self.dims:
            raise ValueError(f"{type(self).__name__} expects input with {self.dims} axes "
                             f"(N, C, ...), got shape {x.shape}")
        stats = self.track_running_stats
        use_batch = self.training or not stats
        if self.training and stats:
            self.num_batches_tracked.data = np.asarray(self.num_batches_tracked.data + 1)
        return F.batch_norm(x, self.running_mean if stats else None,
                            self.running_var if stats else None, self.weight, self.bias,
                            use_batch, self.momentum, self.eps)

    def state_entries(self, prefix: str = "") -> Iterator[Entry]:
        yield from entries(self, prefix)
        if self.track_running_stats:
            for name in ("running_mean", "running_var", "num_batches_tracked"):
                yield node_entry(prefix + name, getattr(self, name))

    def extra_repr(self) -> str:
        return f"{self.num_features}, eps={self.eps}, momentum={self.momentum}"


class BatchNorm1d(_BatchNorm):
    """Batch normalisation of (N, C) or (N, C, L) input."""

    dims = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Batch normalisation of (N, C, H, W) images."""

    dims = (4,)
