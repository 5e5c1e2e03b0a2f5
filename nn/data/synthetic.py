"""Synthetic 2-D datasets, numpy only and seeded: moons, circles, spirals, xor, blobs, regression.

Each draws from ``seed`` (default 0) or a given numpy Generator ``rng``, shuffles the points (so a
prefix or a mini-batch holds every class), and returns ``(X, y)``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._rng import make_rng


def check_count(n: Any, what: str = "n", least: int = 1) -> int:
    """``n`` as an int, if it is a whole number >= ``least``; else a ValueError naming ``what``."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < least:
        raise ValueError(f"{what} must be an int >= {least}, not {n!r}")
    return int(n)


def _scale(x: Any, what: str) -> float:
    if isinstance(x, bool) or not isinstance(x, (int, float)) or not 0 <= x < float("inf"):
        raise ValueError(f"{what} must be a number >= 0, not {x!r}")
    return float(x)


def _finish(X: np.ndarray, y: np.ndarray, gen: np.random.Generator, signed: bool) -> tuple:
    """Shuffle, and turn 0/1 labels into -1/+1 when asked."""
    order = gen.permutation(len(y))
    X, y = X[order], y[order].astype(np.int64)
    if signed:
        if y.size and y.max() > 1:
            raise ValueError("signed=True (labels -1/+1) is only for two classes")
        y = 2 * y - 1
    return X, y


def _split(n: int, k: int) -> list[int]:
    """n points over k classes as evenly as possible (the first classes get the remainder)."""
    return [n // k + (1 if j < n % k else 0) for j in range(k)]


def make_moons(
    n: int = 100, noise: float = 0.1, *, signed: bool = False, seed: int | None = 0, rng: Any = None
) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles: class 0 is the upper arc (cos t, sin t), class 1 the lower
    one (1 - cos t, 0.5 - sin t), t in [0, pi]; then Gaussian noise of std ``noise``."""
    n, noise = check_count(n), _scale(noise, "noise")
    gen = make_rng(rng, seed if rng is None else None)
    n0, n1 = _split(n, 2)
    t0, t1 = np.linspace(0, np.pi, n0), np.linspace(0, np.pi, n1)
    X = np.concatenate([
        np.column_stack([np.cos(t0), np.sin(t0)]),
        np.column_stack([1 - np.cos(t1), 0.5 - np.sin(t1)]),
    ])
    X = X + gen.normal(0.0, noise, size=X.shape)
    return _finish(X, np.repeat([0, 1], [n0, n1]), gen, signed)


def make_circles(
    n: int = 100,
    noise: float = 0.05,
    factor: float = 0.5,
    *,
    signed: bool = False,
    seed: int | None = 0,
    rng: Any = None,
) -> tuple[np.ndarray, np.ndarray]:
    """A circle of radius 1 (class 0) around one of radius ``factor`` (class 1), plus noise."""
    n, noise = check_count(n), _scale(noise, "noise")
    if not 0 < factor < 1:
        raise ValueError(f"factor (the inner radius) must be in (0, 1), not {factor!r}")
    gen = make_rng(rng, seed if rng is None else None)
    n0, n1 = _split(n, 2)
    t0 = np.linspace(0, 2 * np.pi, n0, endpoint=False)
    t1 = np.linspace(0, 2 * np.pi, n1, endpoint=False)
    X = np.concatenate([
        np.column_stack([np.cos(t0), np.sin(t0)]),
        factor * np.column_stack([np.cos(t1), np.sin(t1)]),
    ])
    X = X + gen.normal(0.0, noise, size=X.shape)
    return _finish(X, np.repeat([0, 1], [n0, n1]), gen, signed)


def make_spirals(
    n: int = 300,
    n_classes: int = 3,
    noise: float = 0.2,
    *,
    signed: bool = False,
    seed: int | None = 0,
    rng: Any = None,
) -> tuple[np.ndarray, np.ndarray]:
    """``n_classes`` interleaved spiral arms (the CS231n spiral): arm j has radius r in [0, 1] and
    angle 4 j + 4 r (+ Gaussian noise of std ``noise`` on the angle); x = (r sin a, r cos a).
    Not linearly separable: a linear model scores about 1 / n_classes."""
    n, k, noise = check_count(n), check_count(n_classes, "n_classes", 2), _scale(noise, "noise")
    gen = make_rng(rng, seed if rng is None else None)
    sizes = _split(n, k)
    parts, labels = [], []
    for j, m in enumerate(sizes):
        r = np.linspace(0.0, 1.0, m)
        a = np.linspace(4.0 * j, 4.0 * (j + 1), m) + gen.normal(0.0, noise, size=m)
        parts.append(np.column_stack([r * np.sin(a), r * np.cos(a)]))
        labels.append(np.full(m, j))
    return _finish(np.concatenate(parts), np.concatenate(labels), gen, signed)


def make_xor(
    n: int = 200, noise: float = 0.0, *, signed: bool = False, seed: int | None = 0, rng: Any = None
) -> tuple[np.ndarray, np.ndarray]:
    """Points uniform in [-1, 1]^2, class 1 where x1 x2 > 0 (quadrants I and III), else 0.

    The label is set before Gaussian noise of std ``noise`` moves the points, so noise blurs the
    border. The classic problem no linear model solves (at best about 50%)."""
    n, noise = check_count(n), _scale(noise, "noise")
    gen = make_rng(rng, seed if rng is None else None)
    X = gen.uniform(-1.0, 1.0, size=(n, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(np.int64)
    X = X + gen.normal(0.0, noise, size=X.shape)
    return _finish(X, y, gen, signed)


def make_blobs(
    n: int = 100,
    centers: int | Any = 3,
    std: float = 1.0,
    *,
    box: tuple[float, float] = (-10.0, 10.0),
    signed: bool = False,
    seed: int | None = 0,
    rng: Any = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian clusters of std ``std``: ``centers`` of them placed uniformly in ``box`` (per
    axis), or at the given (k, 2) centres. Class j is the cluster around centre j."""
    n, std = check_count(n), _scale(std, "std")
    gen = make_rng(rng, seed if rng is None else None)
    if isinstance(centers, (int, np.integer)) and not isinstance(centers, bool):
        c = gen.uniform(box[0], box[1], size=(check_count(centers, "centers"), 2))
    else:
        c = np.asarray(centers, dtype=np.float64)
        if c.ndim != 2 or c.shape[1] != 2 or len(c) < 1:
            raise ValueError(f"centers must be an int or an array of shape (k, 2), not {c.shape}")
    sizes = _split(n, len(c))
    X = np.concatenate([gen.normal(ci, std, size=(m, 2)) for ci, m in zip(c, sizes, strict=True)])
    return _finish(X, np.repeat(np.arange(len(c)), sizes), gen, signed)


def make_regression(
    n: int = 100, noise: float = 0.1, *, seed: int | None = 0, rng: Any = None
) -> tuple[np.ndarray, np.ndarray]:
    """A noisy plane: X uniform in [-1, 1]^2, y = X w + b + noise e, with w, b drawn from
    U(-1, 1) and e ~ N(0, 1). ``y`` is real (float64); fit it with ``mse_loss``."""
    n, noise = check_count(n), _scale(noise, "noise")
    gen = make_rng(rng, seed if rng is None else None)
    w, b = gen.uniform(-1.0, 1.0, size=2), gen.uniform(-1.0, 1.0)
    X = gen.uniform(-1.0, 1.0, size=(n, 2))
    y = X @ w + b + noise * gen.normal(size=n)
    return X, y
