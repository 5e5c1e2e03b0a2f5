"""Choosing elements: ``where`` and ``masked_fill`` (a ``where`` with a constant mask), ``gather``,
``take_along_axis`` and ``index_select`` (indexing with a built key, whose gradient adds ``g`` back
at the chosen places, repeats accumulating), and ``clamp`` (PyTorch's ``clip``).

``gather(dim, index)`` is ``x[key]`` with ``key`` made of ``index`` along ``dim`` and of the
positions themselves along every other axis (``numpy.indices``), so that
``out[i][j] = x[index[i][j]][j]`` for ``dim=0``, as PyTorch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .arguments import normalize_axes, raw

if TYPE_CHECKING:
    from .core import Tensor


def _index_array(index: Any, what: str) -> np.ndarray:
    idx = np.asarray(raw(index))
    if idx.dtype.kind not in "iu":
        raise TypeError(f"{what}: index must hold integers, not {idx.dtype}")
    return idx


class SelectionMethods:
    """Grafted onto ``Tensor``: where, masked_fill, gather, take_along_axis, index_select, clamp."""

    __slots__ = ()

    def where(self, condition: Any, other: Any) -> Tensor:
        """PyTorch's ``x.where(condition, other)``: x where ``condition`` holds, else ``other``."""
        from .functions import where

        return where(condition, self, other)

    def masked_fill(self, mask: Any, value: float) -> Tensor:
        """``value`` where the boolean ``mask`` is true (broadcast), x elsewhere; no gradient
        reaches x where it was filled."""
        from .functions import where

        return where(mask, value, self)

    def gather(self, dim: int, index: Any) -> Tensor:
        """PyTorch's ``gather``: ``out[i][j] = x[index[i][j]][j]`` for ``dim=0`` (and so on);
        ``index`` has as many axes as x and is no longer than x along the others."""
        idx = _index_array(index, "gather")
        d = normalize_axes(dim, self.data.shape, "gather")[0]
        if idx.ndim != self.ndim:
            raise ValueError(f"gather: index has {idx.ndim} axes, the tensor {self.ndim}")
        if any(i > n for k, (i, n) in enumerate(zip(idx.shape, self.data.shape)) if k != d):
            raise ValueError(f"gather: index shape {idx.shape} exceeds {self.shape} off dim {d}")
        key = list(np.indices(idx.shape, sparse=True))
        key[d] = idx
        return self[tuple(key)]

    def take_along_axis(self, indices: Any, axis: int) -> Tensor:
        """numpy's ``take_along_axis`` (``gather`` with broadcasting of ``indices``)."""
        idx = _index_array(indices, "take_along_axis")
        d = normalize_axes(axis, self.data.shape, "take_along_axis")[0]
        shape = tuple(n if k == d else max(n, s)
                      for k, (n, s) in enumerate(zip(idx.shape, self.data.shape)))
        idx = np.broadcast_to(idx, tuple(idx.shape[d] if k == d else s
                                         for k, s in enumerate(shape)))
        return self.gather(d, idx)

    def index_select(self, dim: int, index: Any) -> Tensor:
        """The slices at ``index`` (a vector of ints) along ``dim``."""
        idx = _index_array(index, "index_select")
        d = normalize_axes(dim, self.data.shape, "index_select")[0]
        return self[(slice(None),) * d + (idx,)]

    def clamp(self, min: Any = None, max: Any = None) -> Tensor:  # noqa: A002 - PyTorch's names
        """PyTorch's ``clamp(min, max)``: numpy's ``clip``; tensor bounds broadcast."""
        from .functions import maximum, minimum

        if isinstance(min, (np.ndarray, list)) or hasattr(min, "data"):
            out = maximum(self, min)
            return out if max is None else out.clamp(max=max)
        if isinstance(max, (np.ndarray, list)) or hasattr(max, "data"):
            out = self if min is None else self.clip(min, None)
            return minimum(out, max)
        return self.clip(min, max)

    def clamp_min(self, min: float) -> Tensor:  # noqa: A002
        """``clamp(min=min)``."""
        return self.clip(min, None)

    def clamp_max(self, max: float) -> Tensor:  # noqa: A002
        """``clamp(max=max)``."""
        return self.clip(None, max)
