"""Creating tensors: zeros, ones, and random samples."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from .core import Tensor


class CreationMethods:
    """Mixed into ``Tensor``: its class methods that make new tensors."""

    __slots__ = ()

    @classmethod
    def zeros(cls, shape: Any, *, dtype: Any = np.float64, requires_grad: bool = False,
              label: str = "") -> Tensor:
        """A tensor of zeros."""
        return cls(np.zeros(shape, dtype=dtype), requires_grad, label=label)

    @classmethod
    def ones(cls, shape: Any, *, dtype: Any = np.float64, requires_grad: bool = False,
             label: str = "") -> Tensor:
        """A tensor of ones."""
        return cls(np.ones(shape, dtype=dtype), requires_grad, label=label)

    @classmethod
    def randn(cls, shape: Any, *, rng: Any = None, dtype: Any = np.float64,
              requires_grad: bool = False, label: str = "") -> Tensor:
        """Standard normal samples; ``rng`` is a numpy Generator or a seed (None: fresh entropy)."""
        data = np.random.default_rng(rng).standard_normal(shape)
        return cls(data, requires_grad, dtype=dtype, label=label)

    @classmethod
    def uniform(cls, shape: Any, low: float = 0.0, high: float = 1.0, *, rng: Any = None,
                dtype: Any = np.float64, requires_grad: bool = False, label: str = "") -> Tensor:
        """Samples uniform on [low, high); ``rng`` is a numpy Generator or a seed."""
        data = np.random.default_rng(rng).uniform(low, high, shape)
        return cls(data, requires_grad, dtype=dtype, label=label)
