"""``to_svg`` and ``render``: a node (drawn with ``draw_graph``) or a Digraph, as SVG or a file."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from . import rendering, torch_graph
from .draw import draw_graph


def _drawn(obj: Any, draw_kwargs: dict) -> Any:
    """A node drawn with ``draw_graph`` (a ``Drawing``), else ``obj`` itself."""
    if hasattr(obj, "parents") and hasattr(obj, "data") or torch_graph.is_torch(obj):
        return draw_graph(obj, **draw_kwargs)
    _source(obj, draw_kwargs)  # the errors for a wrong object or options
    return obj


def _source(obj: Any, draw_kwargs: dict) -> str:
    """DOT source of a node (drawn with ``draw_graph``) or of a Digraph / Source."""
    if hasattr(obj, "parents") and hasattr(obj, "data") or torch_graph.is_torch(obj):
        return draw_graph(obj, **draw_kwargs).source
    if draw_kwargs:
        raise TypeError(f"draw options {sorted(draw_kwargs)} apply to a node, not an already "
                        "drawn graph: pass the root node, or restyle the Digraph itself")
    if isinstance(getattr(obj, "source", None), str):
        return obj.source
    raise TypeError(f"expected a Value/Tensor or a graphviz Digraph, not {type(obj).__name__}")


def to_svg(root_or_graph: Any, *, renderer: str = "auto", **draw_kwargs: Any) -> str:
    """The picture as an SVG string. ``draw_kwargs`` go to ``draw_graph`` when given a node."""
    obj = _drawn(root_or_graph, draw_kwargs)
    if hasattr(obj, "own_svg"):
        return rendering.svg_of(obj, renderer)
    return rendering.svg(_source(obj, {}), renderer)


def render(root_or_graph: Any, path: str | os.PathLike, *, renderer: str = "auto",
           **draw_kwargs: Any) -> Path:
    """Write the picture to ``path``; the suffix picks the format (.svg .png .pdf .dot/.gv, or
    .html: the interactive viewer, one offline page; ``viz.viewer``).

    Returns the path written. ``draw_kwargs`` go to ``draw_graph`` when given a node, e.g.
    ``render(loss, 'mlp.svg', model=model, collapse='neuron')``.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in rendering.FORMATS and suffix not in (".html", ".htm"):
        raise ValueError(f"cannot tell the format of {str(path)!r}: use a suffix among "
                         f"{', '.join(rendering.FORMATS)}, .html")
    if not path.parent.is_dir():
        raise FileNotFoundError(f"cannot write {str(path)!r}: folder {str(path.parent)!r} "
                                "does not exist")
    if suffix in (".html", ".htm"):
        from . import viewer  # the interactive page: graph_model takes the draw options it knows
        path.write_text(viewer.page_of(root_or_graph, draw_kwargs), encoding="utf-8")
        return path
    obj = _drawn(root_or_graph, draw_kwargs)
    if suffix in (".dot", ".gv"):
        path.write_text(_source(obj, {}), encoding="utf-8")
        return path
    which = rendering.choose(renderer)
    if suffix == ".svg":
        path.write_text(to_svg(obj, renderer=which), encoding="utf-8")
    elif suffix == ".png" and (which == "embedded" or rendering.has_resvg()):
        # the polished SVG, rasterised: the same look whichever renderer laid it out
        path.write_bytes(rendering.png_from_svg(to_svg(obj, renderer=which)))
    elif which == "system":
        source = _source(obj, {})
        extra = ["-Gdpi=150"] if suffix == ".png" else []
        path.write_bytes(rendering.run_system(source, suffix[1:], extra=extra))
    elif rendering.system_dot() is not None:  # dot is there, but the embedded one was asked for
        raise RuntimeError(f"{suffix} output needs Graphviz's dot, and the embedded renderer was "
                           "chosen (renderer='embedded' or CHAINRULE_RENDERER=embedded): use "
                           "renderer='system', or write .svg or .png")
    else:
        raise RuntimeError(f"{suffix} output needs Graphviz's dot, which is not installed: "
                           f"{rendering.GET_DOT}; or write .svg (works without it) or .png")
    return path
