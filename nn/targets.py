"""What a loss's targets must look like: checked with a clear message, and made from class labels.

Every loss of ``nn.functional`` wants its targets in one of four forms. Datasets usually give
class labels (0/1, or 0..k-1); ``encode`` turns those into the form, and ``code`` is the same
conversion as Python text (what an exported script writes):

    kind     a target is                           from class labels y      code
    real     any real number (regression)          y as floats              y.astype(float)
    signed   -1 or +1 (max-margin, hinge)          2 y - 1                  2 * y - 1
    binary   0 or 1, or a probability in [0, 1]    y as floats              y.astype(float)
    classes  a class index 0..k-1                  y as integers            (y as it is)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ._arrays import numbers


def _shown(y: np.ndarray) -> list:
    """A few of the distinct values, for an error message."""
    return sorted(set(np.unique(y).tolist()))[:5]


def _real(y: np.ndarray, who: str, classes: int | None) -> None:
    return None  # any number will do (the loss sees NaN as NaN)


def _signed(y: np.ndarray, who: str, classes: int | None) -> None:
    if y.size and not np.all(np.abs(y) == 1):
        raise ValueError(
            f"{who} needs labels -1 or +1, got {_shown(y)}; "
            "convert 0/1 labels with y * 2 - 1 (or make the data with signed=True)"
        )


def _binary(y: np.ndarray, who: str, classes: int | None) -> None:
    if y.size and not np.all((y >= 0) & (y <= 1)):
        raise ValueError(
            f"{who} needs labels in [0, 1] (0/1 classes); for -1/+1 labels use (y + 1) / 2, "
            "or hinge_loss"
        )


def _classes(y: np.ndarray, who: str, classes: int | None) -> None:
    whole = np.all(y == np.round(y))
    if classes is not None:
        if not whole or (y.size and (y.min() < 0 or y.max() >= classes)):
            raise ValueError(
                f"{who} needs integer labels 0..{classes - 1} for {classes} classes"
            )
    elif not whole or (y.size and y.min() < 0):
        raise ValueError(f"{who} needs integer class labels 0, 1, 2, ..., got {_shown(y)}")


@dataclass(frozen=True)
class Targets:
    """One form of targets (see the module's table).

    ``kind``: 'real', 'signed', 'binary' or 'classes'. ``wants``: the form in words.
    ``code``: Python text turning class labels ``y`` into these targets ('' when they are used
    as they are); it computes what ``encode`` computes.
    """

    kind: str
    wants: str
    code: str
    _check: Callable[[np.ndarray, str, int | None], None]
    _encode: Callable[[np.ndarray], np.ndarray]
    _from: str  # the labels ``encode`` takes: 'any' number, '0/1' or '0..k-1'

    def check(self, targets: Any, who: str = "the loss", classes: int | None = None
              ) -> np.ndarray:
        """The targets as a float array, or a ValueError that says what ``who`` wants.

        ``classes``: the number of classes, when known (class labels must be below it)."""
        y = numbers(targets)
        self._check(y, who, classes)
        return y

    def encode(self, labels: Any, who: str = "the loss") -> np.ndarray:
        """These targets from class labels (0/1 for two classes, 0..k-1 for k; any real
        numbers for 'real' targets): hinge's -1/+1 is ``2 y - 1``."""
        y = np.asarray(labels)
        if self._from != "any":
            top = 1 if self._from == "0/1" else np.inf
            whole = np.all(y == np.round(y))
            if not whole or (y.size and (y.min() < 0 or y.max() > top)):
                raise ValueError(
                    f"{who} makes its targets ({self.wants}) from class labels {self._from}, "
                    f"got {_shown(y)}"
                )
        return self._encode(y)


REAL = Targets("real", "real numbers", "y.astype(float)", _real,
               lambda y: y.astype(np.float64), "any")
SIGNED = Targets("signed", "labels -1 or +1", "2 * y - 1", _signed,
                 lambda y: 2.0 * y - 1.0, "0/1")
BINARY = Targets("binary", "labels in [0, 1] (0/1 classes)", "y.astype(float)",
                 _binary, lambda y: y.astype(np.float64), "0/1")
CLASSES = Targets("classes", "class indices 0..k-1", "", _classes,
                  lambda y: y.astype(np.int64), "0..k-1")
