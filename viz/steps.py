"""The backward pass as data: one step per node, in the order backpropagation visits them.

``backward_steps(root)`` replays what ``root.backward()`` does, without touching any ``.grad``:
it visits the nodes in ``autograd.topological_order(root)`` (root first), seeds
d root / d root = 1, and for each node ``n`` applies the chain rule to each parent ``p``::

    p.grad += n.grad * d n / d p

recording the formula and the numbers of every contribution. ``explain_backward`` prints the
steps; ``animate_backward`` plays them. Each contribution is the node's own op's ``vjp`` (the
chain rule the engine runs, written once in ``Op.vjp``), so the replay ends with exactly the
gradients ``backward()`` computes; the formulas are the op's own display text (``Op.equation``,
``Op.derivative``), so a new op needs nothing here.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from chainrule.autograd import topological_order
from chainrule.autograd.graph import local_gradients, local_partials

from . import fmt, levels, walk


@dataclass
class Contribution:
    """One use of ``parent`` by the step's node: ``parent.grad += formula = numbers``."""

    parent: int
    formula: str
    numbers: str
    value: Any
    total: Any
    use: int  # this is use number `use` of `uses` uses of the parent
    uses: int


@dataclass
class Step:
    node: int
    equation: str  # how the node was computed, e.g. "n = x * w"
    rule: str  # the op's derivative rule, from its docstring
    contributions: list[Contribution] = field(default_factory=list)


@dataclass
class Pass:
    nodes: list
    names: list[str]
    order: list[int]  # node indices in visiting order, root first
    seed: Any
    steps: list[Step]
    grads: dict[int, Any]  # node index -> gradient at the end


def backward_steps(root: Any, names: list[str] | None = None,
                   modules: list[str] | None = None) -> Pass:
    """Replay the backward pass from ``root`` step by step (see the module docstring).

    ``names``: one name per node of ``walk.forward_order(root)`` (default ``walk.names``);
    ``modules``: the module path of each node (``''`` outside modules), for ``backward_order``.
    """
    nodes = walk.forward_order(root)
    if not root.requires_grad:
        raise ValueError("root does not require grad, so there is no backward pass to show: "
                         "was it computed inside no_grad(), or only from constants?")
    index = {id(n): i for i, n in enumerate(nodes)}
    names = walk.names(nodes) if names is None else names
    order = backward_order(nodes, [index[id(n)] for n in topological_order(root)], index,
                           modules)
    uses = dict.fromkeys(order, 0)
    for i in order:
        for p in nodes[i].parents:
            if p.requires_grad:
                uses[index[id(p)]] += 1
    seed = np.ones_like(root.data) if fmt.is_tensor(root) else 1.0
    grads: dict[int, Any] = {order[0]: seed}
    seen = dict.fromkeys(order, 0)
    steps = []
    for i in order:
        n = nodes[i]
        if not n.parents:
            continue
        ps = [index[id(p)] for p in n.parents]
        args = [names[j] for j in ps]
        step = Step(i, n.op.equation(names[i], args), _rule(n))
        for k, (j, (d, value)) in enumerate(zip(ps, _local(n, grads[i]), strict=True)):
            if value is None or not nodes[j].requires_grad:
                continue
            old = grads.get(j)
            grads[j] = value if old is None else old + value
            seen[j] += 1
            formula, numbers = _texts(n, k, names[i], args, grads[i], d, value)
            step.contributions.append(
                Contribution(j, formula, numbers, value, grads[j], seen[j], uses[j]))
        steps.append(step)
    return Pass(nodes, names, order, seed, steps, grads)


def backward_order(nodes: list, engine: list[int], index: dict[int, int],
                   modules: list[str] | None = None) -> list[int]:
    """A reverse topological order that finishes one module before starting the next.

    ``engine`` is the engine's own order (``autograd.topological_order``: a node comes after
    every node that uses it). Any order with that property gives the same gradients, and a
    teacher's picture is clearer when a neuron's steps come together: this is Kahn's algorithm
    on the same use counts (a node is ready once every node that used it has passed its
    gradient back), taking among the ready nodes one in the module just processed, else in the
    closest module (the longest shared path: another neuron of the same layer), ties in the
    engine's order. Without ``modules`` it is the engine's order itself.
    """
    if not modules:
        return engine
    rank = {i: k for k, i in enumerate(engine)}
    pending = dict.fromkeys(engine, 0)
    for i in engine:
        for p in nodes[i].parents:
            j = index[id(p)]
            if j in pending:
                pending[j] += 1
    parts = {m: levels.steps(m) for m in set(modules)}
    ready: dict[str, list[int]] = {}  # module -> heap of engine ranks
    heapq.heappush(ready.setdefault(modules[engine[0]], []), 0)
    here: list[str] = parts[modules[engine[0]]]
    out: list[int] = []
    while ready:
        best = max(ready, key=lambda m: (_shared(parts[m], here), -ready[m][0]))
        i = engine[heapq.heappop(ready[best])]
        if not ready[best]:
            del ready[best]
        out.append(i)
        here = parts[best]
        for p in nodes[i].parents:
            j = index[id(p)]
            if j in pending:
                pending[j] -= 1
                if pending[j] == 0:
                    heapq.heappush(ready.setdefault(modules[j], []), rank[j])
    return out


def _shared(a: list[str], b: list[str]) -> int:
    k = 0
    while k < len(a) and k < len(b) and a[k] == b[k]:
        k += 1
    return k


def _local(n: Any, g: Any) -> list[tuple[Any, Any]]:
    """(d n / d parent, the gradient the parent receives) for each parent of n.

    The gradient is the engine's own chain rule step (``local_gradients``: the op's ``vjp``,
    summed back where a parent was broadcast). Elementwise ops also give their local derivative
    d, for the numbers of the text; for the other ops d is None.
    """
    values = local_gradients(n, g)
    ds = local_partials(n)
    if ds is None:
        return [(None, v) for v in values]
    return [(1.0 if d is None else d, v) for d, v in zip(ds, values, strict=True)]


def _rule(n: Any) -> str:
    doc = (type(n.op).__doc__ or "").strip().splitlines()
    return doc[0] if doc else ""


def _texts(n, k, out, args, g, d, value) -> tuple[str, str]:
    """(formula, numbers) of the contribution to argument k: ('n.grad * w', '0.5 * -0.5 = ...')."""
    gname = f"{out}.grad"
    p = n.op.derivative(k, out, args, gname)  # d n / d arg k, or the whole vjp (d None)
    if fmt.is_tensor(n):
        if d is None:
            return p, fmt.array(value)
        return (gname if p == "1" else f"{gname} * {p}"), fmt.array(value)
    if p == "1":
        return gname, fmt.short(value)
    return f"{gname} * {p}", f"{fmt.short(g)} * {fmt.short(d)} = {fmt.short(value)}"
