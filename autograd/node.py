"""The graph core: ``Node``, the one base class of ``Value`` and ``Tensor``.

A node holds

- ``data``: its value (a float for Value, a numpy array for Tensor),
- ``grad``: d(root)/d(node) after ``backward`` (0.0 for a Value, None for a Tensor, before),
- ``parents``: the nodes it was computed from (a tuple; empty for a leaf),
- ``op``: the op that made it (see ``ops/``; ``None`` for a leaf); ``node.op_name`` is its name,
- ``label``: a display name ('' by default),
- ``requires_grad``: whether gradients flow to it.

The operators (``+ - * / **``, unary ``-``, ``abs``) and the named ops (``exp``, ``tanh``, ...)
are not written here: each node type gets them from the op registry when it is defined
(``methods.install``), so they cannot drift apart between Value and Tensor. Each node type
supplies ``_lift`` (a plain number or array as a constant node, or a TypeError), ``_backend``
(the functions that compute on its data) and ``_zero_grad``. Nodes hold no reference cycles
(parents point one way, ops hold no nodes), so reference counting frees a graph as soon as the
last reference to its root goes.
"""

from __future__ import annotations

from typing import Any

from . import _state, methods, ops
from .anomaly import check_forward
from .backprop import backward as _backward
from .graph import NARY, as_tuple


