"""Which module each node of a model's graph belongs to: the rules, applied once per graph.

nn labels every parameter with its dotted path (``layers.0.neurons.3.w.1``, ``layers.0.weight``).
The module that owns a parameter is that path without the parameter's own name and list index
(``layers.0.neurons.3``, ``layers.0``). A parameter belongs to its module; an op joins a module by
these rules, applied in forward order:

1. an op whose inputs are all parameters of one module, or results of such ops (``W.T``), is
   *parameter-only*; it belongs to the module if it feeds the module's other ops (so ``W.T``
   joins, while an L2 penalty ``w * w`` stays outside);
2. a product (``*``, ``@``) with a parameter-only input mixes parameters with data: it joins that
   module (the latest module by parameter order when there are several);
3. a sum (``+ - sum``) whose inputs are all in one module, one of them not parameter-only, joins
   it (an added constant 0, as Python's ``sum`` adds, is ignored);
4. an activation (``tanh relu sigmoid ...``) of a module's result joins it and closes it: the
   module's output has been computed, so what is done with it next (a loss) stays outside. When
   the model declares the module's activation (``declared``, from
   ``clusters.declared_activations``), only that op joins: a linear output neuron keeps a loss's
   ``softplus`` out of its card.

The result (``Membership``) names each node's innermost module; ``clusters.collect`` turns it into
the clusters of any level (neurons, layers, the whole model) without applying the rules again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from chainrule.autograd import ops

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


@dataclass(frozen=True)
class Membership:
    """One graph's modules: ``member`` maps a node index to its module path (nodes outside every
    module are absent), ``pure`` the parameter-only ones (rule 1), ``closed`` the activations
    that closed their module (rule 4); ``parents`` are the node indices of each node's operands."""

    nodes: list
    params: dict[int, str]
    parents: list[list[int]]
    member: dict[int, str]
    pure: dict[int, str]
    closed: frozenset[int]


def find(nodes: list, params: dict[int, str], declared: dict | None = None) -> Membership:
    """Apply the rules (see the module docstring) to the nodes in forward order; ``params`` maps
    ``id(parameter)`` to its dotted name, ``declared`` a module path to its activation."""
    declared = declared or {}
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
    return Membership(nodes, params, parents, member, pure, frozenset(closed))


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
