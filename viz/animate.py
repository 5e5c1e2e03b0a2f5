"""``animate_backward``: one self-contained page that teaches the backward pass, step by step.

Built on the graph viewer (``viz.viewer``: pan, zoom, open modules). The page has three chapters
and one step counter:

1. **Forward**: the values appear in the order they were computed, each with its equation.
2. **Order**: how backpropagation finds its order. Every node counts its *uses* (how many nodes
   take it as an input); a node is *ready* once every node that used it has passed its gradient
   back; starting from the output, the ready nodes are taken one by one, and each gets its order
   number (shown on its card). "Why this order" is ``explain.WHY``, the text
   ``explain_backward`` prints.
3. **Backward**: the seed, then one step per node in that order: the node (thick vermillion
   border), the inputs it sends gradient to (dashed blue border), the chain rule with its numbers,
   and each input's gradient so far (italic while it still waits for other uses, bold once
   complete). The last step shows every gradient, equal to what ``backward()`` computes.

With ``model=`` and ``collapse=``/``depth=``, the steps of a module's nodes are one step of its
card; opening the card in the viewer shows them one by one. ``quiz=True`` hides each gradient
until the student types a guess, then shows the value and the rule, and keeps a score.
Nothing refers outside the page (no network, no fonts to fetch): it works offline, from a file,
and inline in Jupyter (in its own frame).
"""

from __future__ import annotations

import heapq
import html
from pathlib import Path
from typing import Any

import numpy as np

from . import explain, fmt, viewer
from .graphmodel import graph_model, node_modules
from .layout import natural
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
        # a frame keeps the page's script, keys and styles apart from the notebook's own
        return viewer.iframe(self.html, 660, "backprop stepper")


def animate_backward(root: Any, path: str | Path | None = None, *, model: Any = None,
                     collapse: str | None = "auto", depth: int | str | None = "auto",
                     rankdir: str = "LR", quiz: bool = False, interval: float = 1.4,
                     max_nodes: int = 5000) -> Stepper:
    """Teach the backward pass from ``root``: write the page to ``path`` (an .html file) if given,
    and return it as a ``Stepper`` (which Jupyter shows inline).

    Args:
        model, collapse, depth: as ``draw_graph`` (module cards; ``depth`` 0 = the model, 1 =
            layers, 2 = neurons, None = every node; 'auto': the finest level that stays
            readable, which the page's level menu changes).
        quiz: hide each gradient until the student enters a guess; keep a score.
        interval: seconds per step when playing.
        max_nodes: refuse graphs larger than this (the page replays every node).

    Keys: right/left arrow (or Next/Prev) step, Home/End, space plays; the viewer's keys pan and
    zoom. ``.grad`` fields are not changed: the steps replay the pass from the ops' rules.
    """
    target = None if path is None else _check(path)
    if rankdir not in ("LR", "TB"):
        raise ValueError(f"rankdir must be 'LR' or 'TB', not {rankdir!r}")
    m = graph_model(root, model=model, collapse=collapse,
                    depth=depth, show_grad=True, rankdir=rankdir)
    if len(m["nodes"]) > max_nodes:
        raise ValueError(f"this graph has {len(m['nodes'])} nodes, more than max_nodes="
                         f"{max_nodes}: step through one sample or a smaller model, or raise "
                         "max_nodes")
    p = backward_steps(root, [n["name"] for n in m["nodes"]], node_modules(m))
    data = {"frames": forward_frames(p, creation_order(p, m)) + order_frames(p)
            + backward_frames(p, m),
            "start": [[f"n{i}", "grad", "?", "unknown"] for i in p.order]
            + [[f"g{k}", "grad", "?", "unknown"] for k, g in enumerate(m["groups"])],
            "interval": int(interval * 1000), "quiz": bool(quiz)}
    stepper = Stepper(_page(p, m, data), None)
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


def _text(node: Any, v: Any) -> str:
    return fmt.array(v) if fmt.is_tensor(node) else fmt.num(v)


def _full(node: Any, v: Any) -> Any:
    """The exact gradient, for readers of the page's data (tests, the playground): a float, or
    the values of a tensor of at most 64 elements (None for a larger one, to keep pages small)."""
    if fmt.is_tensor(node):
        a = np.asarray(v, dtype=float)
        return a.ravel().tolist() if a.size <= 64 else None
    return float(v)


def _frame(phase: str, title: str, rule: str, **kw: Any) -> dict:
    f = {"phase": phase, "title": title, "rule": rule, "lines": [], "cur": [], "tgt": [],
         "set": [], "state": [], "badge": []}
    f.update(kw)
    return f


