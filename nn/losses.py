"""The losses by name: one registry for ``nn.fit``, ``nn.train_step`` and the apps.

Each loss of ``nn.functional`` is listed once, under its function's name and the short names
people type, with the form its targets must take (``nn.targets``):

    name                               also          targets
    mse_loss                           mse           real numbers
    hinge_loss                         hinge         -1 or +1
    binary_cross_entropy_with_logits   bce           0/1 (or probabilities in [0, 1])
    cross_entropy                      ce            class indices 0..k-1

    >>> from chainrule.nn import losses
    >>> loss = losses.get("hinge")
    >>> loss.name, loss.encode([0, 1, 1]).tolist()
    ('hinge_loss', [-1.0, 1.0, 1.0])

Names are read without regard to case, and '-' or ' ' count as '_' ('Cross-Entropy' works).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import functional as F
from .targets import BINARY, CLASSES, REAL, SIGNED, Targets


@dataclass(frozen=True)
class Loss:
    """A loss function with its names and the targets it wants; call it as the function."""

    fn: Callable[[Any, Any], Any]
    aliases: tuple[str, ...]
    targets: Targets

    @property
    def name(self) -> str:
        """The canonical name: the function's own name in ``nn.functional``."""
        return self.fn.__name__

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    def __call__(self, pred: Any, target: Any) -> Any:
        return self.fn(pred, target)

    def check_targets(self, targets: Any, classes: int | None = None) -> np.ndarray:
        """The targets as an array if this loss takes them, else a ValueError saying why."""
        return self.targets.check(targets, self.name, classes)

    def encode(self, labels: Any) -> np.ndarray:
        """This loss's targets from class labels (0/1, or 0..k-1): -1/+1 for the hinge loss,
        0.0/1.0 for BCE, integer indices for cross-entropy; real numbers pass for MSE."""
        return self.targets.encode(labels, self.name)


REGISTRY: tuple[Loss, ...] = (
    Loss(F.mse_loss, ("mse",), REAL),
    Loss(F.hinge_loss, ("hinge",), SIGNED),
    Loss(F.binary_cross_entropy_with_logits, ("bce",), BINARY),
    Loss(F.cross_entropy, ("ce",), CLASSES),
)
LOSSES: dict[str, Loss] = {name: loss for loss in REGISTRY for name in loss.names}


def _key(name: str) -> str:
    return name.strip().lower().replace("-", "_").replace(" ", "_")


def get(name: str) -> Loss:
    """The registered loss called ``name`` (a canonical name or an alias), or a ValueError
    listing every name."""
    if not isinstance(name, str):
        raise TypeError(f"a loss name must be a string, not {type(name).__name__}")
    loss = LOSSES.get(_key(name))
    if loss is None:
        raise ValueError(f"unknown loss {name!r}; choose one of {sorted(LOSSES)} "
                         "or pass a function f(pred, y)")
    return loss


def resolve(loss: str | Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    """A loss function from a name (see ``get``) or a function ``f(pred, y) -> loss node``,
    which is returned as it is."""
    return loss if callable(loss) else get(loss)
