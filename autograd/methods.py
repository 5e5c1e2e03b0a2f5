"""The method tables of the node types, derived from the op registry (``ops.registry()``).

Every parameter-free elementwise op (``ops.installable``) becomes a method of each node type it
serves, under the names in its ``methods``: a one-input op one method (``exp``), a two-input op
the pair ``x op y`` and ``y op x`` (``__add__``, ``__radd__``). Ops with parameters
(``x ** k``, ``leaky_relu(slope)``) and the Tensor-only ops keep a hand-written method next to
their class. A method is installed only where the node type does not define one itself.

The methods are made by two small factories, with the node type's backend and zero gradient bound
in: they run once per node of every graph, so the usual recording (``Node._record``) is inlined
for the common case (grad on, anomaly detection off, an input that needs a gradient), and the
two-input method's source is generated from one template (``_BINARY``, as ``dataclasses`` does),
so that ``+ - *`` on floats are written as operators instead of calls.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from functools import partial
from typing import Any

from . import _state, ops

_new = object.__new__


def _rule(op: ops.Op, cls: type) -> Callable[..., Any]:
    """The op's forward rule as a function of its inputs' data alone, for node type ``cls``.

    An op that declares its forward as a plain ``function`` (``operator.add``) is called directly
    (a C function: no Python frame per node), one that names a ``primitive`` gets the backend's
    function of that name (``MATH.relu``); the others get the node type's backend bound in.
    """
    if op.function is not None:
        return op.function
    if op.primitive:  # the backend's own function (MATH.relu)
        return getattr(cls._backend, op.primitive)
    return partial(op.forward, cls._backend)


def _forward(op: ops.Op, cls: type) -> Callable[..., Any]:
    """``_rule``, and for a Tensor its result passed through ``_as_data`` (numpy scalars become
    0-d arrays)."""
    function = _rule(op, cls)
    as_data = cls._as_data
    if as_data is None:
        return function
    if type(op).arity == 2:
        return lambda a, b: as_data(function(a, b))
    return lambda x: as_data(function(x))


def unary(op: ops.Op, cls: type) -> Callable[[Any], Any]:
    """The method of node type ``cls`` that applies a one-input op: forward rule, then record."""
    if cls._as_data is not None:
        return _array_unary(op, cls)
    forward = _forward(op, cls)
    zero = cls._zero_grad

    def method(self: Any) -> Any:
        data = forward(self.data)
        if _state.mode or self._uses < 0:
            return self._record(op, data, self, None, self._uses >= 0)
        n = _new(cls)  # the fast path of _record, inlined
        n.data = data
        n.grad = zero
        n.op = op
        n._a = self
        n._b = None
        n._uses = 0  # n.label is left empty (''): see Node.label
        return n

    method.__doc__ = type(op).__doc__
    return method


def _array_unary(op: ops.Op, cls: type) -> Callable[[Any], Any]:
    """``unary`` for a node type whose results pass through ``_as_data`` (Tensor): the same
    forward rule and recording, with the op's forward called as a bound method and the result
    converted only when it is not already of the type's array type (``cls._array_type``).

    Relu, half the nodes of an MLP, runs through here: one Python frame fewer than ``_forward``'s
    wrapper and no ``_as_data`` call on an ndarray result, 1.77 -> 1.5 us a call at (32, 64)
    against 1.27 for ``np.maximum`` alone (see benchmarks/README.md, session 3, last pass).
    """
    forward = _rule(op, cls)
    as_data, array, zero = cls._as_data, cls._array_type, cls._zero_grad

    def method(self: Any) -> Any:
        data = forward(self.data)
        if type(data) is not array:  # numpy gives a scalar for a 0-d result
            data = as_data(data)
        if _state.mode or self._uses < 0:
            return self._record(op, data, self, None, self._uses >= 0)
        n = _new(cls)  # the fast path of _record, inlined
        n.data = data
        n.grad = zero
        n.op = op
        n._a = self
        n._b = None
        n._uses = 0  # the label is left empty, as in ``unary``
        return n

    method.__doc__ = type(op).__doc__
    return method


# The source of the methods ``x op y`` and ``y op x`` of every two-input op, filled in per op and
# node type: ``{x}``, ``{y}`` are the op's inputs in order (``self, other`` or ``other, self``).
# An op whose forward is a Python operator (``Add.function is operator.add``) gets the operator
# written into the expression on floats (``self.data + other.data``: no call per node; the scalar
# MLP's forward is 10% faster); any other op calls its forward rule, ``forward(x, y)``.
_BINARY = """
def method(self, other):
    {lift}
    try:  # free when nothing is raised (Python >= 3.11)
        data = {expression}
    except ValueError as e:  # numpy: shapes that do not broadcast
        raise shape_error(op, {x}, {y}) from e
    if _state.mode or (self._uses < 0 and other._uses < 0):
        return self._record(op, data, {x}, {y}, self._uses >= 0 or other._uses >= 0)
    n = _new(cls)  # the fast path of Node._record, inlined
    n.data = data
    n.grad = zero
    n.op = op
    n._a = {x}
    n._b = {y}
    n._uses = 0
    return n
