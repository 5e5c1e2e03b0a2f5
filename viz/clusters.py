"""Grouping a model's graph by module: which nodes belong to which neuron or layer.

nn labels every parameter with its dotted path (``layers.0.neurons.3.w.1``, ``layers.0.weight``).
The module that owns a parameter is that path without the parameter's own name and list index
(``layers.0.neurons.3``, ``layers.0``); its layer is the path cut after its first list index
(``layers.0``). A parameter lives in its module's cluster; an op joins a cluster by these rules,
applied in forward order:

1. an op whose inputs are all parameters of one module, or results of such ops (``W.T``), is
   *parameter-only*; it belongs to the module if it feeds the module's other ops (so ``W.T``
   joins, while an L2 penalty ``w * w`` stays outside);
2. a product (``*``, ``@``) with a parameter-only input mixes parameters with data: it joins that
   module (the latest module by parameter order when there are several);
3. a sum (``+ - sum``) whose inputs are all in one module, one of them not parameter-only, joins
   it (an added constant 0, as Python's ``sum`` adds, is ignored);
4. an activation (``tanh relu sigmoid ...``) of a module's result joins it and closes it: the
   module's output has been computed, so what is done with it next (a loss) stays outside. When
   the model declares the module's activation (``declared``, from ``declared_activations``), only
   that op joins: a linear output neuron keeps a loss's ``softplus`` out of its card.

A module's *output* is a member used outside the module (or the root) that is not parameter-only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from chainrule.autograd import ops

from . import fmt
from .walk import grad_of

# the ops that may close a module (``Op.activation``), read from the engine's op registry
ACTIVATIONS = frozenset(ops.activations()) | {"identity"}
# products: ``*`` and the registry's linear-algebra ops (``@``, einsum, conv2d), and PyTorch's names
PRODUCTS = frozenset({"*", "matmul", "mm", "dot"}) | {
    c.name for c in ops.registry() if c.kind == "linalg"}
SUMS = frozenset({"+", "-", "sum"})
# products that compute a weighted sum ``w . x``: a module card calls them "linear"
WEIGHTED_SUMS = frozenset({"*", "@", "matmul", "mm", "dot", "linear"})


def module_path(name: str) -> str:
    """``layers.0.neurons.3.w.1`` -> ``layers.0.neurons.3``; ``layers.0.weight`` -> ``layers.0``."""
    parts = name.split(".")
    while parts and parts[-1].isdigit():
        parts.pop()
    if parts:
        parts.pop()
    return ".".join(parts)


def layer_path(path: str) -> str:
    """``layers.0.neurons.3`` -> ``layers.0``: the path cut after its first list index."""
    parts = path.split(".")
    for i, p in enumerate(parts):
        if p.isdigit():
            return ".".join(parts[: i + 1])
    return path


@dataclass
class Cluster:
    """One module's part of the graph."""

    path: str
    members: list[int] = field(default_factory=list)  # node indices, forward order
    params: list[int] = field(default_factory=list)
    outputs: list[int] = field(default_factory=list)
    activations: list[str] = field(default_factory=list)

    def num_params(self, nodes: list) -> int:
        return sum(int(np.size(nodes[i].data)) for i in self.params)

    def activation(self) -> str:
        return "/".join(dict.fromkeys(self.activations)) or "linear"

    def describe(self, nodes: list) -> str:
        """A module card's second line (static pictures, viewer and stepper alike): its products
        in forward order (``linear`` for weighted sums: ``w * x`` summed, ``x @ W.T``, the fused
        ``linear`` op; else the op's name), its activation, its parameter count:
        ``conv2d \u2192 relu \u00b7 80 params``; ``linear \u00b7 4 params`` without activation."""
        n = self.num_params(nodes)
        ops_ = (getattr(nodes[i], "op_name", "") for i in self.members)
        steps = ["/".join(dict.fromkeys("linear" if op in WEIGHTED_SUMS else op
                                        for op in ops_ if op in PRODUCTS)),
                 "/".join(dict.fromkeys(self.activations))]
        what = " \u2192 ".join(step for step in steps if step) or self.activation()
        return f"{what} \u00b7 {n} param{'s' * (n != 1)}"


def resolve(model: Any, path: str) -> Any:
    """The module at a dotted path of ``model`` (None if there is none)."""
    obj = model
    for part in path.split(".") if path else ():
        try:
            obj = obj[int(part)] if part.isdigit() else getattr(obj, part)
        except (AttributeError, IndexError, KeyError, TypeError, ValueError):
            return None
    return obj


def declared_activations(model: Any, paths: Any) -> dict[str, str]:
    """Module path -> the activation the model says it applies ('linear' for none), where known.

    Read from the module's own ``activation`` attribute (an nn ``Neuron`` or ``Layer``), else, for
    a layer of a model with ``layers`` and ``activation`` (an nn ``MLP`` on tensors): every layer
    applies the model's activation but the last, which is linear.
    """
    out: dict[str, str] = {}
    layers = getattr(model, "layers", None)
    model_act = getattr(model, "activation", None)
    for path in paths:
        act = getattr(resolve(model, path), "activation", None)
        if not isinstance(act, str) and isinstance(model_act, str) and layers is not None:
            parts = path.split(".")
            if len(parts) >= 2 and parts[0] == "layers" and parts[1].isdigit():
                act = "linear" if int(parts[1]) == len(layers) - 1 else model_act
        if isinstance(act, str):
            out[path] = act
    return out