class Node:
    """Base of every graph node. Not used directly: use ``Value`` or ``Tensor``."""

    # The parents live in two slots, _a and _b (None when absent; an op with more than two inputs
    # keeps the tuple of all of them in _a and NARY in _b): a tuple per node would double the
    # objects that Python's cyclic collector tracks, and with it the number of full collections
    # while a large graph is built (measured: half the forward time of the moons benchmark).
    # _uses is the use counter of a backward pass in progress (see backprop.py): -1 for a node that
    # needs no gradient (``requires_grad``), 0 otherwise between passes. A pass sums its gradients
    # in .grad itself: a scratch slot less (7 slots) makes every node smaller and cheaper to
    # create, free and walk for the cyclic collector.
    # _label holds ``label``; an op's result leaves it empty (the property reads '' then): one
    # store less per node of every graph, and the same 7 slots (the same bytes per node).
    __slots__ = ("data", "grad", "op", "_label", "_a", "_b", "_uses")

    #: which engine the node belongs to: ``"scalar"`` (Value, float data) or ``"tensor"`` (Tensor,
    #: ndarray data). The one public way to ask; compare ``x.engine == "tensor"``.
    engine: str = ""
    _backend: Any = None
    _broadcasts = False
    _zero_grad: Any = None
    #: None, or a function every op result passes through (Tensor: numpy scalars -> 0-d arrays)
    _as_data: Any = None

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
        n._uses = -1  # requires_grad False (the label is left empty: '')
        return n

    def _record(self, op: ops.Op, data: Any, a: Any, b: Any, needs: bool) -> Node:
        """Wrap an op's result: a recorded node, or a plain leaf when nothing needs a gradient.

        ``a``, ``b`` are the op's parents (``b`` None for one input; for more than two inputs,
        ``a`` is their tuple and ``b`` is ``NARY``).
        """
        cls = type(self)
        if cls._as_data is not None:  # a Tensor result becomes an ndarray (methods.py inlines this)
            data = cls._as_data(data)
        n = cls.__new__(cls)
        n.data = data
        n.grad = cls._zero_grad
        if _state.mode:  # a mode block is open in some thread, or no session is on
            modes = _state.local
            if modes.anomaly:
                check_forward(op, data, as_tuple(a, b))
            needs = needs and modes.grad_enabled
            if needs and _state._session is None:
                n.label = _state.start_session()  # this node's death ends it (see _state)
        if needs:
            n._a = a
            n._b = b
            n.op = op
            n._uses = 0
        else:
            n._a = n._b = None
            n.op = None
            n._uses = -1
        return n

    # --- what viz and users read ---------------------------------------------------------------

    @property
    def label(self) -> str:
        """The node's display name ('' unless one was given, or a name scope marked the node)."""
        try:
            return self._label
        except AttributeError:  # never set: an op's result (its slot is left empty on purpose)
            return ""

    @label.setter
    def label(self, text: str) -> None:
        self._label = text

    @property
    def parents(self) -> tuple:
        """The nodes this one was computed from, in the op's argument order (() for a leaf)."""
        return as_tuple(self._a, self._b)

    @property
    def requires_grad(self) -> bool:
        """Whether gradients flow to this node (False for constants and detached values)."""
        # kept in _uses, the backward pass's use counter, as -1: one slot less per node makes
        # the cyclic collector's passes over a large graph measurably faster (see backprop.py)
        return self._uses >= 0

    @requires_grad.setter
    def requires_grad(self, flag: bool) -> None:
        self._uses = 0 if flag else -1

    @property
    def op_name(self) -> str:
        """The name of the op that made this node ('' for a leaf)."""
        op = self.op
        return "" if op is None else op.name

    @property
    def is_leaf(self) -> bool:
        """True for a node that no op made (an input, a parameter or a constant)."""
        return self._a is None

    # --- operators and named ops: installed from the op registry (see methods.py) ------------

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls._backend is not None:
            methods.install(cls)

    def _apply1(self, op: ops.Op) -> Node:
        """Apply a one-input op that carries parameters (``x ** 3``, ``leaky_relu(0.1)``)."""
        data = op.forward(self._backend, self.data)
        return self._record(op, data, self, None, self.requires_grad)

    def __pow__(self, other: Any) -> Node:
        """x ** k (a number: one op, d/dx = k x^(k-1)) or x ** y (a node: d/dy = x^y ln x too)."""
        if isinstance(other, (int, float)) and not isinstance(other, bool):
            return self._apply1(ops.PowConst(float(other)))
        return self._pow(other)

    def __pos__(self) -> Node:
        return self

    __hash__ = object.__hash__  # identity: nodes are dictionary keys

    def leaky_relu(self, slope: float = 0.01) -> Node:
        """leaky_relu(x) = x if x > 0 else slope * x;  d/dx = 1 if x > 0 else slope"""
        return self._apply1(ops.LeakyRelu(float(slope)))

    # --- gradients ----------------------------------------------------------------------------

    def backward(self, grad: Any = None, *, create_graph: bool = False) -> None:
        """Backpropagate from this node: add d(self)/d(node) to ``node.grad`` for every ancestor.

        Gradients *accumulate*, as in PyTorch: calling ``backward`` twice without zeroing
        doubles every ``.grad``. Zero them first (``model.zero_grad()``, or ``x.grad = 0.0``).
        With ``create_graph=True`` the gradients are themselves nodes, so they can be
        differentiated again.
        """
        _backward(self, grad, create_graph=create_graph)

    def detach(self) -> Node:
        """A new leaf with the same data and no history: gradients stop here."""
        return type(self)._constant(self.data)


def apply(op: ops.Op, *args: Any) -> Node:
    """Apply an op object to its inputs and record the result: how a new op is used.

    Numbers (and, for tensors, arrays) among ``args`` become constants. Example, a student's op::

        class Square(ops.Op):
            \"\"\"x^2;  d/dx x^2 = 2x\"\"\"
            name = "square"
            def forward(self, F, x):
                return x * x
            def partials(self, F, out, x):
                return (2.0 * x,)

        y = autograd.apply(Square(), Value(3.0))      # Value(data=9.0, op='square')
    """
    first = next((a for a in args if isinstance(a, Node)), None)
    if first is None:
        raise TypeError(f"apply({op.name}): at least one input must be a Value or Tensor")
    ps = tuple(a if isinstance(a, Node) else first._lift(a) for a in args)
    data = op.forward(first._backend, *[p.data for p in ps])
    needs = any(p.requires_grad for p in ps)
    if len(ps) == 1:
        return first._record(op, data, ps[0], None, needs)
    if len(ps) == 2:
        return first._record(op, data, ps[0], ps[1], needs)
    return first._record(op, data, ps, NARY, needs)

