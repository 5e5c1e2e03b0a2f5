"""The graph as plain data for the interactive viewer (``viewer.js``): nodes, edges, modules.

``graph_model(root, model=...)`` reads the graph once and returns a JSON-able dict::

    {"version": 1, "title": "loss", "root": 41,                # title: names.title (a role
     "root_name": "loss", "root_tip": "loss = ...",            # for an unlabelled module
                                                               # output), the name on hover
     "nodes":  [{"name": "l0.n1.w1", "full": "layers.0.neurons.1.w.1", "role": "param",
                 "op": "", "sym": "", "rows": ["w1", "data 0.3000", "grad -0.1200"],
                 "group": 3, "tip": ["..."]}, ...],           # forward order: parents first
     "edges":  [[0, 5], [1, 5], ...],                          # parent -> child, one per use
     "groups": [{"path": "layers.0", "name": "l0", "level": 1, "parent": 0,
                 "rows": ["l0", "linear → tanh · 12 params", "out [...]", "grad [...]"],
                 "tip": [...]}],
     "ops":    {"tanh": {"sym": "tanh", "rule": "d/dx tanh(x) = 1 - tanh(x)^2"}},
     "depth":  1}               # the level shown collapsed ('auto': draw.auto_level, unfolded)

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

from . import choice, clusters, fmt, levels, names, scopes, walk
from .draw import auto_level, labelled_params
from .layout import natural
from .style import op_symbol


def graph_model(root: Any, *, model: Any = None, collapse: str | None = "auto",
                depth: int | str | None = "auto", show_data: bool = True,
                show_grad: bool | None = None, rankdir: str = "LR") -> dict:
    """The viewer's data for the graph below ``root`` (see the module docstring).

    ``collapse`` and ``depth`` mean what they mean for ``draw_graph`` (``viz.levels``): 'auto'
    lets the viewer pick the finest level that stays readable, ``None`` shows every node,
    ``depth=k`` closes each module ``k`` steps deep into a card ('layer' is 1, 'model' 0).
    """
    if rankdir not in ("LR", "TB"):
        raise ValueError(f"rankdir must be 'LR' or 'TB', not {rankdir!r}")
    nodes = walk.forward_order(root)
    if model is not None:
        params = walk.named_parameters(model)
        if params and not any(id(n) in params for n in nodes):
            raise ValueError(f"none of the model's {len(params)} parameters appear in this "
                             "graph: pass the model that made it, or model=None")
    else:
        params = labelled_params(nodes)
    paths = {clusters.module_path(p) for p in params.values()}
    top = levels.deepest(paths)
    asked = levels.resolve(collapse, depth, paths)
    if asked is not None and not asked.every_node and not params:
        raise ValueError(f"collapse={collapse!r} / depth={depth!r} groups by module: pass the "
                         "model too (model=...)")
    built = choice.Levels(nodes, root, params, model=model, regions=scopes.regions(nodes),
                          horizontal=rankdir == "LR", fold=False)
    if asked is None:  # 'auto': draw_graph's rule, on the viewer's unfolded cards
        asked = auto_level(built, show_data, show_grad) if params else levels.Level(
            None, "every node")
    has = walk.has_grads(nodes) if show_grad is None else bool(show_grad)
    roles = params if model is not None else {**params, **walk.own_biases(nodes)}
    read = built.reading  # indices, parents, inputs and names' parts, shared with the choice
    index, parents, base = read.index, read.parents, read.base
    groups, owner, closing = _groups(built, top, has)
    modules = {i: groups[g]["path"] for i, g in owner.items() if groups[g]["kind"] == "module"}
    given = read.inputs  # the numbers the model was given: x1, x2
    shown = read.namer.names(modules, closing)
    out_nodes = [_node(n, i, shown, base, roles, root, model, show_data, show_grad, has,
                       index, i in given) for i, n in enumerate(nodes)]
    for i, g in owner.items():
        out_nodes[i]["group"] = g
    edges = [[j, i] for i, ps in enumerate(parents) for j in ps]
    used = {n.op_name: n for n in nodes if n.parents and getattr(n, "op", None) is not None}
    last = len(nodes) - 1
    return {
        "version": 1,
        "title": names.title(root, shown[last], modules.get(last, "")),
        "root_name": shown[last],
        "root_tip": out_nodes[last].get("eq", shown[last]),
        "root": len(nodes) - 1,
        "rankdir": rankdir,
        "nodes": out_nodes,
        "edges": edges,
        "groups": groups,
        "ops": {name: _op_info(name, used[name]) for name in sorted(used)},
        "depth": asked.depth,
    }


def node_modules(m: dict) -> list[str]:
    """The path of each node's innermost module or scope (``''`` outside any), from a model
    made by ``graph_model``: what the stepper's backward order keeps together."""
    groups = m["groups"]
    return [groups[nd["group"]]["path"] if nd["group"] is not None else "" for nd in m["nodes"]]


