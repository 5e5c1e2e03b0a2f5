"""The interactive graph viewer: one self-contained HTML page, in a file or inline in a notebook.

    >>> from chainrule import autograd, viz
    >>> x, w = autograd.Value(2.0, label='x'), autograd.Value(-0.5, label='w')
    >>> y = (x * w).tanh(); y.label = 'y'
    >>> page = viz.viewer.page(viz.viewer.graph_model(y), title='y')   # the HTML text
    >>> path = viz.render(y, '/tmp/graph.html')                         # the same, written

The page carries its script, style and data (no network, no fonts to fetch): pan and zoom
(wheel, drag, arrow keys, + and -, the Fit button), click a module card to open it in place and
its frame's title to close it, search a name (``/``), hover a card for its data, gradient and its
op's derivative. Other pages embed the same component (the stepper, the playground; ``script()``
is ``assets/viewer.js``, ``viewer-view.js`` and ``viewer-layout.js``)::

    <style>{viz.viewer.style()}</style>  <div id="g"></div>  <script>{viz.viewer.script()}</script>
    <script>new ChainruleViewer(document.getElementById('g'), MODEL, {depth: 'auto'});</script>

``MODEL`` is ``graph_model(...)`` as JSON (see ``viz.graphmodel``). The JavaScript API
(``fit focus reveal expand collapse setDepth setState setRow setBadge on``) is listed at the top
of ``viz/assets/viewer.js``.

In Jupyter, JupyterLab, VS Code and Colab the page is shown in an ``<iframe srcdoc=...>``: its own
document, so its script runs the same way everywhere scripts in outputs run, its keys (arrows,
``+``) do not reach the notebook, and its styles cannot leak into the notebook's.
"""

from __future__ import annotations

import html
import json
from importlib import resources
from typing import Any

from . import palette
from .graphmodel import graph_model

__all__ = ["Viewer", "graph_model", "iframe", "model_of", "page", "page_of", "script", "style"]


def asset(name: str) -> str:
    """The text of ``viz/assets/<name>`` (shipped in the wheel)."""
    return resources.files("chainrule.viz").joinpath("assets", name).read_text(encoding="utf-8")


def script() -> str:
    """The viewer's JavaScript (defines ``window.ChainruleViewer``): the component, its view
    (``viewer-view.js``: pan, zoom, where it opens) and its layout (``viewer-layout.js``)."""
    return "\n".join(asset(name) for name in ("viewer.js", "viewer-view.js", "viewer-layout.js"))


def style() -> str:
    """The viewer's CSS, with the palette's colours as ``--crv-*`` variables."""
    roles = palette.as_dict()["roles"]
    lines = [f"--crv-{k}: {v['stroke']}; --crv-{k}-fill: {v['fill']}; --crv-{k}-ink: {v['ink']};"
             for k, v in roles.items()]
    lines.append(f"--crv-text: {palette.TEXT}; --crv-muted: {palette.MUTED}; "
                 f"--crv-axis: {palette.AXIS}; --crv-frame: {palette.FRAME}; "
                 f"--crv-tint: {palette.TINT};")
    return ".crv {\n  " + "\n  ".join(lines) + "\n}\n" + asset("viewer.css")


def as_json(data: Any) -> str:
    """JSON safe to put inside a ``<script>`` element (no ``</script>`` can end it early)."""
    return json.dumps(data, separators=(",", ":")).replace("</", "<\\/")


_PAGE_CSS = """html, body { margin: 0; height: 100%; }
body { display: flex; flex-direction: column; font: 15px Helvetica, Arial, sans-serif; }
body > header { padding: 8px 12px; border-bottom: 1px solid #D1D5DB; }
body > header h1 { font-size: 18px; margin: 0; display: inline; }
body > header .sub { margin-left: 12px; color: #4B5563; font-size: 14px; }
#graph { flex: 1; min-height: 0; }
"""


# the header says what is on screen: the cards shown, of how many nodes (a module card holds many)
_COUNT = """(function (v) {
  var n = v.model.nodes.length, el = document.getElementById('crv-count');
  function count() {
    var c = v.layout.cards.length;
    el.textContent = c === n ? n + ' nodes' : c + ' cards (' + n + ' nodes)';
  }
  v.on('render', count); count();
})(window.viewer);
"""


