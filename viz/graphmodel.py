"""The graph as plain data for the interactive viewer (``viewer.js``): nodes, edges, modules.

``graph_model(root, model=...)`` reads the graph once and returns a JSON-able dict::

    {"version": 1, "title": "loss", "root": 41,
     "nodes":  [{"name": "l0.n1.w1", "full": "layers.0.neurons.1.w.1", "role": "param",
                 "op": "", "sym": "", "rows": ["w1", "data 0.3000", "grad -0.1200"],
                 "group": 3, "tip": ["..."]}, ...],           # forward order: parents first
     "edges":  [[0, 5], [1, 5], ...],                          # parent -> child, one per use
     "groups": [{"path": "layers.0", "name": "l0", "level": 1, "parent": 0,
                 "rows": ["l0", "tanh · 12 params", "out [...]", "grad [...]"], "tip": [...]}],
     "ops":    {"tanh": {"sym": "tanh", "rule": "d/dx tanh(x) = 1 - tanh(x)^2"}},
     "depth":  1}                                               # the level shown collapsed

A node's ``group`` is the innermost module (or named scope, such as a loss) it belongs to; a
group's ``parent`` is the group around it. Level 0 is the whole model, 1 its layers, 2 their
neurons (torchview's ``depth``); a named scope (``cross-entropy``) is a group of level 1. The
viewer shows every group of level ``depth`` as one card and expands or collapses them on click.

Derivative text comes from the op registry (``ops.lookup(name)``): the rule is the op's first
docstring line, the per-input derivatives ``Op.derivative`` with the node's own names.
"""

from __future__ import annotations

from typing import Any

from chainrule.autograd import ops, scope

from . import clusters, fmt, names, walk
from .layout import natural
from .style import op_symbol

LEVELS = {"layer": 1, "neuron": 2}


def graph_model(root: Any, *, model: Any = None, collapse: str | None = None,
                depth: int | str | None = "auto", show_data: bool = True,
                show_grad: bool | None = None, rankdir: str = "LR") -> dict:
    """The viewer's data for the graph below ``root`` (see the module docstring).

    ``collapse`` ('layer' / 'neuron', as ``draw_graph``) sets ``depth`` (1 / 2); ``depth='auto'``
    lets the viewer pick the finest level that stays readable; ``None`` expands everything.
    """
    if collapse not in (None, "neuron", "layer"):
        raise ValueError(f"collapse must be None, 'neuron' or 'layer', not {collapse!r}")
    if collapse is not None:
        if model is None:
            raise ValueError(f"collapse={collapse!r} groups by module: pass the model too "
                             "(model=...)")
        depth = LEVELS[collapse]
    if not (depth is None or depth == "auto" or (isinstance(depth, int) and depth >= 0)):
        raise ValueError(f"depth must be 'auto', None or an int >= 0, not {depth!r}")
    if rankdir not in ("LR", "TB"):
        raise ValueError(f"rankdir must be 'LR' or 'TB', not {rankdir!r}")
    nodes = walk.forward_order(root)
    params = walk.named_parameters(model) if model is not None else {}
    if params and not any(id(n) in params for n in nodes):
        raise ValueError(f"none of the model's {len(params)} parameters appear in this graph: "
                         "pass the model that made it, or model=None")
    has = walk.has_grads(nodes) if show_grad is None else bool(show_grad)
    index = {id(n): i for i, n in enumerate(nodes)}
    groups, owner, closing = _groups(nodes, params, model, index, has)
    base = walk.names(nodes)
    shown = names.readable(nodes, base, {i: groups[g]["path"] for i, g in owner.items()
                                        if groups[g]["kind"] == "module"}, params, closing)
    out_nodes = [_node(n, i, shown, base, params, root, model, show_data, show_grad, has,
                       index) for i, n in enumerate(nodes)]
    for i, g in owner.items():
        out_nodes[i]["group"] = g
    edges = [[index[id(p)], i] for i, n in enumerate(nodes) for p in n.parents]
    used = {n.op_name: n for n in nodes if n.parents and getattr(n, "op", None) is not None}
    return {
        "version": 1,
        "title": shown[-1],
        "root": len(nodes) - 1,
        "rankdir": rankdir,
        "nodes": out_nodes,
        "edges": edges,
        "groups": groups,
        "ops": {name: _op_info(name, used[name]) for name in sorted(used)},
        "depth": depth,
    }


def _op_info(name: str, node: Any) -> dict:
    """The op's symbol and rule (its docstring's first line), from the registry, else from the
    node's own op (an op with parameters, such as ``**2``, is registered by its family name)."""
    op = ops.lookup(name) or type(node.op)
    doc = (op.__doc__ or "").strip().splitlines()
    return {"sym": op_symbol(name), "rule": doc[0] if doc else name}