def _op_info(name: str, node: Any) -> dict:
    """The op's symbol and rule (its docstring's first line), from the registry, else from the
    node's own op (an op with parameters, such as ``**2``, is registered by its family name)."""
    op = ops.lookup(name) or type(node.op)
    doc = (op.__doc__ or "").strip().splitlines()
    return {"sym": op_symbol(name), "rule": doc[0] if doc else name}


def _node(n, i, shown, base, params, root, model, show_data, show_grad, has, index,
          given) -> dict:
    role = walk.role(n, root, params, model is not None)
    if given and role == "const":  # a number the model was given is its input, not a constant
        role = "input"
    tensor = fmt.is_tensor(n)
    rows = [shown[i]]
    if tensor:
        rows.append(fmt.shape_dtype(n))
    if show_data and role != "const":
        rows.append("data " + (fmt.array(n.data) if tensor else fmt.num(n.data)))
    elif role == "const":
        rows = [fmt.array(n.data) if tensor else fmt.num(n.data)] if shown[i] == base[i] \
            else [shown[i], "= " + (fmt.array(n.data) if tensor else fmt.num(n.data))]
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


def _groups(built: choice.Levels, top: int, has: bool
            ) -> tuple[list[dict], dict[int, int], set]:
    """The module and scope groups, each node's innermost group, and the modules' closing nodes.

    A module ``k`` steps deep (``viz.levels``: ``layers.0`` is one step, ``layers.0.neurons.3``
    two) is a group of level ``k`` inside the group of its first ``k - 1`` steps; the whole
    model is level 0. Composite functions (``viz.scopes``: a loss) are groups of level 1.
    """
    nodes, model = built.nodes, built.model
    groups: list[dict] = []
    owner: dict[int, int] = {}
    closing: set[int] = set()
    if built.params:
        title = type(model).__name__ if model is not None else "model"
        ids: dict[str, int] = {}
        for d in range(0, top + 1):
            found = built.clusters(d)
            for path in sorted(found, key=natural):
                cl = found[path]
                parent = ids.get(levels.cut(path, d - 1)) if d else None
                if d and len(levels.steps(path)) < d:
                    continue  # a shallower module, already a group at its own depth
                ids[path] = len(groups)
                name = title if d == 0 else path
                groups.append({"path": path, "name": names.short_path(path) or title,
                               "level": d, "parent": parent, "kind": "module",
                               **_card(cl, nodes, has, name)})
                for i in cl.members:
                    owner[i] = ids[path]
                if d == top:
                    closing.update(i for i in cl.members if i in cl.outputs
                                   and nodes[i].op_name in clusters.ACTIVATIONS)
    found_regions: dict[int, list[int]] = {}
    for r in built.regions.values():
        found_regions.setdefault(r.output, r.members)
    for out, members in sorted(found_regions.items()):
        gid = len(groups)
        name = scope.scope_of(nodes[out]).name
        cl = clusters.Cluster(name, [m for m in members if m not in owner], [], [out], [])
        groups.append({"path": name, "name": name, "level": 1, "parent": None, "kind": "scope",
                       **_card(cl, nodes, has, name, scoped=True)})
        for m in cl.members:
            owner[m] = gid
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
    what = "function" if scoped else cl.describe(nodes)
    if not scoped and not cl.path:
        what = f"{n} param{'s' * (n != 1)}"
    rows = [title, what, "out " + data]
    if grad is not None:
        rows.append("grad " + grad)
    size = f"{len(cl.members)} nodes" + ("" if scoped else f", {n} parameters")
    tip = [f"{cl.path or title}: {'a function of ' if scoped else ''}{size}", "output " + data]
    return {"rows": rows, "tip": tip, "size": len(cl.members), "outputs": list(cl.outputs)}

