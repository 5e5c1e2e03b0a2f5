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

The counts live in a slot of each node (``_uses``; 0 again when the pass ends) and the partial
sums in ``.grad`` itself, which is several times faster than dictionaries: a node with parents
starts the pass at zero, sums its contributions, and gets back what it held before (an earlier
backward through it) plus this pass's sum; leaves simply accumulate. ``grad()`` puts every
``.grad`` back and returns the sums instead. With ``create_graph=True`` the chain rule runs on
nodes instead of floats or arrays (the ``GRAPH`` backend), so the gradients are graphs that can
be differentiated again.
"""

from __future__ import annotations

from typing import Any

from . import _state
from .anomaly import check_backward
from .backends import GRAPH, MATH
from .graph import NARY, count_uses, reached
from .ops import Add, Mul, Relu, shared

_MUL, _ADD, _RELU = shared(Mul), shared(Add), shared(Relu)  # the ops whose partials are inlined


def _scalar_pass(stack: list, zero: Any) -> None:
    """Pass 2 for first-order float gradients (the scalar engine without anomaly detection).

    THE ONE EXCEPTION to "the chain rule is written once" (``Op.vjp``): nearly every node of a
    scalar graph is an elementwise op of one or two inputs, so this loop applies ``g * partial``
    itself, calling the op's ``partials`` (and for ``*``, ``+`` and relu, most nodes of an MLP,
    not even that: their partials are inlined, and a test checks them against ``Mul.partials``,
    ``Add.partials`` and ``Relu.partials``). Measured on the moons benchmark: the unrolled
    two-input path made the reverse pass 40% faster, the inlined ``*`` and ``+`` another 15%.
    Any other node goes through ``_general_step``.

    A parent that a node completes is processed next without a trip through the stack (``nxt``;
    the second input first, as the stack would pop it): the order is the one ``pop`` gives. For
    ``*`` and ``+`` each parent's use count is tested for 1 first (its last use: the commonest
    case in an MLP, where most nodes are used once), which saves a comparison and a subtraction
    per edge: the pass is 8-11% faster than with one branch per parent for every count.
    """
    pop, push = stack.pop, stack.append
    mul, add, relu, F = _MUL, _ADD, _RELU, MATH
    n = pop()
    while True:
        op = n.op
        a = n._a
        b = n._b
        g = n.grad  # complete: every node using n has added its share
        nxt = None  # a parent whose gradient this node completed
        if op is mul:  # Mul.partials: d/da = b, d/db = a; the commonest node, written out
            c = b._uses
            if c == 1:  # b's last use: its gradient is complete after this
                old = b.grad
                b.grad = g * a.data if old is zero else old + g * a.data
                b._uses = 0
                nxt = b
            elif c > 1:  # (c is -1 for a constant: no gradient wanted)
                old = b.grad
                b.grad = g * a.data if old is zero else old + g * a.data
                b._uses = c - 1
            c = a._uses
            if c == 1:
                old = a.grad
                a.grad = g * b.data if old is zero else old + g * b.data
                a._uses = 0
                if nxt is None:
                    nxt = a
                else:
                    push(a)
            elif c > 1:
                old = a.grad
                a.grad = g * b.data if old is zero else old + g * b.data
                a._uses = c - 1
        elif op is add:  # Add.partials: 1 and 1; the other commonest node, written out too
            c = b._uses
            if c == 1:
                old = b.grad
                b.grad = g if old is zero else old + g
                b._uses = 0
                nxt = b
            elif c > 1:
                old = b.grad
                b.grad = g if old is zero else old + g
                b._uses = c - 1
            c = a._uses
            if c == 1:
                old = a.grad
                a.grad = g if old is zero else old + g
                a._uses = 0
                if nxt is None:
                    nxt = a
                else:
                    push(a)
            elif c > 1:
                old = a.grad
                a.grad = g if old is zero else old + g
                a._uses = c - 1
        elif op is relu:  # Relu.partials: step(a) = 1 if a > 0 else 0 (a layer's activation)
            c = a._uses
            if c > 0:
                gp = g * (1.0 if a.data > 0.0 else 0.0)
                old = a.grad
                a.grad = gp if old is zero else old + gp
                a._uses = c - 1
                if c == 1:
                    nxt = a
        elif op is not None:  # (None: a leaf, whose .grad has received all its contributions)
            if op.elementwise and b is not NARY:
                if b is None:
                    (da,) = op.partials(F, n.data, a.data)
                else:
                    da, db = op.partials(F, n.data, a.data, b.data)
                c = a._uses
                if c > 0:
                    gp = g if da is None else g * da
                    old = a.grad
                    a.grad = gp if old is zero else old + gp
                    a._uses = c - 1
                    if c == 1:
                        push(a)
                if b is not None:
                    c = b._uses
                    if c > 0:
                        gp = g if db is None else g * db
                        old = b.grad
                        b.grad = gp if old is zero else old + gp
                        b._uses = c - 1
                        if c == 1:
                            push(b)
            else:
                _general_step(n, g, F, None, False, False, zero, push)
        if nxt is not None:
            n = nxt
        elif stack:
            n = pop()
        else:
            return


def _general_step(
    n: Any, g: Any, F: Any, fit: Any, anomaly: bool, create_graph: bool, zero: Any, push: Any
) -> None:
    """The chain rule at node ``n`` (gradient ``g``) for any op: its ``vjp`` (for an elementwise op
    without ``create_graph``, ``Op.vjp``'s ``g * partial`` applied here from ``partials``, as in
    ``_scalar_pass``, without the call and its lists: 3-5% of an overhead-bound tensor step; no
    product for an input that wants no gradient), each result summed
    back to its parent's shape (``fit``, where inputs broadcast) and added to the parent's
    ``.grad``; a parent whose last use this was is pushed."""
    a = n._a
    b = n._b
    op = n.op
    if b is None:
        parents: Any = (a,)
        if op.elementwise and not create_graph:  # Op.vjp without its frame and its list
            (d,) = op.partials(F, n.data, a.data)
            gs: Any = (g if d is None else g * d,)
        elif create_graph:
            gs = op.vjp(F, g, n, parents, (a._uses > 0,))  # recorded as a graph
        else:
            gs = op.vjp(F, g, n.data, (a.data,), (a._uses > 0,))
    elif b is NARY:
        parents = a
        if create_graph:
            gs = op.vjp(F, g, n, parents, [p._uses > 0 for p in parents])
        else:
            xs = [p.data for p in parents]
            if op.elementwise:
                gs = [g if d is None else g * d for d in op.partials(F, n.data, *xs)]
            else:
                gs = op.vjp(F, g, n.data, xs, [p._uses > 0 for p in parents])
    else:
        parents = (a, b)
        if op is _ADD:  # Add.vjp: g to both inputs (the scalar pass inlines it too)
            gs = (g, g)
        elif create_graph:
            gs = op.vjp(F, g, n, parents, (a._uses > 0, b._uses > 0))
        elif op.elementwise:
            da, db = op.partials(F, n.data, a.data, b.data)
            gs = (  # no product for an input that wants no gradient (a constant)
                None if a._uses <= 0 else g if da is None else g * da,
                None if b._uses <= 0 else g if db is None else g * db,
            )
        else:
            gs = op.vjp(F, g, n.data, (a.data, b.data), (a._uses > 0, b._uses > 0))
    for p, gp in zip(parents, gs):
        c = p._uses
        if c <= 0:
            continue
        if fit is not None:
            shape = p.data.shape
            if gp.shape != shape:  # the parent was broadcast: sum the gradient back
                gp = fit(gp, shape)
        if anomaly:
            check_backward(op, n, p, gp)
        old = p.grad
        p.grad = gp if old is zero else old + gp
        p._uses = c - 1
        if c == 1:
            push(p)


def _array_pass(stack: list, F: Any, zero: Any) -> None:
    """Pass 2 for first-order array gradients (the tensor engine without anomaly detection).

    Relu, half the nodes of an MLP, has its chain rule ``g * step(x)`` (``Relu.partials``)
    written out as ``g * (x > 0)``: the mask as numpy's bools gives the same products without the
    cast to floats, the ``partials`` call and the general step's branches (a test checks it
    against ``Relu.partials``, edges included). Measured on the 20x64 MLP step: the backward 5-7%
    faster. An op that is not elementwise (linear, conv, matmul, reductions, cross-entropy) runs
    ``_general_step``'s first-order vjp call and loop here, without the call, and a leaf whose
    gradient is complete is not pushed (popping it did nothing): the 20x64 backward 306 -> 296
    us (medians, one process). Elementwise ops take ``_general_step``.
    """
    pop, push = stack.pop, stack.append
    fit = F.unbroadcast
    relu = _RELU
    while stack:
        n = pop()
        op = n.op
        a = n._a
        b = n._b
        if op is relu:
            c = a._uses
            if c > 0:
                gp = n.grad * (a.data > 0)
                old = a.grad
                a.grad = gp if old is zero else old + gp
                a._uses = c - 1
                if c == 1:
                    push(a)
        elif op is not None and not op.elementwise:  # ``_general_step``'s vjp branches (no
            # create_graph, no anomaly detection) and loop written out, without the call
            if b is NARY:  # a fused op: linear, conv2d
                parents: Any = a
                if len(a) == 3:  # (x, weight, bias): no list comprehensions (a frame each)
                    p0, p1, p2 = a
                    gs = op.vjp(F, n.grad, n.data, (p0.data, p1.data, p2.data),
                                (p0._uses > 0, p1._uses > 0, p2._uses > 0))
                else:
                    gs = op.vjp(F, n.grad, n.data, [p.data for p in a], [p._uses > 0 for p in a])
            elif b is None:  # cross-entropy, a reduction, a reshape, a pool
                parents = (a,)
                gs = op.vjp(F, n.grad, n.data, (a.data,), (a._uses > 0,))
            else:  # a matrix product
                parents = (a, b)
                gs = op.vjp(F, n.grad, n.data, (a.data, b.data), (a._uses > 0, b._uses > 0))
            check = not op.exact
            for p, gp in zip(parents, gs):
                c = p._uses
                if c <= 0:
                    continue
                if check:
                    shape = p.data.shape
                    if gp.shape != shape:  # the parent was broadcast: sum the gradient back
                        gp = fit(gp, shape)
                old = p.grad
                p.grad = gp if old is zero else old + gp
                p._uses = c - 1
                if c == 1 and p.op is not None:  # (a leaf is complete: nothing to pass on)
                    push(p)
        elif op is not None:
            _general_step(n, n.grad, F, fit, False, False, zero, push)


def _reverse_pass(stack: list, create_graph: bool, zero: Any) -> None:
    """Pass 2: pop a node whose gradient is complete, pass it on to its parents (see above)."""
    root = stack[0]
    F = GRAPH if create_graph else root._backend
    anomaly = _state.local.anomaly
    if F is MATH and not anomaly:
        _scalar_pass(stack, zero)
        return
    fit = F.unbroadcast if root._broadcasts else None
    if fit is not None and not anomaly and not create_graph:
        _array_pass(stack, F, zero)
        return
    pop, push = stack.pop, stack.append
    while stack:
        n = pop()
        if n.op is not None:
            _general_step(n, n.grad, F, fit, anomaly, create_graph, zero, push)


def _run(root: Any, seed: Any, create_graph: bool, read: list | None = None) -> list | None:
    """Both passes, the gradients summed in ``.grad``; the use counts are 0 again at the end.

    Before the pass, each node with parents gets ``.grad`` = zero, so that it sums exactly this
    pass's contributions, which it passes on; what it held before (after an earlier backward
    through the same node) is put back plus this pass's sum when the node is complete. Leaves just
    add their contributions. With ``read`` (``grad``) no ``.grad`` is left changed: every node's
    ``.grad`` is restored and the gradients of the nodes in ``read`` are returned instead.
    """
    # The graph has no reference cycles, so the cyclic collector has nothing to find in it; pausing
    # it while the pass allocates keeps it from traversing a large young heap again and again.
    _state._pause()
    zero = root._zero_grad
    nodes: list = []
    held: dict = {}  # node -> the .grad it had before this pass, where that is not zero
    done = False
    try:
        if read is None:
            count_uses(root, held, collect=False)  # the nodes are listed only if the pass fails
            if root.op is None and root.grad is not zero:  # backward() on a leaf
                held[root] = root.grad
        else:  # grad(): every .grad is put back at the end
            nodes = count_uses(root)
            held = {n: n.grad for n in nodes}
            for n in nodes:
                n.grad = zero
        root.grad = seed
        _reverse_pass([root], create_graph, zero)
        done = True
        if read is not None:
            return [x.grad if x in held and x.grad is not zero else None for x in read]
        for n, old in held.items():  # backward through nodes an earlier pass went through
            n.grad = old + n.grad
        return None
    finally:
        if read is not None or not done:
            for n in nodes or reached(root):
                n._uses = 0
                if n.op is not None or read is not None:
                    n.grad = held.get(n, zero)
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
