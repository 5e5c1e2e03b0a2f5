"""``Drawing``: the ``graphviz.Digraph`` of ``draw_graph``, renderable without system Graphviz.

It is an ordinary Digraph (restyle it, add nodes, read ``.source``). Two things differ: ``pipe``
falls back to the embedded renderer for the formats it supports when Graphviz's ``dot`` is not
installed, so ``drawing.pipe(format='svg')`` works on a fresh machine; and Jupyter displays it
inline through the same path (``_repr_image_svg_xml``).
"""

from __future__ import annotations

from typing import Any

import graphviz

from . import rendering


class Drawing(graphviz.Digraph):
    """A computation graph picture (a ``graphviz.Digraph``)."""

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
