"""Reading a graph: its parents, the order backpropagation visits it, one chain-rule step.

``count_uses`` is the first pass of backpropagation (see ``backprop.py``): it finds every node
below a root that needs a gradient and counts how often each is used. ``local_gradients`` is one
step of the second pass, for tools that replay it (``gradcheck``'s per-op check, viz's stepper).
"""

from __future__ import annotations

from typing import Any


class _Nary:
    """Marks a node whose ``_a`` slot holds the tuple of all its (more than two) parents."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "NARY"


NARY = _Nary()


def as_tuple(a: Any, b: Any) -> tuple:
    """A node's parents from its two parent slots (see ``Node``): (), (a,), (a, b) or a."""
    if a is None:
        return ()
    if b is None:
        return (a,)
    if b is NARY:
        return a
    return (a, b)


def count_uses(root: Any, held: dict | None = None, collect: bool = True) -> list:
    """Pass 1: set ``node._uses`` for every node below root that needs a gradient; return them.

    ``collect=False`` returns ``[root]`` alone (the backward pass needs the list only when it
    fails, and finds the nodes again then: ``reached``); listing them costs 2% of a scalar step.

    With ``held`` (the backward pass), each node with parents also gets its ``.grad`` set to the
    zero of its type, so that it sums only this pass's contributions; a ``.grad`` that was not
    zero (an earlier pass went through the node) is kept in ``held`` to be added back.
    A root that needs no gradient has nothing below it to count: it is not returned, so that the
    callers' clean-up (``_uses = 0``) never turns its ``requires_grad`` on.
    """
    if root._uses < 0:
        return []
    zero = root._zero_grad
    if held is None:
        held = {}
        restore = True
    else:
        restore = False
    # Depth first (a stack), not in the order found: a node's parents were made just before it,
    # so they sit next to it in memory, and visiting them next is about 20% faster on a large graph
    # (measured on the moons MLP step) than visiting the graph level by level.
    nodes = [root]
    stack = [root]
    found, push, pop = nodes.append, stack.append, stack.pop
    nary = NARY
    while stack:
        n = pop()
        a = n._a
        if a is None:
            continue
        if n.grad is not zero:
            held[n] = n.grad
            n.grad = zero
        b = n._b
        if b is nary:  # a fused op (linear, conv2d): its weight and bias are leaves, which
            for p in a:  # have nothing below them to visit, so they are not pushed
                c = p._uses
                if c == 0:  # first visit (-1: a constant, no gradient wanted)
                    p._uses = 1
                    if p._a is not None:
                        push(p)
                    if collect:
                        found(p)
                elif c > 0:
                    p._uses = c + 1
            continue
        # the same for one or two parents, unrolled: this loop runs once per node of the graph
        c = a._uses
        if c == 0:  # first visit (-1: a constant, no gradient wanted)
            a._uses = 1
            push(a)
            if collect:
                found(a)
        elif c > 0:
            a._uses = c + 1
        if b is not None:
            c = b._uses
            if c == 0:
                b._uses = 1
                push(b)
                if collect:
                    found(b)
            elif c > 0:
                b._uses = c + 1
    if restore:
        for n, g in held.items():
            n.grad = g
    return nodes


def reached(root: Any) -> list:
    """The nodes ``count_uses`` finds below ``root`` (those that need a gradient), found again
    without reading the use counts: for cleaning up after a pass that failed half-way."""
    if root._uses < 0:
        return []
    nodes = [root]
    seen = {id(root)}
    for n in nodes:
        for p in as_tuple(n._a, n._b):
            if p._uses >= 0 and id(p) not in seen:
                seen.add(id(p))
                nodes.append(p)
    return nodes


def topological_order(root: Any) -> list:
    """The nodes below ``root`` that need a gradient, in the order backpropagation visits them."""
    order = []
    nodes: list = []
    try:
        nodes = count_uses(root)
        stack = [root]
        while stack:
            n = stack.pop()
            order.append(n)
            for p in n.parents:
                c = p._uses
                if c > 0:
                    p._uses = c - 1
                    if c == 1:
                        stack.append(p)
    finally:
        for n in nodes:
            n._uses = 0
    return order


def local_gradients(node: Any, g: Any, need: Any = None) -> list:
    """The gradient each parent of ``node`` receives from it, given ``g`` = d root / d node.

    The chain rule as the reverse pass applies it: the op's ``vjp`` on the node's data, each
    result summed back to its parent's shape where the parent was broadcast. For tools that
    replay one step (``gradcheck``'s per-op check, viz's stepper); ``need`` defaults to every
    parent that requires grad.
    """
    F = node._backend
    parents = node.parents
    xs = [p.data for p in parents]
    if need is None:
        need = [p.requires_grad for p in parents]
    gs = list(node.op.vjp(F, g, node.data, xs, need))
    if node._broadcasts:
        gs = [gp if gp is None else F.unbroadcast(gp, x.shape) for gp, x in zip(gs, xs)]
    return gs


def local_partials(node: Any) -> list | None:
    """d node / d parent for each parent of an elementwise node (None = exactly 1), else None."""
    op = node.op
    if not op.elementwise:
        return None
    return list(op.partials(node._backend, node.data, *[p.data for p in node.parents]))
