"""The arrows of a picture, and what they can carry: the weight on them or the gradient along them.

Every use of a node is one arrow into the op that used it (``a * a`` gives two). Between cards
(closed modules, composite calls, folded siblings) arrows are drawn once per pair of cards; one
that stands for several connections is labelled with their number (``256``: every one of 16
neurons to each of 16).

``edge_by='weight'``: an arrow into a product ``w * x`` (``x @ W.T``) with a parameter carries that
parameter's value (a tensor's mean); ``edge_by='grad'``: an arrow carries the gradient flowing back
along it, ``dL/dy * dy/dx`` for ``y = x + c``, ``x - c``, ``x * c`` (the exact chain-rule term,
``y.grad * c`` for a product) and ``dL/dy`` for other ops (the gradient that reaches the op, before
its local derivative). Between cards the terms of the arrows they stand for are added (the
gradient) or averaged (the weight). Colour: ``palette.diverging`` (vermillion < 0 < blue), width
grows with |value|; arrows with no value stay thin and grey; a legend states the scale. Dead
ReLUs (output exactly 0, no gradient passes) are dimmed.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import clusters, fmt, palette, style, walk

KINDS = (None, "weight", "grad")


def _mean(x: Any) -> float:
    return float(np.mean(x)) if x is not None else 0.0


def dead(n: Any) -> bool:
    """A ReLU whose output is 0 (for a tensor: everywhere): no gradient gets through it."""
    return getattr(n, "op_name", "") == "relu" and not np.any(np.asarray(n.data))


def dead_module(lay: Any, path: str) -> bool:
    outs = [lay.nodes[i] for i in lay.groups[path].outputs]
    return bool(outs) and all(dead(n) for n in outs)


def value(lay: Any, j: int, i: int, kind: str) -> float | None:
    """What the arrow from node j into the op making node i carries (see the module docstring)."""
    n = lay.nodes[i]
    op = getattr(n, "op_name", "")
    ps = lay.parents[i]
    others = [lay.nodes[k] for k in ps if k != j] or [lay.nodes[j]]
    if kind == "weight":
        if op not in clusters.PRODUCTS:
            return None
        w = [o for o in (lay.nodes[k] for k in ps) if id(o) in lay.params
             or (o.parents and all(id(p) in lay.params for p in o.parents))]
        if not w or (len(w) == len(ps)):
            return None
        return _mean(w[0].data)
    g = walk.grad_of(n)
    if g is None:
        return None
    if fmt.is_tensor(n):
        return _mean(g)
    if op == "-" and len(ps) == 2 and ps[1] == j and ps[0] != j:
        return -float(g)
    if op == "*" and len(ps) == 2:
        return float(g) * float(others[0].data)
    return float(g)


def draw(lay: Any, g: Any, path: set[int], edge_by: str | None) -> None:
    """Add every arrow to ``g`` (coloured by ``edge_by`` when given, with a legend)."""
    if edge_by not in KINDS:
        raise ValueError(f"edge_by must be None, 'weight' or 'grad', not {edge_by!r}")
    shared = set(lay.boxes()) | set(lay.merged.values())  # ids of cards: arrows drawn once
    dense = style.DENSE_EDGE if lay.closed and len(lay.box) > 8 else {}
    folded = {lay.box[p] for p in lay.fold}
    order: list[tuple[str, str]] = []
    count: dict[tuple[str, str], int] = {}
    carried: dict[tuple[str, str], list[float]] = {}
    hot: set[tuple[str, str]] = set()
    plain: list[tuple[str, str, bool, float | None]] = []
    for i, ps in enumerate(lay.parents):
        if not ps:
            continue
        op = lay.op_id(i)
        pairs = [(lay.drawn(j), op, j in path, j) for j in ps]
        if op != lay.drawn(i):
            pairs.append((op, lay.drawn(i), any(j in path for j in ps), None))
        for a, b, on, j in pairs:
            if a == b:
                continue  # inside a card
            v = None
            if edge_by:
                v = value(lay, j, i, edge_by) if j is not None else _out_value(lay, i, edge_by)
            if a in shared or b in shared:
                key = (a, b)
                if key not in count:
                    order.append(key)
                    count[key] = 0
                count[key] += 1
                if v is not None:
                    carried.setdefault(key, []).append(v)
                if on:
                    hot.add(key)
            else:
                plain.append((a, b, on, v))
    values: dict[Any, float] = {}
    for key, vs in carried.items():
        values[key] = sum(vs) if edge_by == "grad" else sum(vs) / len(vs)
    for k, (_, _, _, v) in enumerate(plain):
        if v is not None:
            values[k] = v
    top = max((abs(v) for v in values.values() if np.isfinite(v)), default=0.0)
    if lay.closed:
        # with ordering=out, each node's arrows fix the order of the cards they reach:
        # emitted in module order, neurons stack as neurons.0, neurons.1, ...
        rank = {b: k for k, b in enumerate(dict.fromkeys(lay.box.values()))}
        order.sort(key=lambda e: rank.get(e[1], -1))
    for key in order:
        a, b = key
        attrs = dict(style.HIGHLIGHT_EDGE if key in hot else
                     dense if (a in shared and b in shared) else {})
        if count[key] > 1 and (a in folded or b in folded):
            attrs.update(label=str(count[key]), tooltip=f"{count[key]} connections",
                         fontsize=style.EDGE_LABEL_SIZE, fontcolor=palette.MUTED)
        if key in values and key not in hot:
            attrs.update(_colour(values[key], top))
        g.edge(a, b, **attrs)
    for k, (a, b, on, _) in enumerate(plain):
        attrs = dict(style.HIGHLIGHT_EDGE) if on else {}
        if k in values and not on:
            attrs.update(_colour(values[k], top))
        g.edge(a, b, **attrs)
    if edge_by:
        legend(g, edge_by, top)


def _out_value(lay: Any, i: int, kind: str) -> float | None:
    """The arrow from an op to its result carries the result's gradient (no weight)."""
    if kind != "grad":
        return None
    gr = walk.grad_of(lay.nodes[i])
    return None if gr is None else _mean(gr)


def _colour(v: float, top: float) -> dict[str, str]:
    t = v / top if top > 0 else 0.0
    c = palette.diverging(t)
    # near 0 the map is white: keep a faint grey line so the arrow stays visible
    if palette.contrast(c) < 1.5:
        c = style.EDGE["color"]
    return {"color": c, "penwidth": f"{0.6 + 3.0 * min(abs(t), 1.0):.2f}",
            "tooltip": f"{fmt.short(v)}"}


def legend(g: Any, kind: str, top: float) -> None:
    """A small key: the colour of -max, 0 and +max, and what the arrows carry."""
    what = "weight on the arrow" if kind == "weight" else "gradient along the arrow"
    with g.subgraph(name="cluster_legend") as key:
        key.attr(label=f"arrow colour and width: {what}", **style.LEGEND)
        stops = [(-top, "key_neg"), (0.0, "key_zero"), (top, "key_pos")]
        for v, name in stops:
            fill = palette.diverging(v / top if top > 0 else 0.0)
            key.node(name, label=fmt.short(v), fillcolor=fill, fontcolor=palette.ink_on(fill),
                     **style.LEGEND_NODE)
        key.attr(rank="same")  # one compact column (left to right) or row (top to bottom)
        key.edge("key_neg", "key_zero", style="invis")  # in that order
        key.edge("key_zero", "key_pos", style="invis")
