"""Reading a graph: its nodes in order, their names and roles, and whether gradients exist yet.

The node interface viz reads (and nothing else), so any node type offering it can be drawn
(Value, Tensor, or a bridge presenting another library's graph):

    data            a float or a numpy array
    grad            the same kind, or None / 0.0 before backward (a node, after create_graph)
    parents         the nodes it was computed from, in argument order (() for a leaf)
    op / op_name    the op that made it (``op`` for its docstring, ``op_name`` its registry name)
    label           its name ('' if none); a ``autograd.scope.Scope`` marks a composite's output
    requires_grad   whether gradients flow to it
    engine          'scalar' or 'tensor' (``fmt.is_tensor``)
    shape, dtype    for tensors (read with fallbacks to ``numpy.shape(data)``)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import fmt


def forward_order(root: Any) -> list:
    """Every node below ``root`` (constants included), each after all of its parents; root last.

    Iterative depth-first search (a chain of a million ops needs no deep Python stack), visiting
    parents in argument order, so the same graph always gives the same order.
    """
    _check_node(root, "root")
    order: list = []
    seen = {id(root)}
    stack = [(root, iter(root.parents))]
    while stack:
        node, parents = stack[-1]
        for p in parents:
            if id(p) not in seen:
                seen.add(id(p))
                stack.append((p, iter(p.parents)))
                break
        else:
            stack.pop()
            order.append(node)
    return order


def _check_node(x: Any, what: str) -> None:
    if not all(hasattr(x, a) for a in ("data", "grad", "parents", "requires_grad")):
        raise TypeError(
            f"{what} must be a graph node (a Value or Tensor), not {type(x).__name__}; "
            "draw the result of a computation, e.g. draw_graph((x * w).tanh())"
        )


def grad_of(node: Any) -> Any:
    """The node's gradient as a float or array (a gradient that is itself a node gives its data)."""
    g = node.grad
    if g is not None and hasattr(g, "parents") and hasattr(g, "data"):
        return g.data  # made by backward(create_graph=True)
    return g


def has_grads(nodes: list) -> bool:
    """Whether a backward pass has filled this graph's gradients (the rule behind ``-``).

    A Value's grad starts at 0.0, so 0.0 cannot tell "not computed" from "computed, zero". The
    graph counts as backpropagated when any node that requires grad has a nonzero grad (a Value)
    or any grad at all (a Tensor, whose grad is None until backward). ``root.backward()`` sets
    the root's own grad to 1, so every ordinary backward pass is recognised; only a pass seeded
    with 0 (or grads zeroed since) reads as "no gradients yet", which is also what it shows.
    """
    for n in nodes:
        if not n.requires_grad:
            continue
        g = grad_of(n)
        if g is None:
            continue
        if fmt.is_tensor(n) or not isinstance(g, (int, float)) or g != 0.0:
            return True
    return False


def named_parameters(model: Any) -> dict[int, str]:
    """id(parameter) -> dotted name, from ``model.named_parameters()``."""
    named = getattr(model, "named_parameters", None)
    if not callable(named):
        raise TypeError(
            f"model must have a named_parameters() method (an nn.Module), not a "
            f"{type(model).__name__}; pass model=None to draw without module clusters"
        )
    items = named()
    if isinstance(items, Mapping):
        items = items.items()
    out: dict[int, str] = {}
    for name, p in items:
        out.setdefault(id(p), str(name))
    return out


def role(node: Any, root: Any, params: dict[int, str], has_model: bool) -> str:
    """The node's role in the style table: output, value, param, input or const.

    A leaf is a parameter when it is one of the model's parameters; without a model, when its
    label is a dotted module path (how nn labels parameters) or it is a Tensor that requires grad
    (data tensors usually do not). A leaf that needs no gradient and has no label is a constant.
    """
    if node is root:
        return "output"
    if node.parents:
        return "value"
    if id(node) in params:
        return "param"
    label = getattr(node, "label", "") or ""
    if not node.requires_grad:
        return "input" if label else "const"
    if not has_model and ("." in label or fmt.is_tensor(node)):
        return "param"
    return "input"


def own_biases(nodes: list) -> dict[int, str]:
    """Without a model: a bias named beside its weights, as the neuron stepper names a neuron's
    parameters inside it (``b`` beside ``w.0, w.1``; ``P.b`` or ``P.bias`` beside ``P.w.0`` or
    ``P.weight``). ``walk.role`` tells a weight by its dot; the bias gets the same role, so a
    neuron's parameters share one colour. A ``b`` beside an undotted ``w`` (an expression typed
    by hand, ``x*w + b``) stays an input, as ``w`` does."""
    leaves = [n for n in nodes if not n.parents and n.requires_grad]
    prefixes = set()
    for n in leaves:
        label = str(getattr(n, "label", "") or "")
        head, _, tail = label.rpartition(".")
        if tail == "weight":
            prefixes.add(head)
        elif tail.isdigit() and head.rpartition(".")[2] == "w":
            prefixes.add(head.rpartition(".")[0])
    out: dict[int, str] = {}
    for n in leaves:
        label = str(getattr(n, "label", "") or "")
        head, _, tail = label.rpartition(".")
        if tail in ("b", "bias") and head in prefixes:
            out[id(n)] = label
    return out


def names(nodes: list) -> list[str]:
    """A name per node: its label, else ``v1, v2, ...`` (``t1, ...`` for tensors) in forward order.

    Constants are named by their value. The same names appear in pictures, in
    ``explain_backward`` and in the stepper, so a reader can match them up.
    """
    taken = {n.label for n in nodes if getattr(n, "label", "")}
    out: list[str] = []
    k = 0
    for n in nodes:
        label = getattr(n, "label", "") or ""
        if label:
            out.append(label)
        elif not n.parents and not n.requires_grad:
            out.append(fmt.array(n.data) if fmt.is_tensor(n) else fmt.short(n.data))
        else:
            prefix = "t" if fmt.is_tensor(n) else "v"
            while True:
                k += 1
                name = f"{prefix}{k}"
                if name not in taken:
                    break
            out.append(name)
    return out