def assign(
    nodes: list, params: dict[int, str], level: str = "neuron", declared: dict | None = None,
    key: Callable[[str], str] | None = None,
) -> dict[str, Cluster]:
    """Cluster path -> Cluster, for the nodes in forward order (see the module docstring).

    ``level`` 'neuron' keeps each parameter's own module, 'layer' cuts paths to ``layer_path``;
    ``key`` (module path -> cluster path) replaces both (``levels.Level.key``).
    """
    declared = declared or {}
    if level not in ("neuron", "layer"):
        raise ValueError(f"cluster level must be 'neuron' or 'layer', not {level!r}")
    if key is None:
        key = (lambda c: c) if level == "neuron" else layer_path
    index = {id(n): i for i, n in enumerate(nodes)}
    rank: dict[str, int] = {}
    for name in params.values():
        rank.setdefault(module_path(name), len(rank))
    parents = [[index[id(p)] for p in n.parents] for n in nodes]
    pure: dict[int, str] = {}
    member: dict[int, str] = {}
    closed: set[int] = set()
    zero = {i for i, n in enumerate(nodes) if _is_zero_constant(n)}
    for i, n in enumerate(nodes):
        if id(n) in params:
            pure[i] = member[i] = module_path(params[id(n)])
            continue
        ps = parents[i]
        if not ps:
            continue
        op = getattr(n, "op_name", "")
        owners = {pure.get(j) for j in ps}
        if None not in owners and len(owners) == 1:  # rule 1
            pure[i] = member[i] = owners.pop()
            continue
        if op in PRODUCTS and owners - {None}:  # rule 2
            member[i] = max(owners - {None}, key=rank.__getitem__)
            continue
        inside = {member.get(j) for j in ps if j not in zero}
        if len(inside) != 1 or None in inside or any(j in closed for j in ps):
            continue
        c = inside.pop()
        if op in SUMS and any(j not in pure for j in ps if j not in zero):  # rule 3
            member[i] = c
        elif op in ACTIVATIONS and len(ps) == 1 and declared.get(c, op) == op:  # rule 4
            member[i] = c
            closed.add(i)
    _prune_unused_pure(nodes, parents, pure, member, params)
    return _collect(nodes, parents, member, pure, closed, params, key)


def _is_zero_constant(n: Any) -> bool:
    if n.parents or n.requires_grad or getattr(n, "label", ""):
        return False
    return not np.any(np.asarray(n.data))


def _prune_unused_pure(nodes, parents, pure, member, params) -> None:
    """Rule 1's condition: a parameter-only op stays only if it feeds its module's other ops."""
    feeds: dict[int, bool] = {}
    for i in range(len(nodes) - 1, -1, -1):  # children come after parents: walk backwards
        for j in parents[i]:
            own = j in pure and id(nodes[j]) not in params and member.get(i) == pure[j]
            if own and (i not in pure or feeds.get(i, False)):
                feeds[j] = True
    for j in list(pure):
        if id(nodes[j]) not in params and not feeds.get(j, False):
            del member[j]


def _collect(nodes, parents, member, pure, closed, params, key) -> dict[str, Cluster]:
    clusters: dict[str, Cluster] = {}
    for i in sorted(member):
        path = key(member[i])
        cl = clusters.setdefault(path, Cluster(path))
        cl.members.append(i)
        if id(nodes[i]) in params:
            cl.params.append(i)
        if i in closed:
            cl.activations.append(nodes[i].op_name)
    used_outside: set[int] = {len(nodes) - 1}  # the root counts as used
    for i, ps in enumerate(parents):
        for j in ps:
            if j in member and (i not in member or key(member[i]) != key(member[j])):
                used_outside.add(j)
    for cl in clusters.values():
        cl.outputs = [i for i in cl.members if i in used_outside and i not in pure]
    return clusters


def output_text(cl: Cluster, nodes: list, grads: bool) -> tuple[str, str | None]:
    """The summary of a cluster's output(s): (data text, grad text or None)."""
    outs = [nodes[i] for i in cl.outputs]
    if not outs:
        return "-", None
    if len(outs) == 1:
        n = outs[0]
        if fmt.is_tensor(n):
            g = grad_of(n)
            return fmt.array(n.data), (fmt.array(g) if grads and g is not None else "-")
        return fmt.num(n.data), (fmt.num(grad_of(n)) if grads else "-")
    data = np.array([np.mean(n.data) for n in outs], dtype=np.float64)
    g = np.array([np.mean(grad_of(n)) if grad_of(n) is not None else np.nan for n in outs])
    return fmt.array(data), (fmt.array(g) if grads else "-")


def in_out(cl: Cluster, nodes: list, parents: list[list[int]], same=lambda j: j,
           module: Any = None) -> str:
    """``(4, 2) -> (4, 16)`` (tensor shapes), else ``2 -> 16``: the module's own
    ``in_features``/``out_features`` when it has them (per sample), else the numbers drawn."""
    inside = set(cl.members)
    firsts: dict = {}  # one per input: a number merged for every neuron counts once
    for i in cl.members:
        for j in parents[i]:
            if j not in inside:
                firsts.setdefault(same(j), j)
    ins = list(firsts.values())
    outs = [nodes[i] for i in cl.outputs]
    if any(fmt.is_tensor(nodes[j]) for j in ins) or any(fmt.is_tensor(n) for n in outs):
        left = ", ".join(fmt.shape(nodes[j]) for j in ins) or "()"
        right = ", ".join(fmt.shape(n) for n in outs) or "()"
        return f"{left} \u2192 {right}"
    sizes = getattr(module, "in_features", None), getattr(module, "out_features", None)
    if all(isinstance(k, int) for k in sizes):
        return f"{sizes[0]} \u2192 {sizes[1]}"
    return f"{len(ins)} \u2192 {len(outs)}"