"""
#: how ``other`` becomes a node: ``x op y`` lifts a number, an array or another node type (not a
#: node of its own type); ``y op x`` runs only when y is not a node of this type, so it always lifts
_LIFT = ("if type(other) is not cls: other = self._lift(other)", "other = self._lift(other)")

#: the operators written into a method's source when an op's ``function`` is one of them
_OPERATORS = {operator.add: "+", operator.sub: "-", operator.mul: "*"}


def binary(op: ops.Op, cls: type) -> tuple[Callable[[Any, Any], Any], Callable[[Any, Any], Any]]:
    """The method pair (``x op y``, ``y op x``) of a two-input op; numbers become constants."""
    forward = _forward(op, cls)
    symbol = _OPERATORS.get(op.function) if cls._as_data is None else None
    scope = {"cls": cls, "op": op, "zero": cls._zero_grad, "forward": forward, "_new": _new,
             "_state": _state, "shape_error": shape_error}
    made = []
    for name, (x, y), lift in zip(op.methods, (("self", "other"), ("other", "self")), _LIFT):
        expression = f"{x}.data {symbol} {y}.data" if symbol else f"forward({x}.data, {y}.data)"
        source = _BINARY.format(lift=lift, expression=expression, x=x, y=y)
        # tracebacks name the method: File "<chainrule method Value.__mul__>", line 4
        code = compile(source, f"<chainrule method {cls.__name__}.{name}>", "exec")
        exec(code, scope)  # noqa: S102 - our own template, filled in with names from above
        method = scope.pop("method")
        method.__doc__ = type(op).__doc__
        method.__name__ = name
        method.__qualname__ = f"{cls.__name__}.{name}"
        method.__code__ = method.__code__.replace(co_name=name)  # the name tracebacks print
        made.append(method)
    return made[0], made[1]


def shape_error(op: ops.Op, a: Any, b: Any) -> ValueError:
    """numpy's broadcasting error, naming the op and both operand shapes."""
    sa, sb = getattr(a.data, "shape", ()), getattr(b.data, "shape", ())
    return ValueError(
        f"'{op.name}': cannot broadcast shapes {sa} and {sb} together (compared from the last "
        "axis, each pair of lengths must be equal, or one of them 1)"
    )


def install(cls: type) -> None:
    """Give node type ``cls`` a method for every installable op of its engine."""
    for op_cls in ops.registry():
        if not ops.installable(op_cls, cls.engine):
            continue
        op = ops.shared(op_cls)
        if op_cls.arity == 2:
            made: tuple = binary(op, cls)
        else:
            made = (unary(op, cls),) * len(op_cls.methods)
        for name, method in zip(op_cls.methods, made, strict=True):
            if name not in cls.__dict__:
                setattr(cls, name, method)
