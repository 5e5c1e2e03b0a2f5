"""The backward pass as data: one step per node, in the order backpropagation visits them.

``backward_steps(root)`` replays what ``root.backward()`` does, without touching any ``.grad``:
it visits the nodes in ``autograd.topological_order(root)`` (root first), seeds
d root / d root = 1, and for each node ``n`` applies the chain rule to each parent ``p``::

    p.grad += n.grad * d n / d p

recording the formula and the numbers of every contribution. ``explain_backward`` prints the
steps; ``animate_backward`` plays them. The local derivatives come from the node's own op (its
``partials`` or ``vjp``), the same rules the engine runs, so the replay ends with exactly the
gradients ``backward()`` computes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import fmt, walk

# the local derivative d out / d (argument i) of each op, written with the operands' names
PARTIALS = {
    "+": ("1", "1"), "-": ("1", "-1"), "*": ("{b}", "{a}"), "/": ("1/{b}", "-{out}/{b}"),
    "**": ("{b} * {a}**({b} - 1)", "{out} * log({a})"), "neg": ("-1",), "exp": ("{out}",),
    "log": ("1/{a}",), "sqrt": ("0.5/{out}",), "tanh": ("(1 - {out}**2)",),
    "sigmoid": ("{out} * (1 - {out})",), "softplus": ("sigmoid({a})",), "relu": ("[{a} > 0]",),
    "leaky_relu": ("[{a} > 0] or slope",), "abs": ("sign({a})",), "sin": ("cos({a})",),
    "cos": ("-sin({a})",),
}
# the whole contribution of ops defined by a vector-Jacobian product (tensors)
VJPS = {
    "@": ("{g} @ {b}.T", "{a}.T @ {g}"), "matmul": ("{g} @ {b}.T", "{a}.T @ {g}"),
    "sum": ("broadcast({g})",), "mean": ("broadcast({g}) / n",), "reshape": ("reshape({g})",),
    "transpose": ("transpose({g})",), "T": ("{g}.T",),
}
SYMBOLS = {"+", "-", "*", "/", "**", "@"}


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


def backward_steps(root: Any) -> Pass:
    """Replay the backward pass from ``root`` step by step (see the module docstring)."""
    from chainrule.autograd import topological_order  # viz depends on the engine, never the reverse

    nodes = walk.forward_order(root)
    if not root.requires_grad:
        raise ValueError("root does not require grad, so there is no backward pass to show: "
                         "was it computed inside no_grad(), or only from constants?")
    index = {id(n): i for i, n in enumerate(nodes)}
    names = walk.names(nodes)
    order = [index[id(n)] for n in topological_order(root)]
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
        step = Step(i, _equation(n.op_name, names[i], args), _rule(n))
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


def _local(n: Any, g: Any) -> list[tuple[Any, Any]]:
    """(d n / d parent, the gradient the parent receives) for each parent of n.

    Elementwise ops give their local derivative d and the contribution g * d (summed back to
    the parent's shape where it was broadcast); other ops give only the contribution (their
    vector-Jacobian product), with d None.
    """
    from chainrule.autograd.backends import MATH, NUMPY

    tensor = fmt.is_tensor(n)
    F = NUMPY if tensor else MATH
    op = n.op
    parents = n.parents
    xs = [p.data for p in parents]
    if getattr(op, "elementwise", True):
        ds = op.partials(F, n.data, *xs)
        out = []
        for d, x in zip(ds, xs, strict=True):
            v = g if d is None else g * d
            if tensor:
                v = F.unbroadcast(np.asarray(v), np.shape(x))
            out.append((1.0 if d is None else d, v))
        return out
    need = tuple(p.requires_grad for p in parents)
    return [(None, v) for v in op.vjp(F, g, n.data, xs, need)]


def _equation(op: str, out: str, args: list[str]) -> str:
    """How the node was computed: ``n = x * w``, ``y = tanh(n)``."""
    if op in SYMBOLS and len(args) == 2:
        return f"{out} = {args[0]} {op} {args[1]}"
    if op == "neg":
        return f"{out} = -{args[0]}"
    if op.startswith("**") and len(args) == 1:
        return f"{out} = {args[0]}{op}"
    return f"{out} = {op}({', '.join(args)})"


def _rule(n: Any) -> str:
    doc = (type(n.op).__doc__ or "").strip().splitlines()
    return doc[0] if doc else ""


def _partial(op: str, k: int, out: str, args: list[str]) -> str:
    a = args[0] if args else ""
    b = args[1] if len(args) > 1 else ""
    if op.startswith("**") and op != "**":
        kk = float(op[2:])
        return f"{fmt.short(kk)} * {a}**{fmt.short(kk - 1)}"
    if op in PARTIALS and k < len(PARTIALS[op]):
        return PARTIALS[op][k].format(a=a, b=b, out=out)
    return f"d{out}/d{args[k]}"


def _texts(n, k, out, args, g, d, value) -> tuple[str, str]:
    """(formula, numbers) of the contribution to argument k: ('n.grad * w', '0.5 * -0.5 = ...')."""
    op = n.op_name
    gname = f"{out}.grad"
    if fmt.is_tensor(n):
        if d is None:  # a vector-Jacobian product
            if op in VJPS and k < len(VJPS[op]):
                a, b = args[0], (args[1] if len(args) > 1 else "")
                formula = VJPS[op][k].format(g=gname, a=a, b=b)
            else:
                formula = f"vjp of {op} (argument {k + 1}) applied to {gname}"
        else:
            p = _partial(op, k, out, args)
            formula = gname if p == "1" else f"{gname} * {p}"
        return formula, fmt.array(value)
    p = _partial(op, k, out, args)
    if p == "1":
        return gname, fmt.short(value)
    return f"{gname} * {p}", f"{fmt.short(g)} * {fmt.short(d)} = {fmt.short(value)}"