def page(model: dict, options: dict | None = None, title: str | None = None) -> str:
    """A whole HTML page showing ``model`` (a ``graph_model`` dict) in the viewer."""
    title = title or f"Computation graph of {model.get('title', '')}"
    count = len(model["nodes"])
    sub = (f'<span id="crv-count">{count} nodes</span> &middot; drag to pan, wheel or +/- to '
           "zoom, F fits, click a module to open it, / searches")
    opts = dict(options or {})
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)} - chainrule</title>\n"
        f"<style>\n{_PAGE_CSS}{style()}</style>\n</head>\n<body>\n"
        f'<header><h1{root_hover(model)}>{html.escape(title)}</h1>'
        f'<span class="sub">{sub}</span></header>\n'
        '<div id="graph"></div>\n'
        f'<script type="application/json" id="crv-model">{as_json(model)}</script>\n'
        f'<script type="application/json" id="crv-options">{as_json(opts)}</script>\n'
        f"<script>\n{script()}</script>\n"
        "<script>\nwindow.viewer = new ChainruleViewer(document.getElementById('graph'),\n"
        "  JSON.parse(document.getElementById('crv-model').textContent),\n"
        "  JSON.parse(document.getElementById('crv-options').textContent));\n"
        "window.viewer.root.focus({focusVisible: false});\n"
        f"{_COUNT}</script>\n</body>\n</html>\n"
    )


def root_hover(model: dict) -> str:
    """The ``title`` attribute of a page's heading: the root's internal name and equation
    (``root node l1.n0.add3 = l1.n0.add2 + l1.n0.mul3``) when the heading says its role
    instead (``output of neuron l1.n0``), else nothing."""
    name = model.get("root_name", "")
    if not name or name == model.get("title"):
        return ""
    return f' title="{html.escape("root node " + model.get("root_tip", name), quote=True)}"'


def iframe(page_html: str, height: int = 600, title: str = "chainrule graph") -> str:
    """``page_html`` in an ``<iframe srcdoc>``, for a notebook's output (see the module doc)."""
    return (f'<iframe srcdoc="{html.escape(page_html, quote=True)}" title="{html.escape(title)}"'
            f' style="width:100%;height:{int(height)}px;border:1px solid #D1D5DB;'
            'border-radius:8px" loading="eager"></iframe>')


#: ``draw_graph`` options that only change the static pictures: the viewer ignores them
STATIC_ONLY = frozenset({"max_nodes", "fold", "expand", "theme", "color_by", "edge_by",
                         "highlight", "renderer", "_grads"})
MODEL_OPTIONS = frozenset({"model", "collapse", "depth", "show_data", "show_grad", "rankdir"})


def model_of(obj: Any, options: dict | None = None) -> dict:
    """``graph_model`` of a node (with ``draw_graph``'s options) or of a ``draw_graph`` Drawing."""
    options = dict(options or {})
    remembered = getattr(obj, "viewer_input", None)
    if remembered is not None:
        if options:
            raise TypeError(f"draw options {sorted(options)} apply to a node, not an already "
                            "drawn graph: pass the root node")
        obj, options = remembered
    if not (hasattr(obj, "parents") and hasattr(obj, "data")):
        raise TypeError("the viewer draws a node (a Value or Tensor) or what draw_graph "
                        f"returned, not {type(obj).__name__}")
    unknown = set(options) - STATIC_ONLY - MODEL_OPTIONS
    if unknown:
        raise TypeError(f"unknown option(s) {sorted(unknown)} for the viewer; it takes "
                        f"{', '.join(sorted(MODEL_OPTIONS))}")
    kwargs = {k: v for k, v in options.items() if k in MODEL_OPTIONS}
    if "rankdir" in kwargs:
        kwargs["rankdir"] = {"RL": "LR", "BT": "TB"}.get(kwargs["rankdir"], kwargs["rankdir"])
    return graph_model(obj, **kwargs)


def page_of(obj: Any, options: dict | None = None) -> str:
    """The viewer's page for a node or a Drawing (what ``viz.render(..., 'g.html')`` writes)."""
    return page(model_of(obj, options))


class Viewer:
    """The viewer of one graph: ``.html`` (the page), ``.save(path)``, shown inline by Jupyter."""

    def __init__(self, root: Any, height: int = 600, **model_kwargs: Any) -> None:
        self.model = model_of(root, model_kwargs)
        self.height = height
        self.html = page(self.model)

    def save(self, path: Any) -> Any:
        from pathlib import Path

        path = Path(path)
        path.write_text(self.html, encoding="utf-8")
        return path

    def _repr_html_(self) -> str:
        return iframe(self.html, self.height)

    def __repr__(self) -> str:
        return f"<chainrule graph viewer: {len(self.model['nodes'])} nodes>"
