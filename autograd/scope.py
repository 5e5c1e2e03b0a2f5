"""Name scopes: mark the part of a graph that one composite function built, under one name.

A loss such as cross-entropy is a dozen primitive ops (max, subtract, exp, sum, log, index, mean).
The engine needs them all, but a student wrote one call, and a picture should be able to show one
card, "cross-entropy", that opens into the dozen when asked. ``named`` marks that region::

    @scope.named("cross-entropy")
    def cross_entropy(logits, labels): ...

    loss = cross_entropy(z, y)
    scope.scope_of(loss)        # Scope('cross-entropy', inputs=(z,))
    scope.region(loss)          # every node the call created, output first

How it is stored, and why it costs nothing when unused: the mark lives in the output node's
``label`` (a ``Scope`` is a ``str`` whose text is the label shown), so nodes carry no extra slot
and functions that are not decorated pay nothing. A decorated call costs one pass over its
arguments to find the graph nodes among them (the region's boundary); nothing happens under
``no_grad`` (no graph, nothing to mark). Marks nest: a scoped call inside another one is a region
inside the outer region.

The region of a scoped node ``out`` is every node reachable backwards from ``out`` without passing
through one of the call's inputs or a leaf that requires a gradient (a parameter the function
read from outside). Constants the function created are inside it.

Setting ``out.label = "loss"`` afterwards replaces the mark with a plain label; give the label
through ``mark(out, name, inputs, label="loss")`` or ``relabel(out, "loss")`` to keep both.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from .graph import as_tuple
from .node import Node

F = TypeVar("F", bound=Callable[..., Any])

__all__ = ["Scope", "mark", "named", "region", "relabel", "scope_of"]


class Scope(str):
    """A node's label that also says which composite function made the node.

    As a ``str`` it is the text a picture shows (the user's label if one was given, else the
    scope's name); ``name`` is the function's display name and ``inputs`` the graph nodes it
    was called with.
    """

    name: str
    inputs: tuple[Node, ...]

    def __new__(cls, name: str, inputs: tuple[Node, ...] = (), label: str = "") -> Scope:
        self = super().__new__(cls, label or name)
        self.name = name
        self.inputs = inputs
        return self

    def __repr__(self) -> str:
        shown = "" if str(self) == self.name else f", label={str(self)!r}"
        return f"Scope({self.name!r}, inputs={len(self.inputs)}{shown})"

    def __reduce__(self) -> tuple:  # pickles (and copies) as the plain label text
        return (str, (str(self),))


# how deep _nodes_in looks into nested lists: the call's (args, kwargs), an argument, a batch of
# samples, a sample's list of outputs, a Value
_DEPTH = 6


def _nodes_in(obj: Any, out: list[Node], depth: int = 0) -> None:
    """Collect the graph nodes in an argument: a node, or (nested) lists/tuples/dicts of them."""
    if isinstance(obj, Node):
        out.append(obj)
    elif depth < _DEPTH and isinstance(obj, (list, tuple)):
        for item in obj:
            _nodes_in(item, out, depth + 1)
    elif depth < _DEPTH and isinstance(obj, dict):
        for item in obj.values():
            _nodes_in(item, out, depth + 1)


def mark(output: Any, name: str, inputs: Iterable[Any] = (), label: str = "") -> Any:
    """Mark ``output`` as the result of the composite function ``name`` applied to ``inputs``.

    Returns ``output`` unchanged otherwise. Nothing is marked when ``output`` is not a recorded
    node (a plain number, or a leaf made under ``no_grad``) or is itself one of the inputs.
    """
    if not isinstance(name, str) or not name:
        raise TypeError(f"a scope needs a non-empty name (a str), got {name!r}")
    if not isinstance(output, Node) or output.op is None:
        return output
    if type(inputs) is tuple and len(inputs) == 1 and isinstance(inputs[0], Node):
        if inputs[0] is output:  # one node in (a loss of its logits): nothing to search
            return output
        unique = inputs
    else:
        found: list[Node] = []
        _nodes_in(list(inputs), found)
        ids = {id(n) for n in found}
        if id(output) in ids:
            return output
        unique = tuple({id(n): n for n in found}.values())
    output.label = Scope(name, unique, label or _plain(output.label))
    return output


def _plain(label: str) -> str:
    """A label's user text: '' for a scope's own default (its name), else the text."""
    if isinstance(label, Scope):
        return "" if str(label) == label.name else str(label)
    return label


def named(name: str) -> Callable[[F], F]:
    """Decorator: every call of the function marks its result as one region called ``name``."""
    if not isinstance(name, str) or not name:
        raise TypeError(f"named() needs a non-empty name (a str), got {name!r}")

    def wrap(fn: F) -> F:
        @functools.wraps(fn)
        def scoped(*args: Any, **kwargs: Any) -> Any:
            result = fn(*args, **kwargs)
            if isinstance(result, Node) and result.op is not None:
                mark(result, name, (args, kwargs))
            return result

        return scoped  # type: ignore[return-value]

    return wrap


def scope_of(node: Any) -> Scope | None:
    """The ``Scope`` that marks ``node``, or None when no composite function made it."""
    label = getattr(node, "label", None)
    return label if isinstance(label, Scope) else None


def relabel(node: Node, label: str) -> Node:
    """Give a node a display label, keeping its scope mark if it has one."""
    s = scope_of(node)
    node.label = label if s is None else Scope(s.name, s.inputs, label)
    return node


def region(node: Node) -> list[Node]:
    """The nodes a scoped call created: ``node`` first, then its ancestors up to the boundary.

    The boundary is the call's inputs and any leaf that requires a gradient (a parameter read
    from outside). Raises ValueError for a node that is not marked.
    """
    s = scope_of(node)
    if s is None:
        raise ValueError(
            "this node is not the result of a scoped function (see chainrule.autograd.scope)"
        )
    outside = {id(n) for n in s.inputs}
    seen = {id(node)}
    found = [node]
    stack = [node]
    while stack:
        n = stack.pop()
        for p in as_tuple(n._a, n._b):
            if id(p) in seen or id(p) in outside:
                continue
            seen.add(id(p))
            if p.op is None and p.requires_grad:
                continue  # a parameter from outside the call
            found.append(p)
            stack.append(p)
    return found