def creation_order(p: Pass, m: dict) -> list[int]:
    """The computed nodes in an order they could be computed, one module after the other.

    A node is ready once its inputs are computed (Kahn's algorithm); among the ready nodes the
    one in the earliest module (``layers.0.neurons.0`` before ``layers.0.neurons.1``, modules
    before the loss) goes first. For an nn model this is the order its forward pass ran.
    """
    nodes = p.nodes
    index = {id(n): i for i, n in enumerate(nodes)}
    paths = [g["path"] for g in m["groups"]]
    rank = {g: k for k, g in enumerate(sorted(range(len(paths)),
                                               key=lambda g: natural(paths[g])))}
    key = [(rank.get(nd["group"], len(paths)), i) for i, nd in enumerate(m["nodes"])]
    waiting = [sum(1 for q in n.parents if q.parents) for n in nodes]
    users: dict[int, list[int]] = {}
    for i, n in enumerate(nodes):
        for q in n.parents:
            users.setdefault(index[id(q)], []).append(i)
    ready = [key[i] for i, n in enumerate(nodes) if n.parents and not waiting[i]]
    heapq.heapify(ready)
    order: list[int] = []
    while ready:
        _, i = heapq.heappop(ready)
        order.append(i)
        for u in users.get(i, []):
            waiting[u] -= 1
            if not waiting[u]:
                heapq.heappush(ready, key[u])
    return order


def forward_frames(p: Pass, order: list[int] | None = None) -> list[dict]:
    """One frame per computed node, in ``order`` (default: forward order); leaves appear with
    their first user."""
    nodes, names = p.nodes, p.names
    index = {id(n): i for i, n in enumerate(nodes)}
    if order is None:
        order = [i for i, n in enumerate(nodes) if n.parents]
    frames = [_frame("forward", "Forward pass: the inputs and parameters",
                     "The leaves are known before anything is computed. Each next step computes "
                     "one value from values already known: this is the forward pass.",
                     state=[[f"n{i}", "future"] for i, n in enumerate(nodes) if n.parents])]
    for i in order:
        n = nodes[i]
        ps = [index[id(q)] for q in n.parents]
        eq = n.op.equation(names[i], [names[j] for j in ps])
        frames.append(_frame(
            "forward", f"{eq} = {_text(n, n.data)}",
            "Computed from values already known, so the forward order is the order of creation.",
            lines=[{"text": f"{names[j]} = {_text(nodes[j], nodes[j].data)}"} for j in ps],
            cur=[f"n{i}"], tgt=[f"n{j}" for j in ps], state=[[f"n{i}", "computed"]]))
    return frames


def order_frames(p: Pass) -> list[dict]:
    """How the backward order is found: use counts, then order numbers, and why."""
    nodes, names = p.nodes, p.names
    index = {id(n): i for i, n in enumerate(nodes)}
    uses: dict[int, int] = {}
    for i in p.order:
        for q in nodes[i].parents:
            if q.requires_grad:
                uses[index[id(q)]] = uses.get(index[id(q)], 0) + 1
    root = p.order[0]
    many = [i for i in p.order if uses.get(i, 0) > 1]
    lines = [{"text": f"{names[i]} is used {uses[i]} times: it is ready only after all "
                      f"{uses[i]} users have passed their gradient back"} for i in many[:8]]
    counted = _frame(
        "order", "Count the uses: how many nodes take each node as an input",
        "A node is ready for the backward pass once every node that used it has passed its "
        "gradient back (the chain rule sums over all uses). The output is ready at once.",
        lines=lines or [{"text": "every node here is used once"}],
        badge=[[f"n{i}", f"uses {uses.get(i, 0)}"] for i in p.order if i != root]
        + [[f"n{root}", "ready"]])
    numbered = _frame(
        "order", "The backward order: take a ready node, pass its gradient, repeat",
        explain.WHY.replace("\n", " "),
        lines=[{"text": "order: " + ", ".join(f"{k + 1} {names[i]}"
                                              for k, i in enumerate(p.order[:40]))
                + (" ..." if len(p.order) > 40 else "")}],
        badge=[[f"n{i}", f"#{k + 1}"] for k, i in enumerate(p.order)])
    return [counted, numbered]


