"""Where cards go: a layered layout computed by viz itself, for sizes and for big graphs.

Graphviz's ``dot`` gives the nicest pictures of small graphs, but its time grows much faster than
the graph (a 2,000-node MLP with one 110-wide layer took 20-47 s). A computation graph is
layered by nature: every node comes after its parents. So viz places nodes itself
(Sugiyama's method, kept simple):

1. rank: a node's rank is one more than its parents' highest; a leaf sits just before its
   first user, so inputs and weights stand next to the op that reads them;
2. order: within a rank, nodes are sorted by the mean position of their neighbours (a few sweeps
   forwards and backwards, the barycentre heuristic), which removes most crossings;
3. coordinates: ranks side by side (as wide as their widest node), nodes stacked in each rank
   near their parents, at least ``nodesep`` apart.

Sizes come from the card texts (Helvetica's mean glyph width, slightly overestimated). This
gives the picture's size before any rendering (``estimate``, used to choose the level) and, for
graphs above ``DOT_LIMIT`` drawn shapes, the positions themselves: viz then writes the SVG itself
(``viz.svgdraw``), and the DOT source (for ``.pdf``, ``.dot`` or a restyled Digraph, drawn by
Graphviz's ``nop2`` with straight arrows) is only made when asked for.
"""

from __future__ import annotations

import re
from typing import Any

from . import style

DOT_LIMIT = 400  # above this many drawn shapes, viz places them itself
CHAR = 0.60  # mean glyph width of Helvetica, in em (digits are 0.556)
NODESEP, RANKSEP = 16.0, 24.0  # points, as style.GRAPH
_SPLIT = re.compile(r"(?<!\\)\|")


def size(attrs: dict, horizontal: bool = True) -> tuple[float, float]:
    """(width, height) in points of a node with these Graphviz attributes (a card's fields are
    rows in both directions: ``cards.record`` flips them for top-to-bottom graphs)."""
    font = float(attrs.get("fontsize", style.NODE["fontsize"]))
    label = str(attrs.get("label", ""))
    if attrs.get("fixedsize") == "true":
        w = float(attrs.get("width", 0.5)) * 72
        return w, w
    if attrs.get("shape") == "Mrecord":
        fields = [f.strip("{} ") for f in _SPLIT.split(label)]
        lens = [len(f.replace("\\", "")) * CHAR * font + 18 for f in fields] or [18.0]
        return max(lens), len(fields) * (font * 1.5) + 4  # rows either way (cards.record)
    return max(len(label) * CHAR * font + 14, 22.0), font * 1.6 + 6


def layered(scene: Any, horizontal: bool, defaults: dict | None = None
            ) -> tuple[dict[str, tuple[float, float]], float, float]:
    """Positions (centre x, y in points, y downwards) of every node, and the width and height;
    ``defaults``: the Digraph's node attributes (a theme's font size)."""
    nodes = [(n, a) for n, a in scene.all_nodes() if a]
    base = defaults or {}
    sizes = {n: size({**base, **a} if base else a, horizontal) for n, a in nodes}
    ids = [n for n, _ in nodes]
    known = set(ids)
    pred: dict[str, list[str]] = {n: [] for n in ids}
    succ: dict[str, list[str]] = {n: [] for n in ids}
    for a, b, attrs in scene.all_edges():
        if a in known and b in known and attrs.get("style") != "invis" and a != b:
            pred[b].append(a)
            succ[a].append(b)
    rank = _ranks(ids, pred, succ)
    layers: dict[int, list[str]] = {}
    for n in ids:
        layers.setdefault(rank[n], []).append(n)
    keys = sorted(layers)
    cols = [layers[k] for k in keys]
    _order(cols, pred, succ)
    along = 0 if horizontal else 1  # the axis ranks follow
    pos: dict[str, tuple[float, float]] = {}
    cursor = 0.0
    span = 0.0
    for col in cols:
        depth = max(sizes[n][along] for n in col)
        centre = cursor + depth / 2
        across = _stack(col, pred, pos, sizes, 1 - along)
        for n, c in zip(col, across, strict=True):
            pos[n] = (centre, c) if horizontal else (c, centre)
        lo = min(c - sizes[n][1 - along] / 2 for n, c in zip(col, across, strict=True))
        hi = max(c + sizes[n][1 - along] / 2 for n, c in zip(col, across, strict=True))
        span = max(span, hi - lo)
        cursor += depth + RANKSEP
    xs = [p[0] for p in pos.values()] or [0.0]
    ys = [p[1] for p in pos.values()] or [0.0]
    width = max(xs) - min(xs) + (max(s[0] for s in sizes.values()) if sizes else 0)
    height = max(ys) - min(ys) + (max(s[1] for s in sizes.values()) if sizes else 0)
    return pos, width, height


