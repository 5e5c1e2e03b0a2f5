"""``animate_backward``: one self-contained HTML page that steps through the backward pass.

Frame 0 is the forward pass, every gradient unknown (``?``). Frame 1 seeds the root's gradient
with 1. Each following frame processes one node, in the order backpropagation runs: the node is
outlined in crimson, the inputs receiving gradient in amber, the chain-rule products are written
out with their numbers, and the gradients filled in so far are shown (amber while a node still
waits for some of its uses, red when it has just become complete). The last frame shows every
gradient, equal to what ``backward()`` computes.

The page embeds its SVG, script and style, and refers to nothing outside itself (no network, no
fonts to fetch), so it works offline, from a USB stick, or attached to an e-mail.
"""

from __future__ import annotations

import html
import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from . import fmt
from .draw import draw_graph
from .output import to_svg
from .steps import Pass, backward_steps


class Stepper:
    """A backprop stepper page: ``.html`` (the whole page), ``.path`` (where it was written, or
    None). In Jupyter it displays inline, in a frame of its own; ``os.fspath(stepper)`` and
    ``str(stepper)`` give the file's path."""

    def __init__(self, html_text: str, path: Path | None) -> None:
        self.html = html_text
        self.path = path

    def save(self, path: str | Path) -> Path:
        """Write the page to ``path`` (an .html file) and return the path."""
        path = _check(path)
        path.write_text(self.html, encoding="utf-8")
        self.path = path
        return path

    def __fspath__(self) -> str:
        if self.path is None:
            raise TypeError("this stepper was not written to a file: call .save(path) first")
        return str(self.path)

    def __str__(self) -> str:
        return str(self.path) if self.path is not None else "<backprop stepper (not saved)>"

    def __repr__(self) -> str:
        return f"Stepper({str(self)!r})"

    def _repr_html_(self) -> str:
        # a frame keeps the page's script, ids and styles apart from the notebook's own
        return (f'<iframe srcdoc="{html.escape(self.html, quote=True)}" style="width:100%;'
                'height:620px;border:1px solid #e2e8f0;border-radius:8px" '
                'title="backprop stepper"></iframe>')


def animate_backward(root: Any, path: str | Path | None = None, *, rankdir: str = "LR",
                     interval: float = 1.4, max_nodes: int = 600) -> Stepper:
    """Step through the backward pass from ``root``: write the page to ``path`` (an .html file)
    if given, and return it as a ``Stepper`` (which Jupyter shows inline).

    Buttons first / previous / next / last / play, a slider and the arrow keys (space plays)
    move through the frames; ``interval`` is the seconds per frame when playing. ``.grad``
    fields are not changed: the frames replay the pass from the ops' derivative rules.
    """
    target = None if path is None else _check(path)
    p = backward_steps(root)
    drawing = draw_graph(root, rankdir=rankdir, max_nodes=max_nodes, _grads=p.grads)
    svg = _inline(to_svg(drawing))
    data = {"frames": _frames(p), "start": _start(p), "interval": int(interval * 1000)}
    stepper = Stepper(_page(p, svg, data), None)
    if target is not None:
        stepper.save(target)
    return stepper


def _check(path: str | Path) -> Path:
    path = Path(path)
    if path.suffix.lower() not in (".html", ".htm"):
        raise ValueError(f"animate_backward writes an HTML page: give a path ending in .html, "
                         f"not {str(path)!r}")
    if not path.parent.is_dir():
        raise FileNotFoundError(f"cannot write {str(path)!r}: folder {str(path.parent)!r} "
                                "does not exist")
    return path


def _shown(node: Any, g: Any) -> tuple[str, Any]:
    """(text on the card, full value for the page's data-grad attribute)."""
    if fmt.is_tensor(node):
        a = np.asarray(g, dtype=float)
        # every value of a small tensor; a large one (a weight matrix) keeps the page small
        return fmt.array(a), (a.ravel().tolist() if a.size <= 64 else None)
    return fmt.num(g), float(g)


def _start(p: Pass) -> list:
    return [[f"v{i}", "?", None, "unknown"] for i in p.order]


