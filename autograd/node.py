"""The graph core: ``Node``, the one base class of ``Value`` and ``Tensor``.

A node holds

- ``data``: its value (a float for Value, a numpy array for Tensor),
- ``grad``: d(root)/d(node) after ``backward`` (0.0 for a Value, None for a Tensor, before),
- ``parents``: the nodes it was computed from (a tuple; empty for a leaf),
- ``op``: the op that made it (see ``ops.py``; ``None`` for a leaf); ``node.op_name`` is its name,
- ``label``: a display name ('' by default),
- ``requires_grad``: whether gradients flow to it.

The operators (``+ - * / **``, unary ``-``, ``abs``) and the named ops (``exp``, ``tanh``, ...)
are written once here, for both node types, by two small factories (``_unary``, ``_binary``) that
turn an op of ``ops.py`` into a method. Each node type supplies ``_lift`` (a plain number or array
as a constant node, or a TypeError), ``_backend`` (the functions that compute on its data) and
``_zero_grad``. Nodes hold no reference cycles (parents point one way, ops hold no nodes), so
reference counting frees a graph as soon as the last reference to its root goes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import _state
from . import ops as O

_new = object.__new__


def _unary(op: O.Op) -> Callable[[Node], Node]:
    """The method that applies a one-input op: compute the forward rule, record the node."""
    forward = op.forward

    def method(self: Node) -> Node:
        data = forward(self._backend, self.data)
        if _state.mode or not self.requires_grad:
            return self._record(op, data, self, None, self.requires_grad)
        n = _new(type(self))  # the fast path of _record, inlined: this runs once per node
        n.data = data
        n.grad = n._zero_grad
        n.op = op
        n.label = ""
        n.requires_grad = True
        n._a = self
        n._b = None
        n._uses = 0
        n._g = None
        return n

    method.__name__ = op.name
    method.__doc__ = type(op).__doc__
    return method


def _binary(op: O.Op) -> tuple[Callable[[Node, Any], Node], Callable[[Node, Any], Node]]:
    """The method pair (``x op y``, ``y op x``) of a two-input op; numbers become constants."""
    forward = op.forward

    def method(self: Node, other: Any) -> Node:
        if not isinstance(other, Node):
            other = self._lift(other)
        try:  # free when nothing is raised (Python >= 3.11)
            data = forward(self._backend, self.data, other.data)
        except ValueError as e:  # numpy: shapes that do not broadcast
            raise _shape_error(op, self, other, e) from None
        if _state.mode or not (self.requires_grad or other.requires_grad):
            return self._record(op, data, self, other, self.requires_grad or other.requires_grad)
        n = _new(type(self))
        n.data = data
        n.grad = n._zero_grad
        n.op = op
        n.label = ""
        n.requires_grad = True
        n._a = self
        n._b = other
        n._uses = 0
        n._g = None
        return n

    def reflected(self: Node, other: Any) -> Node:
        other = self._lift(other)
        try:
            data = forward(self._backend, other.data, self.data)
        except ValueError as e:
            raise _shape_error(op, other, self, e) from None
        return self._record(op, data, other, self, self.requires_grad)

    method.__doc__ = reflected.__doc__ = type(op).__doc__
    return method, reflected


def _shape_error(op: O.Op, a: Node, b: Node, e: ValueError) -> ValueError:
    """numpy's broadcasting error, naming the op and both operand shapes."""
    sa, sb = getattr(a.data, "shape", ()), getattr(b.data, "shape", ())
    return ValueError(
        f"'{op.name}': cannot broadcast shapes {sa} and {sb} together (compared from the last "
        "axis, each pair of lengths must be equal, or one of them 1)"
    )


