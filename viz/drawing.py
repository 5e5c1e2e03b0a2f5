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
        return rendering.svg(self.source)

    def _repr_html_(self) -> str | None:
        if self.viewer_input is None:
            return None  # built by hand: the SVG shows instead
        from . import viewer

        return viewer.iframe(viewer.page_of(self), title="computation graph")
