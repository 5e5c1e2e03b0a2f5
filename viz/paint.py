"""Painting a ``Layout`` into a Digraph: nodes with their styles, module frames, edges."""

from __future__ import annotations

from typing import Any

from . import cards, clusters, edges, style
from .layout import natural


def paint(lay: Any, g: Any, show_data, grad_row, grads, color_by, highlight,
          edge_by: str | None = None) -> None:
    hl, path = lay.highlight(highlight)
    shade = lay.shades() if color_by == "grad" else {}
    boxes = lay.boxes()
    frames: dict[str, list[tuple[str, dict]]] = {}  # module path -> nodes in its frame
    done: set[str] = set()
    for i, did in enumerate(lay.ids):
        in_card = lay.in_card(i)
        if did in done and in_card:
            continue  # a node inside a card already painted
        n = lay.nodes[i]
        owner = lay.owner.get(i)
        if did not in done:
            done.add(did)
            kind, what = boxes.get(did, ("node", None))
            if kind == "module":
                attrs = cards.module_card(lay, what, grads, grad_row)
                on = [k for p in lay.folded(what) for k in lay.groups[p].members
                      if k in path] if path else []
            elif kind == "scope":
                attrs = cards.scope_card(lay, what, grads, grad_row)
                on = [k for k in what.members if k in path] if path else []
            else:
                attrs = cards.card(lay, i, show_data, grad_row, grads)
                on = [i] if i in path else []
            t = shade.get(owner if lay.closed and owner else i)
            if t is not None:
                attrs.update(fillcolor=style.heat(t), fontcolor=style.heat_font(t))
            if on:
                strong = any(k in hl for k in on)
                attrs.update(style.HIGHLIGHT_NODE if strong else
                             {"color": style.HIGHLIGHT_COLOR, "penwidth": "2"})
            if edge_by and kind == "node" and edges.dead(n):
                attrs.update(style.DEAD)
            if kind == "module" and edge_by and edges.dead_module(lay, what):
                attrs.update(style.DEAD)
            frames.setdefault("" if kind == "scope" else lay.frame.get(i, ""), []).append(
                (did, attrs))
        if lay.parents[i] and not in_card:
            attrs = dict(style.ROLES[style.op_role(n.op_name)], label=style.op_symbol(n.op_name),
                         tooltip=cards.op_tooltip(lay, i), **{"class": "cr-op"})
            if any(j in path for j in lay.parents[i]):
                attrs.update(color=style.HIGHLIGHT_COLOR, penwidth="2")
            frames.setdefault(owner or "", []).append((f"o{i}", attrs))
    _place(lay, g, frames)
    edges.draw(lay, g, path, edge_by)
    if lay.groups and not lay.closed:
        _order_edges(lay, g)


def _fill(lay: Any, sub: Any, nodes: list[tuple[str, dict]]) -> None:
    """Add a frame's nodes; its products (w * x) share one column, so that data from the
    previous layer enters the frame on its near side instead of winding into its middle."""
    for did, attrs in nodes:
        sub.node(did, **attrs)
    products = [did for did, _ in nodes if did.startswith("o")
                and lay.nodes[int(did[1:])].op_name in clusters.PRODUCTS]
    if len(products) > 1:
        with sub.subgraph() as column:
            column.attr(rank="same")
            for did in products:
                column.node(did)


def _place(lay: Any, g: Any, frames) -> None:
    """Frames: a layer frame holding its neurons' frames (or, collapsed, its neuron cards)."""
    for did, attrs in frames.pop("", []):
        g.node(did, **attrs)
    layers: dict[str, list[str]] = {}
    for p in sorted(frames, key=natural):
        layers.setdefault(clusters.layer_path(p), []).append(p)
    for k, (layer, paths) in enumerate(layers.items()):
        nested = any(p != layer for p in paths)
        if lay.closed:
            # no frames: Graphviz reorders nodes inside frames, and collapsed neurons should
            # stack in index order (the card titles carry the full module path)
            for p in paths:
                for did, attrs in frames[p]:
                    g.node(did, **attrs)
            continue
        with g.subgraph(name=f"cluster_{k}") as outer:
            outer.attr(label=layer, **(style.LAYER_CLUSTER if nested else style.CLUSTER))
            for m, p in enumerate(paths):
                if p == layer:
                    _fill(lay, outer, frames[p])
                    continue
                with outer.subgraph(name=f"cluster_{k}_{m}") as inner:
                    inner.attr(label=p, **style.CLUSTER)
                    _fill(lay, inner, frames[p])


def _order_edges(lay: Any, g: Any) -> None:
    """Invisible edges that keep each module's frame to the right of the modules feeding it,
    so layers line up left to right instead of sliding into a diagonal."""
    depth = [0] * len(lay.nodes)
    for i, ps in enumerate(lay.parents):
        depth[i] = 1 + max((depth[j] for j in ps), default=-1)
    for path in lay.groups:
        inside = [i for i, f in lay.frame.items() if f == path]
        feeds = [j for i in inside for j in lay.parents[i]
                 if lay.frame.get(j) != path and lay.parents[j]]
        if not feeds:
            continue
        src = max(feeds, key=lambda j: (depth[j], j))
        for i in inside:
            if not lay.parents[i]:
                g.edge(lay.drawn(src), lay.drawn(i), style="invis")
