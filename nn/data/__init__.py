"""Datasets for learning: small 2-D problems drawn with numpy, the 8x8 handwritten digits,
splitting, batching, CSV files.

Every generator returns ``X`` of shape (n, 2) (float64) and ``y`` of shape (n,): class labels
0..k-1 (int64), or -1/+1 with ``signed=True`` (for the hinge loss), or real numbers for
``make_regression``. They are seeded (``seed=0`` by default), so the same call gives the same data.
``load_digits`` gives the 1,797 8x8 handwritten digits shipped with chainrule: X of shape (n, 64)
in [0, 1], y the digits 0-9.

    >>> from chainrule.nn.data import make_moons
    >>> X, y = make_moons(100, noise=0.1, signed=True)
    >>> X.shape, sorted(set(y.tolist()))
    ((100, 2), [-1, 1])
"""

from .batching import batches, train_test_split
from .digits import load_digits
from .files import load_csv
from .synthetic import (
    make_blobs,
    make_circles,
    make_moons,
    make_regression,
    make_spirals,
    make_xor,
)

__all__ = [
    "batches",
    "load_csv",
    "load_digits",
    "make_blobs",
    "make_circles",
    "make_moons",
    "make_regression",
    "make_spirals",
    "make_xor",
    "train_test_split",
]