def backward_frames(p: Pass, m: dict) -> list[dict]:
    """The seed, one frame per backward step, and the result."""
    nodes, names = p.nodes, p.names
    root = p.order[0]
    rname = names[root]
    outputs: dict[int, list[int]] = {}  # node -> the module cards it is an output of
    for g, grp in enumerate(m["groups"]):
        for i in grp.get("outputs", []):
            outputs.setdefault(i, []).append(g)
    complete: set[int] = set()
    frames = [_frame("backward", f"Seed: {rname}.grad = 1",
                     f"d{rname}/d{rname} = 1: the backward pass starts at the output.",
                     lines=[{"text": f"{rname}.grad = {_text(nodes[root], p.seed)}"}],
                     cur=[f"n{root}"], set=[[f"n{root}", "grad", _text(nodes[root], p.seed),
                                             "done", _full(nodes[root], p.seed)]],
                     state=[[f"n{root}", "done"]])]
    for step in p.steps:
        i = step.node
        f = _frame("backward", step.equation, step.rule, cur=[f"n{i}"],
                   state=[[f"n{i}", "done"]])
        for c in step.contributions:
            j = c.parent
            total = _text(nodes[j], c.total)
            text = f"{names[j]}.grad += {c.formula} = {c.numbers}"
            if c.uses > 1:
                left = c.uses - c.use
                text += (f"   (use {c.use} of {c.uses}: {names[j]}.grad = {total}, "
                         + ("complete)" if not left else f"waiting for {left} more)"))
            done = c.use == c.uses
            line: dict[str, Any] = {"text": text}
            if not fmt.is_tensor(nodes[j]):
                line["ask"] = f"{names[j]}.grad receives"
                line["answer"] = float(c.value)
            f["lines"].append(line)
            f["tgt"].append(f"n{j}")
            f["set"].append([f"n{j}", "grad", total, "done" if done else "partial",
                             _full(nodes[j], c.total)])
            f["state"].append([f"n{j}", "done" if done else "partial"])
            if done:
                complete.add(j)
                for g in outputs.get(j, []):  # a card's gradient once all its outputs have one
                    if complete.issuperset(m["groups"][g]["outputs"]):
                        f["set"].append([f"g{g}", "grad", _group_grad(m, g, p), "done"])
        if not f["lines"]:
            f["lines"].append({"text": "no input needs a gradient (all constants)"})
        frames.append(f)
    leaves = [i for i in reversed(p.order) if not nodes[i].parents]
    frames.append(_frame(
        "done", "Done: every gradient is complete",
        f"Each .grad now holds d{rname}/d(node), as {rname}.backward() computes.",
        lines=[{"text": f"{names[i]}.grad = {_text(nodes[i], p.grads[i])}"} for i in leaves]))
    return frames


def _group_grad(m: dict, g: int, p: Pass) -> str:
    outs = [i for i in m["groups"][g]["outputs"] if i in p.grads]
    if len(outs) == 1:
        return _text(p.nodes[outs[0]], p.grads[outs[0]])
    return fmt.array(np.array([np.mean(p.grads[i]) for i in outs], dtype=np.float64))


_NAV = """<nav class="crs-nav" aria-label="steps">
<button id="crs-first" title="first step (Home)">&laquo;</button>
<button id="crs-prev" title="previous step (left arrow)">&lsaquo; Prev</button>
<button id="crs-play" aria-pressed="false" title="play / pause (space)">&#9654; Play</button>
<button id="crs-next" title="next step (right arrow)">Next &rsaquo;</button>
<button id="crs-last" title="last step (End)">&raquo;</button>
<input id="crs-slider" type="range" min="0" value="0" aria-label="step">
<span id="crs-counter" aria-live="polite"></span>
<span class="crs-chapters"><button data-phase="forward">1 Forward</button><button
 data-phase="order">2 Order</button><button data-phase="backward">3 Backward</button></span>
<span id="crs-score"></span>
</nav>"""

_KEY = """<div class="crs-key" aria-label="legend">
<span><i class="k-cur"></i>node being processed (thick border)</span>
<span><i class="k-tgt"></i>inputs receiving gradient (dashed)</span>
<span><i class="k-part"></i>gradient waiting for more uses (dotted, italic)</span>
<span><b>#3</b> order of the backward pass</span>
</div>"""


def _page(p: Pass, m: dict, data: dict) -> str:
    name = html.escape(m["title"])
    # the counts are the steps the student takes at the level shown (a card's nodes make one
    # step until it is opened): stepper.js writes them, as it writes "Step k of n" below
    sub = (f'<span id="crs-count">{len(p.nodes)} nodes</span> &middot; '
           "right/left arrow step, space plays")
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>Backward pass from {name} - chainrule</title>\n"
        f"<style>\n{viewer.style()}{viewer.asset('stepper.css')}</style>\n</head>\n<body>\n"
        f'<header><h1{viewer.root_hover(m)}>Backward pass from {name}</h1>'
        f'<span class="sub">{sub}</span></header>\n'
        '<main><div id="crs-graph"></div>\n'
        '<aside><p id="crs-phase"></p><p id="crs-title"></p><p id="crs-rule"></p>'
        f'<div id="crs-lines"></div>{_KEY}</aside></main>\n{_NAV}\n'
        f'<script type="application/json" id="crv-model">{viewer.as_json(m)}</script>\n'
        f'<script type="application/json" id="cr-frames">{viewer.as_json(data)}</script>\n'
        f"<script>\n{viewer.script()}</script>\n"
        f"<script>\n{viewer.asset('stepper.js')}</script>\n</body>\n</html>\n"
    )
