"""How much of a graph a picture shows: every node, or modules down to a depth drawn as cards.

A *level* says which module frames are closed into one card. Module paths are nn's dotted paths
(``layers.0.neurons.3``); a path's *steps* are its attribute names, a list index counting with the
name before it (``layers.0`` is one step, ``layers.0.neurons.3`` two, ``encoder.fc1`` two). As in
torchview, ``depth=k`` draws each module at most ``k`` steps deep as one card (``depth=0``: the
whole model as one card), and ``depth=None`` every node. The names ``collapse=`` accepts are
depths too: ``'layer'`` is depth 1, ``'neuron'`` the deepest (every leaf module a card),
``'model'`` depth 0, ``None`` every node.

``draw_graph`` picks the finest level whose picture fits (``fits``): the estimated long side at
most ``MAX_SIDE`` points and at most ``MAX_DRAWN`` drawn nodes (what Graphviz lays out well under
a second and a reader can follow). When none fits (wide tensor cards in a long chain), it takes
the finest level about as small as the smallest (``closest``), not the coarsest. It never closes
the whole model into one card by itself (``depth=0`` does): a self-attention block drawn as one
card and a few ops after it tells a reader nothing about what it computes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

MAX_SIDE = 2400.0  # points: the done-when bound is 2,500 pt, kept with a margin
MAX_DRAWN = 160
NAMES = {"model": 0, "layer": 1}


def steps(path: str) -> list[str]:
    """``layers.0.neurons.3`` -> ``['layers.0', 'neurons.3']``; ``0.fc`` -> ``['0', 'fc']``."""
    out: list[str] = []
    for part in path.split(".") if path else ():
        if part.isdigit() and out and not out[-1].split(".")[-1].isdigit():
            out[-1] += "." + part
        else:
            out.append(part)
    return out


def cut(path: str, depth: int) -> str:
    """The module ``depth`` steps deep that contains ``path`` (``''`` is the whole model)."""
    return ".".join(steps(path)[:depth])


def deepest(paths) -> int:
    """The number of steps of the deepest module path."""
    return max((len(steps(p)) for p in paths), default=0)


@dataclass(frozen=True)
class Level:
    """A level of detail: ``depth`` (None = every node) and how the picture names it."""

    depth: int | None
    name: str

    def key(self) -> Callable[[str], str]:
        """Module path -> the path of the card that draws it."""
        d = self.depth
        return (lambda p: p) if d is None else (lambda p: cut(p, d))

    @property
    def every_node(self) -> bool:
        return self.depth is None


def describe(depth: int | None, paths=()) -> str:
    """A level's name for pictures and warnings: ``every node``, ``the whole model``, or the
    attribute the modules at that depth sit in (``layers``, ``neurons``), else ``modules``."""
    if depth is None:
        return "every node"
    if depth == 0:
        return "the whole model"
    names = {steps(p)[min(depth, len(steps(p))) - 1].split(".")[0] for p in paths if p}
    return names.pop() if len(names) == 1 else f"modules {depth} deep"


def resolve(collapse: object, depth: object, paths) -> Level | None:
    """The level asked for by ``collapse=`` / ``depth=``, or None for 'choose it' (``auto``)."""
    deepest_depth = deepest(paths)
    if depth != "auto":
        if depth is not None and (isinstance(depth, bool) or not isinstance(depth, int)
                                  or depth < 0):
            raise ValueError(f"depth must be None (every node) or an int >= 0, not {depth!r}")
        if depth is not None:
            depth = min(depth, deepest_depth)
        return Level(depth, describe(depth, paths))
    if collapse == "auto":
        return None
    if collapse is None or collapse == "none":
        return Level(None, "every node")
    if collapse == "neuron":
        return Level(deepest_depth, describe(deepest_depth, paths))
    if collapse in NAMES:
        d = min(NAMES[str(collapse)], deepest_depth)
        return Level(d, describe(d, paths))
    raise ValueError(
        f"collapse must be 'auto', None (every node), 'neuron', 'layer' or 'model', not "
        f"{collapse!r}"
    )


def candidates(paths) -> list[Level]:
    """Every level, finest first: every node, then module cards from the deepest up."""
    out = [Level(None, "every node")]
    if paths:
        out += [Level(d, describe(d, paths)) for d in range(deepest(paths), -1, -1)]
    return out


#: when no level fits, a coarser level is chosen only if its picture is this much smaller
WORTH = 1.25


def closest(measured: list[tuple]) -> tuple:
    """When no level fits: of the measured levels ``(level, ..., drawn, side)``, finest first,
    the finest whose long side is within ``WORTH`` of the smallest. Closing modules that hardly
    shrink the picture hides what a reader came for: a self-attention block drawn as one
    "(model)" card is 61 shapes where every node is 68, so every node is drawn."""
    ok = [m for m in measured if m[-2] <= MAX_DRAWN] or measured
    smallest = min(m[-1] for m in ok)
    return next(m for m in ok if m[-1] <= WORTH * smallest)


def fits(drawn: int, side: float) -> bool:
    """Whether a picture of ``drawn`` nodes with an estimated long side ``side`` is readable."""
    return drawn <= MAX_DRAWN and side <= MAX_SIDE
