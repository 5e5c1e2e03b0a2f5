"""The level a picture is drawn at, chosen without building anything twice.

``draw_graph``'s default (``collapse='auto'``, see ``viz.levels``) tries the levels finest first:
every node, then module cards from the deepest up, and takes the first whose picture fits. The
viewer and the stepper open at the level the same rule picks on their unfolded cards. ``Levels``
holds what one call needs for that, each piece made once and kept:

- the rules of ``viz.membership`` run once per graph; each level's clusters are collected from
  that one pass (``Levels.clusters``), and the viewer reuses them for its own module groups;
- a level is built (``viz.layout.Layout``) only when it can be drawn: drawing every node, each
  node outside a composite card is a shape of its own and so is the op that made it; with more
  than ``levels.MAX_DRAWN`` of those, that level cannot fit and is passed over unbuilt;
- only levels with few enough shapes are painted and measured, and the picture keeps the
  ``Layout`` and painted ``Scene`` of the level chosen instead of building it again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import clusters, levels, membership, place
from .layout import Layout, Reading
from .scene import Scene


@dataclass
class Choice:
    """The level drawn, its layout, its painted scene and how many shapes it draws."""

    level: levels.Level
    layout: Layout
    scene: Scene
    count: int


class Levels:
    """One graph's levels of detail, built on demand and kept for the call (module docstring).

    ``params`` maps ``id(parameter)`` to its dotted name (empty: no modules), ``model`` the
    ``nn.Module`` (its modules' declared activations and sizes); ``regions`` are the
    composite cards (``scopes.regions``); ``fold``: identical siblings drawn as one card when
    modules are closed (``draw_graph``'s ``fold``); ``override``: the stepper's gradients.
    """

    def __init__(self, nodes: list, root: Any, params: dict[int, str], *, model: Any = None,
                 regions: dict | None = None, horizontal: bool = True,
                 fold: bool | None = None, override: dict[int, Any] | None = None) -> None:
        self.nodes, self.root, self.params, self.model = nodes, root, params, model
        self.regions = regions or {}
        self.horizontal, self.fold, self.override = horizontal, fold, override
        self.paths = {clusters.module_path(n) for n in params.values()}
        self.declared = clusters.declared_activations(model, self.paths) if model is not None \
            else {}
        self._found: membership.Membership | None = None
        self._clusters: dict[int, dict[str, clusters.Cluster]] = {}
        self._reading: Reading | None = None

    @property
    def reading(self) -> Reading:
        """What every level's ``Layout`` shares (indices, roles, names' parts), read once."""
        if self._reading is None:
            self._reading = Reading(self.nodes, self.root, self.params)
        return self._reading

    def clusters(self, depth: int | None) -> dict[str, clusters.Cluster]:
        """Module path -> Cluster with each module ``depth`` steps deep (None: every module) as
        one cluster; the membership rules run once for all depths."""
        if not self.params:
            return {}
        if depth is None:  # every module its own cluster: the deepest modules' cut is the path
            depth = levels.deepest(self.paths)
        if depth not in self._clusters:
            if self._found is None:
                self._found = membership.find(self.nodes, self.params, self.declared)
            key = levels.Level(depth, "").key()
            self._clusters[depth] = clusters.collect(self._found, key)
        return self._clusters[depth]

    def layout(self, level: levels.Level) -> Layout:
        """The graph model of the picture at ``level``."""
        closed = not level.every_node
        lay = Layout(self.nodes, self.root, self.params, self.clusters(level.depth), closed,
                     self.horizontal, regions=self.regions,
                     fold=self.fold is not False and closed,
                     counter_names=self.override is not None, reading=self.reading)
        lay.override = self.override
        lay.model = self.model
        return lay

    def fewest_shapes(self) -> int:
        """At least how many shapes a picture of every node draws, known without building it:
        each node outside a composite card is a shape, and so is the op that made it."""
        outside = [n for i, n in enumerate(self.nodes) if i not in self.regions]
        return len(outside) + sum(1 for n in outside if n.parents)

    def choose(self, asked: levels.Level | None, paint: Callable[[Layout], Scene]) -> Choice:
        """The level ``asked`` (None: the finest that fits, ``levels.fits``, else
        ``levels.closest``), built and painted with ``paint``."""
        tried = [asked] if asked is not None else levels.candidates(self.paths)
        measured: list[tuple[levels.Level, Layout, Scene, int, float]] = []
        for k, level in enumerate(tried):
            last = asked is not None or k == len(tried) - 1
            if not last and level.every_node and self.fewest_shapes() > levels.MAX_DRAWN:
                continue  # too many shapes, known without building the level
            lay = self.layout(level)
            count = lay.count()
            if not last and count > levels.MAX_DRAWN:
                continue  # too many shapes: no need to paint and measure
            if asked is None and level.depth == 0 and measured:
                continue  # one card for the whole model says nothing: a finer level (see levels)
            scene = paint(lay)
            if asked is not None:
                return Choice(level, lay, scene, count)
            side = place.estimate(scene, self.horizontal)
            measured.append((level, lay, scene, count, side))
            if levels.fits(count, side):
                return Choice(level, lay, scene, count)
        return Choice(*levels.closest(measured)[:4])
