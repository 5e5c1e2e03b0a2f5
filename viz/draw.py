"""``draw_graph``: a computation graph as a ``graphviz.Digraph`` (styled by ``viz.style``).

Each value is a card ``label | data | grad``; each op is a small node between its operands and
its result (``x`` and ``w`` -> ``x`` -> ``x*w``). A reused operand gets one edge per use, so
``a * a`` shows two. Node ids are ``v0, v1, ...`` (values) and ``o<i>`` (the op that made value
``i``), counted in forward order, so the same graph gives the same source, byte for byte.
"""

from __future__ import annotations

import math
from typing import Any

from . import clusters as C
from . import fmt, style, walk
from .drawing import Drawing


def draw_graph(
    root: Any,
    *,
    model: Any = None,
    rankdir: str = "LR",
    show_data: bool = True,
    show_grad: bool | None = None,
    collapse: str | None = None,
    color_by: str | None = None,
    highlight: Any = None,
    max_nodes: int = 2000,
    _grads: dict[int, Any] | None = None,
) -> Drawing:
    """Draw the graph that computed ``root``; returns a ``graphviz.Digraph`` (render it or restyle).

    Colours and shapes (the table is ``viz.style``): blue card = input leaf, orange = parameter,
    dashed grey box = constant, white = intermediate value, violet with a thick border = the root
    (output or loss); grey circles and pills are ops. Dashed frames are modules, teal cards are
    collapsed modules, crimson marks ``highlight``.

    Args:
        model: an ``nn.Module`` (anything with ``named_parameters()``); its parameters and the ops
            they feed are framed in clusters named by module path (``layers.0.neurons.3``).
        rankdir: ``'LR'`` (left to right, the default) or ``'TB'`` (top to bottom).
        show_data: write each value's data.
        show_grad: ``None`` (default) writes grads when the graph has been backpropagated and
            ``-`` before (a Value's grad is 0.0 until then, which would read as a real zero); the
            graph counts as backpropagated when any node has a nonzero Value grad or any Tensor
            grad (``backward()`` sets the root's grad to 1). ``True`` always writes the numbers,
            ``False`` leaves the grad row out.
        collapse: ``'neuron'`` or ``'layer'`` (needs ``model``): each module becomes one card
            with its activation, parameter count, output value and grad.
        color_by: ``'grad'`` fills each card by its |grad| (white = 0, deep red = largest; the
            mean |grad| for a tensor; square-root scale) while borders keep the role colours.
        highlight: nodes to outline; the paths from them to the root are drawn in crimson.
        max_nodes: refuse (ValueError) to draw more nodes than this (ops count as nodes).

    (``_grads``, for the stepper: node index in forward order -> the gradient to write,
    instead of reading ``.grad``.)
    """
    if rankdir not in ("LR", "TB", "RL", "BT"):
        raise ValueError(f"rankdir must be 'LR', 'TB', 'RL' or 'BT', not {rankdir!r}")
    if collapse not in (None, "neuron", "layer"):
        raise ValueError(f"collapse must be None, 'neuron' or 'layer', not {collapse!r}")
    if collapse is not None and model is None:
        raise ValueError(f"collapse={collapse!r} groups by module: pass the model too (model=...)")
    if color_by not in (None, "grad"):
        raise ValueError(f"color_by must be None or 'grad', not {color_by!r}")
    nodes = walk.forward_order(root)
    params = walk.named_parameters(model) if model is not None else {}
    grads = walk.has_grads(nodes) if show_grad is None else bool(show_grad)
    grads = grads or _grads is not None
    if color_by == "grad" and not grads:
        raise ValueError("color_by='grad' needs gradients: call backward() on the root first")
    groups = C.assign(nodes, params, collapse or "neuron") if params else {}
    sketch = _Sketch(nodes, root, params, groups, collapse, rankdir in ("LR", "RL"))
    sketch.override = _grads
    count = sketch.count()
    if count > max_nodes:
        raise ValueError(
            f"this graph has {count} nodes to draw (values and ops), more than max_nodes="
            f"{max_nodes}: a picture that large is unreadable and slow to lay out. Pass "
            "collapse='neuron' or collapse='layer' with model=..., draw a smaller piece (one "
            "sample, one neuron), or raise max_nodes"
        )
    g = Drawing(name="chainrule", graph_attr=dict(style.GRAPH, rankdir=rankdir),
                node_attr=style.NODE, edge_attr=style.EDGE)
    if collapse:
        g.graph_attr["ordering"] = "out"  # cards in module order (see _Sketch._edges)
        g.graph_attr["ranksep"] = style.DENSE_RANKSEP if len(sketch.box) > 8 else "0.5"
    sketch.paint(g, show_data, show_grad is not False, grads, color_by, highlight)
    return g


