"""A picture before Graphviz: the nodes, arrows and frames a painter added, to measure or replay.

``Scene`` takes the calls of a ``graphviz.Digraph`` that the painter makes (``node``, ``edge``,
``attr``, ``subgraph``), so the same painting can be measured (``place.estimate``), laid out by
viz itself (``place.positions``) or replayed into a real ``Digraph`` for Graphviz's ``dot``.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any


class Scene:
    """Recorded nodes (id, attrs), edges (tail, head, attrs) and frames (nested scenes)."""

    def __init__(self, name: str | None = None) -> None:
        self.name = name
        self.attrs: dict[str, str] = {}
        self.items: list[tuple[str, Any]] = []  # emission order, for an exact replay

    @property
    def nodes(self) -> list[tuple[str, dict]]:
        return [item for kind, item in self.items if kind == "node"]

    @property
    def edges(self) -> list[tuple[str, str, dict]]:
        return [item for kind, item in self.items if kind == "edge"]

    @property
    def frames(self) -> list[Scene]:
        return [item for kind, item in self.items if kind == "frame"]

    def node(self, name: str, **attrs: Any) -> None:
        self.items.append(("node", (name, attrs)))

    def edge(self, tail: str, head: str, **attrs: Any) -> None:
        self.items.append(("edge", (tail, head, attrs)))

    def attr(self, **attrs: Any) -> None:
        self.attrs.update(attrs)

    @contextmanager
    def subgraph(self, name: str | None = None):
        sub = Scene(name)
        self.items.append(("frame", sub))
        yield sub

    def all_nodes(self) -> list[tuple[str, dict]]:
        """Every node with attributes, frames included, first definition of each id."""
        seen: dict[str, dict] = {}
        stack = [self]
        while stack:
            s = stack.pop()
            for name, attrs in s.nodes:
                if not seen.get(name):
                    seen[name] = attrs
            stack.extend(reversed(s.frames))
        return list(seen.items())

    def all_edges(self) -> list[tuple[str, str, dict]]:
        out = list(self.edges)
        for f in self.frames:
            out += f.all_edges()
        return out

    def replay(self, g: Any, frames: bool = True, extra: dict | None = None) -> None:
        """Make the same calls on ``g`` (a Digraph); ``frames=False`` flattens every frame but
        the legend; ``extra`` maps node ids to attributes to add (positions)."""
        if self.attrs:
            g.attr(**self.attrs)
        for kind, item in self.items:
            if kind == "node":
                name, attrs = item
                more = (extra or {}).get(name)
                g.node(name, **(dict(attrs, **more) if more else attrs))
            elif kind == "edge":
                g.edge(item[0], item[1], **item[2])
            elif frames or item.name == "cluster_legend" and extra is None:
                with g.subgraph(name=item.name) as sub:
                    item.replay(sub, frames, extra)
            else:
                item.replay_flat(g, extra)

    def replay_flat(self, g: Any, extra: dict | None) -> None:
        for kind, item in self.items:
            if kind == "node":
                name, attrs = item
                if not attrs and extra is not None:
                    continue  # a rank=same marker: only meaningful to dot
                more = (extra or {}).get(name)
                g.node(name, **(dict(attrs, **more) if more else attrs))
            elif kind == "edge":
                g.edge(item[0], item[1], **item[2])
            else:
                item.replay_flat(g, extra)