def _ranks(ids, pred, succ) -> dict[str, int]:
    """Longest path from the sources; a source then moves next to its first user."""
    indeg = {n: len(pred[n]) for n in ids}
    rank = {n: 0 for n in ids}
    queue = [n for n in ids if indeg[n] == 0]
    k = 0
    while k < len(queue):
        n = queue[k]
        k += 1
        for m in succ[n]:
            rank[m] = max(rank[m], rank[n] + 1)
            indeg[m] -= 1
            if indeg[m] == 0:
                queue.append(m)
    for n in ids:
        if not pred[n] and succ[n]:
            rank[n] = max(0, min(rank[m] for m in succ[n]) - 1)
    return rank


def _order(cols: list[list[str]], pred, succ, sweeps: int = 4) -> None:
    where: dict[str, float] = {}
    for col in cols:
        for i, n in enumerate(col):
            where[n] = float(i)
    for s in range(sweeps):
        seq = cols if s % 2 == 0 else cols[::-1]
        near = pred if s % 2 == 0 else succ
        for col in seq:
            bary = {}
            for n in col:
                ns = near[n]
                bary[n] = sum(where[m] for m in ns) / len(ns) if ns else where[n]
            col.sort(key=lambda n: bary[n])  # stable: ties keep their order
            for i, n in enumerate(col):
                where[n] = float(i)


def _stack(col, pred, pos, sizes, axis) -> list[float]:
    """Positions across a rank: each node near the mean of its placed parents, no overlaps."""
    want = []
    for n in col:
        ps = [pos[m][axis] for m in pred[n] if m in pos]
        want.append(sum(ps) / len(ps) if ps else None)
    out: list[float] = []
    prev_end = None
    for n, w in zip(col, want, strict=True):
        h = sizes[n][axis]
        c = w if w is not None else (prev_end + h / 2 if prev_end is not None else 0.0)
        if prev_end is not None and c - h / 2 < prev_end + NODESEP:
            c = prev_end + NODESEP + h / 2
        out.append(c)
        prev_end = c + h / 2
    return out


def estimate(scene: Any, horizontal: bool) -> float:
    """The long side, in points, that a picture of this scene will have (about)."""
    _, w, h = layered(scene, horizontal)
    return max(w, h)


THEME_SCALE = {"default": 1.0, "projector": 1.5}
_SCALED = ("fontsize", "penwidth", "arrowsize", "width", "height")


def _scaled(attrs: dict, k: float) -> dict:
    if k == 1.0:
        return attrs
    out = dict(attrs)
    for a in _SCALED:
        if a in out:
            out[a] = f"{float(out[a]) * k:.3g}"
    return out


def emit(scene: Any, g: Any, horizontal: bool, theme: str = "default") -> None:
    """Put the scene into the Digraph ``g``: for Graphviz's dot to lay out, or with positions
    computed here (``nop2``) when it has more than ``DOT_LIMIT`` shapes."""
    k = THEME_SCALE[theme]
    if k != 1.0:
        for d in (g.graph_attr, g.node_attr, g.edge_attr):
            d.update(_scaled(d, k))
        _scale_scene(scene, k)
    drawn = sum(1 for _, a in scene.all_nodes() if a)
    if drawn <= DOT_LIMIT:
        scene.replay(g)
        return
    pos, _, _ = layered(scene, horizontal, g.node_attr)
    g.graph_attr.update(layout="nop2", splines="line", outputorder="edgesfirst")
    g.graph_attr.pop("ordering", None)

    def replay() -> None:  # the DOT source, for Graphviz: only made when asked for
        extra = {n: {"pos": f"{x:.1f},{-y:.1f}!"} for n, (x, y) in pos.items()}
        scene.replay(g, frames=False, extra=extra)

    if hasattr(g, "place"):  # a Drawing: viz writes its SVG itself (viz.svgdraw)
        g.place(scene, pos, horizontal, replay)
    else:
        replay()


def _scale_scene(scene: Any, k: float) -> None:
    scene.items = [(kind, (item[0], _scaled(item[1], k)) if kind == "node" else
                    (item[0], item[1], _scaled(item[2], k)) if kind == "edge" else item)
                   for kind, item in scene.items]
    scene.attrs = _scaled(scene.attrs, k)
    for f in scene.frames:
        _scale_scene(f, k)