class _Sketch:
    """Where each node goes (its drawn id and frame) and what it says."""

    def __init__(self, nodes, root, params, groups, collapse, horizontal) -> None:
        self.nodes, self.root, self.params, self.collapse = nodes, root, params, collapse
        self.horizontal = horizontal
        self.index = {id(n): i for i, n in enumerate(nodes)}
        self.parents = [[self.index[id(p)] for p in n.parents] for n in nodes]
        self.names = walk.names(nodes)
        self.roles = [walk.role(n, root, params, bool(params)) for n in nodes]
        self.groups = groups
        self.owner: dict[int, str] = {i: p for p, cl in groups.items() for i in cl.members}
        paths = sorted(groups, key=_natural)
        self.box = {p: f"m{k}" for k, p in enumerate(paths)} if collapse else {}
        self.merged: dict[int, str] = self._merge_constants() if collapse else {}
        self.frame = self._frames()
        self.override: dict[int, Any] | None = None

    def drawn(self, i: int) -> str:
        """The id that node i is drawn as (its module's card when collapsed)."""
        if i in self.merged:
            return self.merged[i]
        if self.collapse and i in self.owner:
            return self.box[self.owner[i]]
        return f"v{i}"

    def op_id(self, i: int) -> str:
        return self.drawn(i) if self.collapse and i in self.owner else f"o{i}"

    def _merge_constants(self) -> dict[int, str]:
        """Collapsed pictures show each input number once, however many neurons it feeds."""
        children = self._children()
        merged: dict[int, str] = {}
        by_value: dict[float, str] = {}
        for i, n in enumerate(self.nodes):
            kids = children.get(i, [])
            if self.roles[i] == "const" and not fmt.is_tensor(n) and kids and all(
                k in self.owner for k in kids
            ):
                merged[i] = by_value.setdefault(float(n.data), f"v{i}")
        return merged

    def _children(self) -> dict[int, list[int]]:
        kids: dict[int, list[int]] = {}
        for i, ps in enumerate(self.parents):
            for j in ps:
                kids.setdefault(j, []).append(i)
        return kids

    def _frames(self) -> dict[int, str]:
        """The module frame each node is drawn in: its module's, and for a constant that feeds
        one module only (an input number lifted inside a neuron), that module's too."""
        frame = dict(self.owner)
        if self.collapse:
            return frame
        kids = self._children()
        for i, role in enumerate(self.roles):
            homes = {self.owner.get(k) for k in kids.get(i, [])}
            if role == "const" and len(homes) == 1 and None not in homes:
                frame[i] = homes.pop()
        return frame

    def _order_edges(self, g) -> None:
        """Invisible edges that keep each module's frame to the right of the modules feeding it,
        so layers line up left to right instead of sliding into a diagonal."""
        depth = [0] * len(self.nodes)
        for i, ps in enumerate(self.parents):
            depth[i] = 1 + max((depth[j] for j in ps), default=-1)
        for path in self.groups:
            inside = [i for i, f in self.frame.items() if f == path]
            feeds = [j for i in inside for j in self.parents[i]
                     if self.frame.get(j) != path and self.parents[j]]
            if not feeds:
                continue
            src = max(feeds, key=lambda j: (depth[j], j))
            for i in inside:
                if not self.parents[i]:
                    g.edge(self.drawn(src), self.drawn(i), style="invis")

    def count(self) -> int:
        ids = {self.drawn(i) for i in range(len(self.nodes))}
        ids.update(self.op_id(i) for i, ps in enumerate(self.parents) if ps)
        return len(ids)

    # --- painting ---------------------------------------------------------------------------

    def paint(self, g, show_data, grad_row, grads, color_by, highlight) -> None:
        hl, path = self._highlight(highlight)
        shade = self._shades() if color_by == "grad" else {}
        frames: dict[str, list[tuple[str, dict]]] = {}  # module path -> nodes in its frame
        done: set[str] = set()
        for i, n in enumerate(self.nodes):
            did = self.drawn(i)
            owner = self.owner.get(i)
            if did not in done:
                done.add(did)
                if did in self.box.values():
                    attrs = self._module_card(self.groups[owner], grads, grad_row)
                    on = [k for k in self.groups[owner].members if k in path]
                else:
                    attrs = self._card(i, show_data, grad_row, grads)
                    on = [i] if i in path else []
                t = shade.get(owner if self.collapse and owner else i)
                if t is not None:
                    attrs.update(fillcolor=style.heat(t), fontcolor=style.heat_font(t))
                if on:
                    strong = any(k in hl for k in on)
                    attrs.update(style.HIGHLIGHT_NODE if strong else
                                 {"color": style.HIGHLIGHT_COLOR, "penwidth": "2"})
                frames.setdefault(self.frame.get(i, ""), []).append((did, attrs))
            if self.parents[i] and not (self.collapse and owner):
                attrs = dict(style.ROLES[style.op_role(n.op_name)], label=style.op_symbol(n.op_name),
                             tooltip=_op_tooltip(n), **{"class": "cr-op"})
                if any(j in path for j in self.parents[i]):
                    attrs.update(color=style.HIGHLIGHT_COLOR, penwidth="2")
                frames.setdefault(owner or "", []).append((f"o{i}", attrs))
        self._place(g, frames)
        self._edges(g, path)
        if self.groups and not self.collapse:
            self._order_edges(g)

    def _fill(self, sub, nodes: list[tuple[str, dict]]) -> None:
        """Add a frame's nodes; its products (w * x) share one column, so that data from the
        previous layer enters the frame on its near side instead of winding into its middle."""
        for did, attrs in nodes:
            sub.node(did, **attrs)
        products = [did for did, _ in nodes if did.startswith("o")
                    and self.nodes[int(did[1:])].op_name in C.PRODUCTS]
        if len(products) > 1:
            with sub.subgraph() as column:
                column.attr(rank="same")
                for did in products:
                    column.node(did)

    def _place(self, g, frames) -> None:
        """Frames: a layer frame holding its neurons' frames (or, collapsed, its neuron cards)."""
        for did, attrs in frames.pop("", []):
            g.node(did, **attrs)
        layers: dict[str, list[str]] = {}
        for p in sorted(frames, key=_natural):
            layers.setdefault(C.layer_path(p), []).append(p)
        for k, (layer, paths) in enumerate(layers.items()):
            nested = any(p != layer for p in paths)
            if self.collapse:
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
                        self._fill(outer, frames[p])
                        continue
                    with outer.subgraph(name=f"cluster_{k}_{m}") as inner:
                        inner.attr(label=p, **style.CLUSTER)
                        self._fill(inner, frames[p])

    def _edges(self, g, path) -> None:
        seen: set[tuple[str, str]] = set()
        shared = set(self.box.values()) | set(self.merged.values())  # edges drawn once
        dense = style.DENSE_EDGE if self.collapse and len(self.box) > 8 else {}
        edges = []
        for i, ps in enumerate(self.parents):
            if not ps:
                continue
            op = self.op_id(i)
            pairs = [(self.drawn(j), op, j in path) for j in ps]
            if op != self.drawn(i):
                pairs.append((op, self.drawn(i), any(j in path for j in ps)))
            for a, b, on in pairs:
                if a == b:
                    continue  # inside a collapsed module
                if self.collapse and (a in shared or b in shared):
                    if (a, b) in seen:
                        continue
                    seen.add((a, b))
                between = a in shared and b in shared
                edges.append((a, b, style.HIGHLIGHT_EDGE if on else dense if between else {}))
        if self.collapse:
            # with ordering=out, each node's edges fix the order of the cards they reach:
            # emitted in module order, neurons stack as neurons.0, neurons.1, ...
            rank = {b: k for k, b in enumerate(self.box.values())}
            edges.sort(key=lambda e: rank.get(e[1], -1))
        for a, b, attrs in edges:
            g.edge(a, b, **attrs)

    def _highlight(self, highlight) -> tuple[set[int], set[int]]:
        if highlight is None:
            return set(), set()
        items = [highlight] if hasattr(highlight, "parents") else list(highlight)
        hl = set()
        for h in items:
            if id(h) not in self.index:
                raise ValueError(f"highlight: {h!r:.80} is not a node of this graph")
            hl.add(self.index[id(h)])
        path = set()
        for i, ps in enumerate(self.parents):  # forward order: parents are decided first
            if i in hl or any(j in path for j in ps):
                path.add(i)
        return hl, path

    def _shades(self) -> dict[Any, float]:
        mags: dict[Any, float] = {}
        for i, n in enumerate(self.nodes):
            if n.requires_grad:
                mags[i] = fmt.magnitude(walk.grad_of(n))
        for p, cl in self.groups.items():
            outs = [mags.get(i, 0.0) for i in cl.outputs]
            mags[p] = max(outs) if outs else 0.0
        top = max((m for m in mags.values() if math.isfinite(m)), default=0.0)
        return {k: (math.sqrt(m / top) if top > 0 else 0.0) for k, m in mags.items()}

    # --- labels -----------------------------------------------------------------------------

    def _fields(self, fields: list[str]) -> str:
        rest = max((len(f) for f in fields[1:]), default=0)
        if len(fields[0]) >= rest - 2:  # the title is set in bold later: give it room
            fields = ["\u00a0\u00a0" + fields[0] + "\u00a0\u00a0", *fields[1:]]
        body = " | ".join(_esc(f) for f in fields)
        return body if self.horizontal else "{" + body + "}"

    def _card(self, i, show_data, grad_row, grads) -> dict:
        n, role = self.nodes[i], self.roles[i]
        attrs = dict(style.ROLES[role], **{"class": f"cr-{role}"})
        tensor = fmt.is_tensor(n)
        if role == "const":
            attrs.update(label=_esc(fmt.array(n.data) if tensor else fmt.num(n.data)),
                         tooltip=_tip(n, "constant"))
            return attrs
        name = self.names[i]
        owner = self.owner.get(i)
        if owner and id(n) in self.params and name.startswith(owner + "."):
            name = name[len(owner) + 1:]  # inside its module's frame: w.1 rather than the path
        fields = [name]
        if tensor:
            fields.append(fmt.shape_dtype(n))
        if show_data:
            fields.append("data " + (fmt.array(n.data) if tensor else fmt.num(n.data)))
        if grad_row and n.requires_grad:
            if self.override is not None:
                g = self.override.get(i)
            else:
                g = walk.grad_of(n) if grads else None
            text = "-" if g is None else (fmt.array(g) if tensor else fmt.num(g))
            fields.append("grad " + text)
        attrs.update(label=self._fields(fields),
                     tooltip=_tip(n, self.names[i], self.override is None))
        if not getattr(n, "label", ""):
            attrs["class"] += " cr-auto"  # a made-up name: drawn in grey italics
        return attrs

    def _module_card(self, cl: C.Cluster, grads: bool, grad_row: bool) -> dict:
        data, grad = C.output_text(cl, self.nodes, grads)
        n = cl.num_params(self.nodes)
        fields = [cl.path or "(model)",
                  f"{cl.activation()} \u00b7 {n} param{'s' * (n != 1)}",
                  "out " + data]
        if grad_row and grad is not None:
            fields.append("grad " + grad)
        tip = f"{cl.path}: {len(cl.members)} nodes, {n} parameters, output {data}"
        return dict(style.ROLES["module"], label=self._fields(fields), tooltip=tip,
                    **{"class": "cr-module"})


def _natural(path: str) -> list:
    """Sort key: ``layers.2`` before ``layers.10``."""
    return [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in path.split(".")]


def _esc(text: str) -> str:
    """Escape the characters that Graphviz records treat as structure."""
    out = text.replace("\\", "\\\\")
    for ch in "{}|<>\"":
        out = out.replace(ch, "\\" + ch)
    return out


def _tip(n: Any, name: str, with_grad: bool = True) -> str:
    if fmt.is_tensor(n):
        text = f"{name}: {fmt.shape_dtype(n)}"
    else:
        text = f"{name} = {fmt.full(n.data)}"
        g = walk.grad_of(n)
        if with_grad and n.requires_grad and g is not None:
            text += f"; grad = {fmt.full(g)}"
    return text.replace("\\", "\\\\").replace('"', "'")


def _op_tooltip(n: Any) -> str:
    doc = (type(n.op).__doc__ or n.op_name or "").strip().splitlines()
    return (doc[0] if doc else n.op_name).replace("\\", "\\\\").replace('"', "'")