def _node(n, i, shown, base, params, root, model, show_data, show_grad, has, index) -> dict:
    role = walk.role(n, root, params, model is not None)
    tensor = fmt.is_tensor(n)
    rows = [shown[i]]
    if tensor:
        rows.append(fmt.shape_dtype(n))
    if show_data and role != "const":
        rows.append("data " + (fmt.array(n.data) if tensor else fmt.num(n.data)))
    elif role == "const":
        rows = [fmt.array(n.data) if tensor else fmt.num(n.data)] if shown[i] == base[i] \
            else [shown[i], "= " + fmt.num(n.data)]
    if show_grad is not False and n.requires_grad and role != "const":
        g = walk.grad_of(n) if has else None
        rows.append("grad " + ("-" if g is None else fmt.array(g) if tensor else fmt.num(g)))
    full = params.get(id(n)) or str(getattr(n, "label", "") or "") or shown[i]
    tip = [full if full == shown[i] else f"{shown[i]}  ({full})"]
    tip.append(("data " + fmt.array(n.data)) if tensor else f"data = {fmt.full(n.data)}")
    if n.requires_grad and has:
        g = walk.grad_of(n)
        if g is not None:
            tip.append(("grad " + fmt.array(g)) if tensor else f"grad = {fmt.full(g)}")
    entry: dict[str, Any] = {"name": shown[i], "role": role, "rows": rows, "tip": tip,
                             "group": None}
    op = getattr(n, "op", None)
    if n.parents and op is not None:
        entry["op"] = n.op_name
        args = [shown[index[id(p)]] for p in n.parents]
        entry["eq"] = op.equation(shown[i], args)
        entry["d"] = [f"d{shown[i]}/d{a} = {op.derivative(k, shown[i], args, shown[i] + '.grad')}"
                      for k, a in enumerate(args)]
    return entry


def _groups(nodes, params, model, index, has) -> tuple[list[dict], dict[int, int], set[int]]:
    """The module and scope groups, each node's innermost group, and the modules' closing nodes."""
    groups: list[dict] = []
    owner: dict[int, int] = {}
    closing: set[int] = set()
    if params:
        paths = {clusters.module_path(p) for p in params.values()}
        declared = clusters.declared_activations(model, paths)
        fine = clusters.assign(nodes, params, "neuron", declared)
        coarse = clusters.assign(nodes, params, "layer", declared)
        top = {"path": "", "name": type(model).__name__, "level": 0, "parent": None,
               "kind": "module"}
        members = sorted({i for cl in fine.values() for i in cl.members})
        whole = clusters.Cluster("", members, [i for i in members if id(nodes[i]) in params],
                                 [], [])
        whole.outputs = _outputs(nodes, members, index)
        top.update(_card(whole, nodes, has, top["name"]))
        groups.append(top)
        layer_ids: dict[str, int] = {}
        for path in sorted(coarse, key=natural):
            cl = coarse[path]
            layer_ids[path] = len(groups)
            groups.append({"path": path, "name": names.short_path(path), "level": 1,
                           "parent": 0, "kind": "module",
                           **_card(cl, nodes, has, path)})
            for i in cl.members:
                owner[i] = layer_ids[path]
        for path in sorted(fine, key=natural):
            cl = fine[path]
            closing.update(i for i in cl.members if nodes[i].op_name in clusters.ACTIVATIONS
                           and i in cl.outputs)
            layer = clusters.layer_path(path)
            if path == layer:
                continue  # a layer without neurons (a tensor layer): already a group
            gid = len(groups)
            groups.append({"path": path, "name": names.short_path(path), "level": 2,
                           "parent": layer_ids.get(layer, 0), "kind": "module",
                           **_card(cl, nodes, has, path)})
            for i in cl.members:
                owner[i] = gid
    for i in range(len(nodes) - 1, -1, -1):  # scopes: the outermost call first
        s = scope.scope_of(nodes[i])
        if s is None or i in owner:
            continue
        region = [index[id(m)] for m in scope.region(nodes[i]) if index.get(id(m)) is not None]
        region = [j for j in region if j not in owner]
        gid = len(groups)
        cl = clusters.Cluster(s.name, sorted(region), [], [i], [])
        groups.append({"path": s.name, "name": s.name, "level": 1, "parent": None,
                       "kind": "scope", **_card(cl, nodes, has, s.name, scoped=True)})
        for j in region:
            owner[j] = gid
    return groups, owner, closing


def _outputs(nodes, members, index) -> list[int]:
    inside = set(members)
    outs = {len(nodes) - 1} & inside
    for i, n in enumerate(nodes):
        if i not in inside:
            outs.update(index[id(p)] for p in n.parents if index[id(p)] in inside)
    return sorted(j for j in outs if nodes[j].parents)


def _card(cl, nodes, has, title, scoped=False) -> dict:
    data, grad = clusters.output_text(cl, nodes, has)
    n = cl.num_params(nodes)
    what = "function" if scoped else f"{cl.activation()} \u00b7 {n} param{'s' * (n != 1)}"
    if not scoped and not cl.path:
        what = f"{n} param{'s' * (n != 1)}"
    rows = [title, what, "out " + data]
    if grad is not None:
        rows.append("grad " + grad)
    tip = [f"{cl.path or title}: {len(cl.members)} nodes, {n} parameters", "output " + data]
    return {"rows": rows, "tip": tip, "size": len(cl.members), "outputs": list(cl.outputs)}