class _Nary:
    """Marks a node whose ``_a`` slot holds the tuple of all its (more than two) parents."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "NARY"


NARY = _Nary()


def _as_tuple(a: Any, b: Any) -> tuple:
    if a is None:
        return ()
    if b is None:
        return (a,)
    if b is NARY:
        return a
    return (a, b)


class Node:
    """Base of every graph node. Not used directly: use ``Value`` or ``Tensor``."""

    # The parents live in two slots, _a and _b (None when absent; an op with more than two inputs
    # keeps the tuple of all of them in _a and NARY in _b): a tuple per node would double the
    # objects that Python's cyclic collector tracks, and with it the number of full collections
    # while a large graph is built (measured: half the forward time of the moons benchmark).
    # _uses and _g are the scratch space of a backward pass in progress (see backprop.py).
    __slots__ = ("data", "grad", "op", "label", "requires_grad", "_a", "_b", "_uses", "_g")

    _backend: Any = None
    _broadcasts = False
    _zero_grad: Any = None

    # --- construction -------------------------------------------------------------------------

    @classmethod
    def _lift(cls, x: Any) -> Node:  # pragma: no cover - abstract
        raise NotImplementedError

    @classmethod
    def _constant(cls, data: Any) -> Node:
        """A leaf that never receives a gradient (a number or array the user mixed in)."""
        n = cls.__new__(cls)
        n.data = data
        n.grad = cls._zero_grad
        n._a = n._b = None
        n.op = None
        n.label = ""
        n.requires_grad = False
        n._uses = 0
        n._g = None
        return n

    def _record(self, op: O.Op, data: Any, a: Any, b: Any, needs: bool) -> Node:
        """Wrap an op's result: a recorded node, or a plain leaf when nothing needs a gradient.

        ``a``, ``b`` are the op's parents (``b`` None for one input; for more than two inputs,
        ``a`` is their tuple and ``b`` is ``NARY``).
        """
        cls = type(self)
        n = cls.__new__(cls)
        n.data = data
        n.grad = cls._zero_grad
        n.label = ""
        n._uses = 0
        n._g = None
        if _state.mode == 0 and needs:  # the fast path: recording, no anomaly check
            n._a = a
            n._b = b
            n.op = op
            n.requires_grad = True
            return n
        if _state.anomaly:
            from .anomaly import check_forward

            check_forward(op, data, _as_tuple(a, b))
        if _state.grad_enabled and needs:
            n._a = a
            n._b = b
            n.op = op
            n.requires_grad = True
        else:
            n._a = n._b = None
            n.op = None
            n.requires_grad = False
        return n

    # --- what viz and users read ---------------------------------------------------------------

    @property
    def parents(self) -> tuple:
        """The nodes this one was computed from, in the op's argument order (() for a leaf)."""
        return _as_tuple(self._a, self._b)

    @property
    def op_name(self) -> str:
        """The name of the op that made this node ('' for a leaf)."""
        op = self.op
        return "" if op is None else op.name

    @property
    def is_leaf(self) -> bool:
        """True for a node that no op made (an input, a parameter or a constant)."""
        return self._a is None

    # --- operators, written once for Value and Tensor -----------------------------------------

    __add__, __radd__ = _binary(O.ADD)
    __sub__, __rsub__ = _binary(O.SUB)
    __mul__, __rmul__ = _binary(O.MUL)
    __truediv__, __rtruediv__ = _binary(O.DIV)
    _pow, __rpow__ = _binary(O.POW)
    __neg__ = _unary(O.NEG)
    __abs__ = _unary(O.ABS)

    def __pow__(self, other: Any) -> Any:
        """x ** k (a number: one op, d/dx = k x^(k-1)) or x ** y (a node: d/dy = x^y ln x too)."""
        if isinstance(other, (int, float)) and not isinstance(other, bool):
            return _unary(O.PowConst(float(other)))(self)
        return self._pow(other)

    def __pos__(self) -> Any:
        return self

    __hash__ = object.__hash__  # identity: nodes are dictionary keys

    # --- named ops ----------------------------------------------------------------------------

    exp = _unary(O.EXP)
    log = _unary(O.LOG)
    sqrt = _unary(O.SQRT)
    tanh = _unary(O.TANH)
    sigmoid = _unary(O.SIGMOID)
    relu = _unary(O.RELU)
    softplus = _unary(O.SOFTPLUS)
    sin = _unary(O.SIN)
    cos = _unary(O.COS)

    def leaky_relu(self, slope: float = 0.01) -> Any:
        """leaky_relu(x) = x if x > 0 else slope * x;  d/dx = 1 if x > 0 else slope"""
        return _unary(O.LeakyRelu(float(slope)))(self)

    # --- gradients ----------------------------------------------------------------------------

    def backward(self, grad: Any = None, *, create_graph: bool = False) -> None:
        """Backpropagate from this node: add d(self)/d(node) to ``node.grad`` for every ancestor.

        Gradients *accumulate*, as in PyTorch: calling ``backward`` twice without zeroing
        doubles every ``.grad``. Zero them first (``model.zero_grad()``, or ``x.grad = 0.0``).
        With ``create_graph=True`` the gradients are themselves nodes, so they can be
        differentiated again.
        """
        from .backprop import backward

        backward(self, grad, create_graph=create_graph)

    def detach(self) -> Any:
        """A new leaf with the same data and no history: gradients stop here."""
        return type(self)._constant(self.data)
