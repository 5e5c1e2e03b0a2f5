"""``Embedding`` (a table of learned vectors, ``weight`` (num_embeddings, embedding_dim), as
PyTorch) and ``Dropout`` (which only acts while training: ``model.eval()`` turns it off)."""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.autograd import Tensor

from . import functional as F
from ._rng import make_rng
from .module import Module


class Embedding(Module):
    """Row ``i`` of ``weight`` for each integer ``i`` of the input (initialised N(0, 1), as
    PyTorch): (...) integer indices -> (..., embedding_dim)."""

    def __init__(self, num_embeddings: int, embedding_dim: int, *, dtype: Any = np.float64,
                 seed: int | None = None, rng: Any = None) -> None:
        self.num_embeddings, self.embedding_dim = num_embeddings, embedding_dim
        w = make_rng(rng, seed).standard_normal((num_embeddings, embedding_dim))
        self.weight = Tensor(w.astype(dtype), requires_grad=True)

    def forward(self, indices: Any) -> Tensor:
        return F.embedding(indices, self.weight)

    def extra_repr(self) -> str:
        return f"{self.num_embeddings}, {self.embedding_dim}"


class Dropout(Module):
    """Zeroes each element with probability ``p`` while training and scales the rest by
    1/(1 - p); passes the input through in ``eval()`` mode. ``seed``/``rng`` make the masks
    reproducible."""

    def __init__(self, p: float = 0.5, *, seed: int | None = None, rng: Any = None) -> None:
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"Dropout: p must be in [0, 1], got {p}")
        self.p = p
        self._rng = make_rng(rng, seed)

    def forward(self, x: Any) -> Tensor:
        return F.dropout(x, self.p, self.training, rng=self._rng)

    def extra_repr(self) -> str:
        return f"p={self.p}"
