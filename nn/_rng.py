"""One way to turn the user's ``rng`` / ``seed`` arguments into a numpy ``Generator``."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np


def make_rng(rng: Any = None, seed: Any = None) -> np.random.Generator:
    """A ``numpy.random.Generator`` from ``rng`` (a Generator or an int seed) or ``seed``.

    Passing a Generator shares it (so successive layers draw different numbers from one stream);
    an int seed makes a fresh, reproducible stream; neither gives fresh entropy.
    """
    if rng is not None and seed is not None:
        raise ValueError("give either rng= (a numpy Generator) or seed= (an int), not both")
    source = seed if rng is None else rng
    if source is None or isinstance(source, np.random.Generator):
        return source if source is not None else np.random.default_rng()
    if isinstance(source, numbers.Integral) and not isinstance(source, bool):
        return np.random.default_rng(int(source))
    raise TypeError(
        f"rng/seed must be a numpy.random.Generator or an int, not {type(source).__name__}; "
        "e.g. seed=0 or rng=np.random.default_rng(0)"
    )
