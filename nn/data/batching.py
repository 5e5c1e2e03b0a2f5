"""Splitting a dataset for honest evaluation, and cutting it into mini-batches."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from .._rng import make_rng


def _pair(X: Any, y: Any, who: str) -> tuple[np.ndarray, np.ndarray]:
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim == 0 or y.ndim == 0:
        raise ValueError(f"{who}: X and y must be arrays with one row per sample")
    if len(X) != len(y):
        raise ValueError(f"{who}: X has {len(X)} samples but y has {len(y)}")
    return X, y


def train_test_split(
    X: Any,
    y: Any,
    test_size: float | int = 0.25,
    *,
    shuffle: bool = True,
    seed: int | None = 0,
    rng: Any = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``X_train, X_test, y_train, y_test``: hold out ``test_size`` of the samples (a fraction in
    (0, 1), or a count) to measure how well a model does on data it never trained on."""
    X, y = _pair(X, y, "train_test_split")
    n = len(y)
    if isinstance(test_size, float) and not isinstance(test_size, bool):
        if not 0.0 < test_size < 1.0:
            raise ValueError(f"test_size as a fraction must be in (0, 1), not {test_size}")
        n_test = int(round(test_size * n))
    elif isinstance(test_size, (int, np.integer)) and not isinstance(test_size, bool):
        n_test = int(test_size)
    else:
        raise TypeError(f"test_size must be a float fraction or an int count, not {test_size!r}")
    if not 1 <= n_test <= n - 1:
        raise ValueError(
            f"test_size={test_size!r} leaves {n_test} of {n} samples for testing; both the train "
            "and the test part need at least one"
        )
    order = make_rng(rng, seed if rng is None else None).permutation(n) if shuffle else np.arange(n)
    test, train = order[:n_test], order[n_test:]
    return X[train], X[test], y[train], y[test]


def batches(
    X: Any,
    y: Any,
    batch_size: int,
    shuffle: bool = True,
    rng: Any = None,
    *,
    seed: int | None = None,
    drop_last: bool = False,
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Yield ``(X_batch, y_batch)`` pairs that cover the data once (one epoch).

    With ``shuffle`` the order is a fresh permutation from ``rng``/``seed`` (so pass the same
    Generator every epoch to get different but reproducible epochs). The last batch is smaller
    when ``batch_size`` does not divide n, unless ``drop_last``.
    """
    X, y = _pair(X, y, "batches")
    if (isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer))
            or batch_size < 1):
        raise ValueError(f"batch_size must be a positive int, not {batch_size!r}")
    n = len(y)
    order = make_rng(rng, seed).permutation(n) if shuffle else np.arange(n)
    stop = n - n % batch_size if drop_last else n
    for start in range(0, stop, batch_size):
        idx = order[start : start + batch_size]
        yield X[idx], y[idx]
