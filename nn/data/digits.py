"""The 8x8 handwritten digits, shipped inside chainrule (no download, no scikit-learn).

The 1,797 images of the test part of UCI's "Optical Recognition of Handwritten Digits" data set
(Alpaydin and Kaynak, 1998; CC BY 4.0), the same images and order as scikit-learn's
``load_digits``. Each is a 32x32 black-and-white scan cut into 4x4 blocks: a pixel is the number
of dark dots in its block, 0 to 16. Source, licence and checksum: ``NOTICE.md`` next to this file.
"""

from __future__ import annotations

import zipfile
from importlib import resources
from typing import Any

import numpy as np

from .._rng import make_rng
from .synthetic import check_count

N_IMAGES = 1797
_FILE = "digits.npz"


def _read() -> tuple[np.ndarray, np.ndarray]:
    """(images (1797, 8, 8) uint8 0..16, target (1797,) uint8 0..9) from the shipped file."""
    path = resources.files(__package__).joinpath(_FILE)
    try:
        with path.open("rb") as f, np.load(f) as z:
            images, target = z["images"], z["target"]
    except FileNotFoundError:
        raise FileNotFoundError(
            f"the digits file {_FILE} is missing from chainrule.nn.data: the installation is "
            "incomplete; reinstall chainrule (pip install --force-reinstall chainrule)"
        ) from None
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as e:
        raise OSError(f"the shipped digits file {_FILE} is damaged ({e}); "
                      "reinstall chainrule") from e
    if images.shape != (N_IMAGES, 8, 8) or target.shape != (N_IMAGES,):
        raise OSError(f"the shipped digits file {_FILE} has unexpected shapes "
                      f"{images.shape} and {target.shape}; reinstall chainrule")
    return images, target


def load_digits(
    n: int | None = None, *, scale: bool = True, seed: int | None = 0, rng: Any = None
) -> tuple[np.ndarray, np.ndarray]:
    """The handwritten digits as ``(X, y)``: X (n, 64) float64, y (n,) int64 digits 0-9.

    A row of ``X`` is one image read row by row (``X[i].reshape(8, 8)`` is the picture). With
    ``scale=True`` a pixel is its dot count divided by 16, in [0, 1] (good inputs for a network);
    with ``scale=False`` it is the count itself, 0 to 16 (scikit-learn's ``load_digits().data``).

    ``n=None`` gives all 1,797 images in the file's order (``seed`` and ``rng`` are not used);
    ``n=k`` gives k different images drawn at random, in random order, from ``seed`` (default 0)
    or a numpy Generator ``rng``, so the same call gives the same images.

        >>> X, y = load_digits(100)
        >>> X.shape, y.shape, float(X.max()) <= 1.0
        ((100, 64), (100,), True)
    """
    images, target = _read()
    if n is None:
        pick = np.arange(N_IMAGES)
    else:
        n = check_count(n)
        if n > N_IMAGES:
            raise ValueError(f"n must be at most {N_IMAGES} (the number of images), not {n}")
        pick = make_rng(rng, seed if rng is None else None).choice(N_IMAGES, n, replace=False)
    X = images[pick].reshape(len(pick), 64).astype(np.float64)
    return (X / 16.0 if scale else X), target[pick].astype(np.int64)
