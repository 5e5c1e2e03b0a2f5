"""The input features a student can feed the network, computed from a point (x1, x2).

    name    shown as   value
    x1      x₁         x1
    x2      x₂         x2
    x1sq    x₁²        x1^2
    x2sq    x₂²        x2^2
    x1x2    x₁x₂       x1 * x2
    sinx1   sin x₁     sin(x1)
    sinx2   sin x₂     sin(x2)

They are fixed functions of the data (constants in the graph, never trained): with ``x1sq`` and
``x2sq`` a network with no hidden layer separates the circles, because a circle is a line in
(x1^2, x2^2). Each feature's numpy expression is also written into the exported snippet; a test
runs that snippet and checks it computes the same features as ``transform``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

# name -> (label for the page, label in graphs, numpy expression of x1 and x2 for the snippet)
FEATURES: dict[str, tuple[str, str, str]] = {
    "x1": ("x₁", "x1", "x1"),
    "x2": ("x₂", "x2", "x2"),
    "x1sq": ("x₁²", "x1^2", "x1 * x1"),
    "x2sq": ("x₂²", "x2^2", "x2 * x2"),
    "x1x2": ("x₁x₂", "x1*x2", "x1 * x2"),
    "sinx1": ("sin x₁", "sin(x1)", "np.sin(x1)"),
    "sinx2": ("sin x₂", "sin(x2)", "np.sin(x2)"),
}


COMPUTE: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "x1": lambda x1, x2: x1,
    "x2": lambda x1, x2: x2,
    "x1sq": lambda x1, x2: x1 * x1,
    "x2sq": lambda x1, x2: x2 * x2,
    "x1x2": lambda x1, x2: x1 * x2,
    "sinx1": lambda x1, x2: np.sin(x1),
    "sinx2": lambda x1, x2: np.sin(x2),
}


def transform(X: np.ndarray, names: tuple[str, ...]) -> np.ndarray:
    """The feature matrix (n, len(names)) of points ``X`` (n, 2)."""
    x1, x2 = X[:, 0], X[:, 1]
    return np.column_stack([COMPUTE[name](x1, x2) for name in names]).astype(np.float64)


def source(names: tuple[str, ...]) -> str:
    """The body of the snippet's ``features(X)`` function."""
    cols = ", ".join(FEATURES[name][2] for name in names)
    return f"x1, x2 = X[:, 0], X[:, 1]\n    return np.column_stack([{cols}])"


def labels(names: tuple[str, ...]) -> list[str]:
    return [FEATURES[name][0] for name in names]


def graph_labels(names: tuple[str, ...]) -> list[str]:
    return [FEATURES[name][1] for name in names]
