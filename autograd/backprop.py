"""Backpropagation: one iterative reverse pass for every node type, first and higher order.

The algorithm, in two passes over the graph below ``root`` and no recursion (a chain of a million
ops needs no deeper Python stack than a chain of two):

1. Count, for every node, how many times it is *used* as a parent (a node used twice, as in
   ``a * a``, counts twice).
2. Start at the root with d root / d root = seed. Pop a node whose gradient is complete, apply the
   chain rule ``grad[parent] += grad[node] * d node / d parent`` for each parent, and count that use
   down. A parent whose count reaches 0 has received every contribution, so it is pushed and
   processed in turn. This visits the nodes in a reverse topological order: no node's gradient is
   passed on before it is complete.

The counts and the gradients of the pass in progress live in two scratch slots of each node
(``_uses``, ``_g``), which is several times faster than dictionaries; they are cleared when the pass
ends, so ``grad()`` never touches ``.grad``, and ``backward()`` adds the pass's gradients into
``.grad``. With ``create_graph=True`` the chain rule runs on nodes instead of floats or arrays (the
``GRAPH`` backend), so the gradients are graphs that can be differentiated again.
"""

from __future__ import annotations

from typing import Any

from . import _state
from .anomaly import check_backward
from .backends import GRAPH
from .graph import NARY, count_uses
from .ops import Add, Mul, shared

_MUL, _ADD = shared(Mul), shared(Add)  # the ops whose partials the reverse pass inlines


def _reverse_pass(root: Any, seed: Any, create_graph: bool, accumulate: bool) -> None:
    """Pass 2: d root / d node for every node below root.

    With ``accumulate`` each node's gradient is added into its ``.grad`` as soon as it is complete
    (``backward``); without, it is left in ``node._g`` for the caller to read (``grad``).
    """
    F = GRAPH if create_graph else root._backend
    fit = F.unbroadcast if root._broadcasts else None
    anomaly = _state.local.anomaly
    # THE ONE EXCEPTION to "the chain rule is written once" (``Op.vjp``): first-order passes
    # without broadcasting (the scalar engine) unroll it for elementwise ops of one or two inputs
    # (nearly every node of a scalar graph), calling the op's ``partials`` directly: the same
    # ``g * partial`` as ``Op.vjp``, without its call, list and zip per node. Measured on the moons
    # benchmark: the unrolled two-input path made the reverse pass 40% faster
    # (69 -> 42-51 ms), and inlining the partials of ``*`` and ``+`` (most nodes of an MLP; the
    # registry test checks they equal the ops' own) another 8%.
    unrolled = not create_graph and fit is None and not anomaly
    mul, add = _MUL, _ADD
    root._g = seed
    stack = [root]
    pop, push = stack.pop, stack.append
    while stack:
        n = pop()
        g = n._g
        if accumulate:  # complete now: every use of n has been visited
            n._g = None
            old = n.grad
            n.grad = g if old is None else old + g
        op = n.op
        if op is None:
            continue
        a = n._a
        b = n._b
        if unrolled and op.elementwise and b is not NARY:
            if op is mul:  # Mul.partials, inlined: d/da = b, d/db = a
                da = b.data
                db = a.data
            elif op is add:  # Add.partials, inlined: 1 and 1
                da = db = None
            elif b is None:
                (da,) = op.partials(F, n.data, a.data)
            else:
                da, db = op.partials(F, n.data, a.data, b.data)
            c = a._uses
            if c > 0:  # -1 for a constant: no gradient wanted
                gp = g if da is None else g * da
                old = a._g
                a._g = gp if old is None else old + gp
                a._uses = c - 1
                if c == 1:
                    push(a)
            if b is not None:
                c = b._uses
                if c > 0:
                    gp = g if db is None else g * db
                    old = b._g
                    b._g = gp if old is None else old + gp
                    b._uses = c - 1
                    if c == 1:
                        push(b)
            continue
        parents = (a,) if b is None else a if b is NARY else (a, b)
        out, xs = (n, parents) if create_graph else (n.data, [p.data for p in parents])
        gs = op.vjp(F, g, out, xs, [p._uses > 0 for p in parents])  # the chain rule
        for p, gp in zip(parents, gs):
            c = p._uses
            if c <= 0:
                continue
            if fit is not None:
                gp = fit(gp, p.shape)
            if anomaly:
                check_backward(op, n, p, gp)
            old = p._g
            p._g = gp if old is None else old + gp
            p._uses = c - 1
            if c == 1:
                push(p)