def _frames(p: Pass) -> list[dict]:
    names, nodes = p.names, p.nodes
    root = p.order[0]
    rname = names[root]
    frames = [{
        "title": "Forward pass: every value is computed, no gradient is known yet",
        "rule": "Data flows left to right. Press Next (or the right arrow) to run backward.",
        "lines": [{"text": f"{names[i]} = {fmt.short(nodes[i].data)}", "note": True}
                  for i in reversed(p.order) if not fmt.is_tensor(nodes[i])][:12],
        "cur": [], "tgt": [], "edges": [], "set": [],
    }]
    shown, full = _shown(nodes[root], p.seed)
    frames.append({
        "title": f"Seed: {rname}.grad = 1",
        "rule": f"d{rname}/d{rname} = 1: the backward pass starts at the output.",
        "lines": [{"text": f"{rname}.grad = {shown}", "note": False}],
        "cur": [], "tgt": [f"v{root}"], "edges": [], "set": [[f"v{root}", shown, full, "done"]],
    })
    for k, step in enumerate(p.steps, start=1):
        i = step.node
        lines, sets, targets, edges = [], [], [], [f"o{i}->v{i}"]
        for c in step.contributions:
            j = c.parent
            text = f"{names[j]}.grad += {c.formula}\n    = {c.numbers}"
            shown, full = _shown(nodes[j], c.total)
            if c.uses > 1:
                state = "complete" if c.use == c.uses else f"waiting for {c.uses - c.use} more"
                text += f"\n    use {c.use} of {c.uses}: {names[j]}.grad = {shown} ({state})"
            lines.append({"text": text, "note": False})
            sets.append([f"v{j}", shown, full, "done" if c.use == c.uses else "partial"])
            targets.append(f"v{j}")
            edges.append(f"v{j}->o{i}")
        if not lines:
            lines.append({"text": "no input needs a gradient (all constants)", "note": True})
        frames.append({"title": f"Step {k} of {len(p.steps)}:  {step.equation}",
                       "rule": step.rule, "lines": lines, "cur": [f"v{i}", f"o{i}"],
                       "tgt": targets, "edges": edges, "set": sets})
    leaves = [i for i in reversed(p.order) if not nodes[i].parents]
    frames.append({
        "title": "Done: every gradient is complete",
        "rule": f"Each .grad now holds d{rname}/d(node), as {rname}.backward() computes.",
        "lines": [{"text": f"{names[i]}.grad = {_shown(nodes[i], p.grads[i])[0]}", "note": False}
                  for i in leaves],
        "cur": [], "tgt": [], "edges": [], "set": [],
    })
    return frames


def _inline(svg: str) -> str:
    """An SVG document made fit for inlining in HTML: no prolog, doctype or namespace URLs."""
    svg = svg[svg.index("<svg"):]
    return re.sub(r'\s+xmlns(:xlink)?="[^"]*"', "", svg, count=2)


def _asset(name: str) -> str:
    return resources.files("chainrule.viz").joinpath("assets", name).read_text(encoding="utf-8")


_NAV = """<nav aria-label="steps">
<button id="first" title="first frame (Home)">&laquo; First</button>
<button id="prev" title="previous frame (left arrow)">&lsaquo; Prev</button>
<button id="play" aria-pressed="false" title="play / pause (space)">&#9654; Play</button>
<button id="next" title="next frame (right arrow)">Next &rsaquo;</button>
<button id="last" title="last frame (End)">Last &raquo;</button>
<input id="slider" type="range" min="0" value="0" aria-label="frame">
<span id="counter"></span>
<button id="fit" title="fit the graph to the window, or show it at full size">Fit</button>
</nav>"""

_KEY = """<div id="key">
<span><i style="border-color:#e11d48"></i>node being processed</span>
<span><i style="border-color:#d97706"></i>inputs receiving gradient</span>
<span><b style="color:#d97706">grad</b>waiting for other uses</span>
<span><b style="color:#e11d48">grad</b>just completed</span>
</div>"""


def _page(p: Pass, svg: str, data: dict) -> str:
    name = html.escape(p.names[p.order[0]])
    payload = json.dumps(data, separators=(",", ":")).replace("</", "<\\/")
    counts = (f"{len(p.nodes)} nodes &middot; {len(p.steps)} steps &middot; "
              "arrow keys step, space plays")
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>Backward pass from {name} - chainrule</title>\n"
        f"<style>\n{_asset('stepper.css')}</style>\n</head>\n<body>\n"
        f'<header><h1>Backward pass from {name}</h1><span class="sub">{counts}</span></header>\n'
        f'<main><div id="stage" class="fit">\n{svg}</div>\n'
        '<aside><div id="explain"><p id="step-title"></p><p id="step-rule"></p>'
        f'<div id="step-lines"></div></div>\n{_KEY}</aside></main>\n{_NAV}\n'
        f'<script type="application/json" id="cr-frames">{payload}</script>\n'
        f"<script>\n{_asset('stepper.js')}</script>\n</body>\n</html>\n"
    )
