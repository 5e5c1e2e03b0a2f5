"""``Drawing``: the ``graphviz.Digraph`` of ``draw_graph``, renderable without system Graphviz.

It is an ordinary Digraph (restyle it, add nodes, read ``.source``). Two things differ: ``pipe``
falls back to the embedded renderer for the formats it supports when Graphviz's ``dot`` is not
installed, so ``drawing.pipe(format='svg')`` works on a fresh machine; and Jupyter displays it
inline as the interactive viewer (``_repr_html_``: pan, zoom, open modules; ``viz.viewer``), with
the static SVG as the fallback for frontends that show no HTML (``_repr_image_svg_xml``).
"""

from __future__ import annotations

from typing import Any

import graphviz

from . import rendering


class Drawing(graphviz.Digraph):
    """A computation graph picture (a ``graphviz.Digraph``)."""

    #: (root, draw options), set by ``draw_graph``: what the interactive viewer draws
    viewer_input: tuple[Any, dict] | None = None
    #: a big graph placed by viz (``viz.place``): (scene, positions, horizontal)
    placed: tuple[Any, dict, bool] | None = None
    _pending: Any = None  # makes the DOT body of a placed graph, when first read
    _snapshot: Any = None

    @property
    def body(self) -> list[str]:  # type: ignore[override]
        """The DOT statements (graphviz's list); a placed graph's are made on first use."""
        if self._pending is not None:
            make, self._pending = self._pending, None
            make()
            if self._snapshot is not None:
                self._snapshot = (self._snapshot[0], len(self._body))
        return self._body

    @body.setter
    def body(self, value: list[str]) -> None:
        self._body = value

    def place(self, scene: Any, pos: dict, horizontal: bool, replay: Any) -> None:
        """Called by ``place.emit`` for a big graph: keep the placed scene (``svg`` draws it
        without Graphviz) and make the DOT statements only when something reads them."""
        self.placed = (scene, pos, horizontal)
        self._pending = replay

    def seal(self) -> None:
        """The end of ``draw_graph``: later restyling (attributes, nodes) sends the picture back
        to Graphviz, since viz's own SVG draws only what ``draw_graph`` made."""
        self._snapshot = (self._attrs(), None if self._pending is not None else len(self._body))

    def _attrs(self) -> tuple:
        return (dict(self.graph_attr), dict(self.node_attr), dict(self.edge_attr))

    def own_svg(self) -> str | None:
        """The SVG viz writes itself for a placed graph (``viz.svgdraw``, unpolished), or None
        when Graphviz must draw it (a small graph, or one restyled after ``draw_graph``)."""
        if self.placed is None or self._snapshot is None:
            return None
        attrs, length = self._snapshot
        if attrs != self._attrs() or (length is not None and length != len(self._body)):
            return None
        from . import svgdraw

        scene, pos, horizontal = self.placed
        return svgdraw.svg(scene, pos, self.graph_attr, self.node_attr, self.edge_attr,
                           horizontal)

    def remember(self, root: Any, **options: Any) -> None:
        """Keep the root and the draw options, for the viewer (``_repr_html_``, ``.html``)."""
        self.viewer_input = (root, options)

    def pipe(self, format: str | None = None, *args: Any, **kwargs: Any) -> Any:  # noqa: A002
        fmt = format or self.format or "svg"
        if rendering.system_dot() is None and fmt in rendering.EMBEDDED_FORMATS and not args:
            extra = set(kwargs) - {"encoding", "quiet", "engine"}
            if not extra:
                data = rendering.run_embedded(self.source, fmt, kwargs.get("engine") or self.engine)
                encoding = kwargs.get("encoding")
                return data.decode(encoding) if encoding else data
        return super().pipe(fmt, *args, **kwargs)

    def _repr_image_svg_xml(self) -> str:
        return rendering.svg_of(self)

    def _repr_html_(self) -> str | None:
        if self.viewer_input is None:
            return None  # built by hand: the SVG shows instead
        from . import viewer

        return viewer.iframe(viewer.page_of(self), title="computation graph")