def _run(root: Any, seed: Any, create_graph: bool, read: list | None = None) -> list | None:
    """Both passes; then clear the scratch slots (also if the pass fails half-way).

    With ``read=None`` the gradients are added into ``.grad`` (``backward``); else the gradients of
    the nodes in ``read`` are returned, and no ``.grad`` is touched (``grad``).
    """
    # The graph has no reference cycles, so the cyclic collector has nothing to find in it; pausing
    # it while the pass allocates keeps it from traversing a large young heap again and again.
    _state._pause()
    nodes: list = []
    accumulate = read is None
    clean = False
    try:
        nodes = count_uses(root)
        _reverse_pass(root, seed, create_graph, accumulate)
        if accumulate:
            clean = True  # a completed accumulating pass has already cleared every slot
            return None
        return [x._g for x in read]
    finally:
        if not clean:
            for n in nodes:
                n._uses = 0
                n._g = None
        _state._unpause()


def _seed(root: Any, grad: Any, create_graph: bool) -> Any:
    seed = root._seed(grad)
    if create_graph and not hasattr(seed, "parents"):
        seed = type(root)._constant(seed)
    return seed


def backward(root: Any, grad: Any = None, *, create_graph: bool = False) -> None:
    """Add d root / d node into ``node.grad`` for every node below ``root`` (``Node.backward``)."""
    if not root.requires_grad:
        raise RuntimeError(
            f"backward() on a {type(root).__name__} that does not require grad: nothing it was "
            "computed from needs a gradient (was it made inside no_grad(), or from detached "
            "values?)"
        )
    _run(root, _seed(root, grad, create_graph), create_graph)


def grad(
    output: Any,
    inputs: Any,
    grad_output: Any = None,
    *,
    create_graph: bool = False,
) -> list:
    """d output / d input for each input, without touching any ``.grad``.

    ``inputs`` is a node or a sequence of nodes; the result is a list with one gradient per input
    (a float or array, or a node in the graph when ``create_graph=True``, so it can be
    differentiated again: ``grad(grad(f, [x], create_graph=True)[0], [x])`` is the second
    derivative). An input that ``output`` does not depend on gets a zero gradient.

    Example::

        x = Value(3.0)
        y = x ** 3
        (dy,) = grad(y, [x], create_graph=True)   # 3 x^2 = 27, as a Value
        (d2y,) = grad(dy, [x])                      # 6 x = 18.0
    """
    seq = [inputs] if hasattr(inputs, "parents") else list(inputs)
    for i, x in enumerate(seq):
        if not hasattr(x, "parents"):
            raise TypeError(f"grad(): input {i} is a {type(x).__name__}, not a Value or Tensor")
        if not x.requires_grad:
            raise ValueError(
                f"grad(): input {i} ({x!r}) does not require grad, so no gradient can flow to it; "
                "create it with requires_grad=True (Tensor) or do not detach it"
            )
    if not hasattr(output, "parents"):
        raise TypeError(f"grad(): output is a {type(output).__name__}, not a Value or Tensor")
    if not output.requires_grad:
        return [type(x)._zeros_like(x, create_graph) for x in seq]
    gs = _run(output, _seed(output, grad_output, create_graph), create_graph, read=seq)
    return [g if g is not None else type(x)._zeros_like(x, create_graph) for g, x in zip(gs, seq)]
