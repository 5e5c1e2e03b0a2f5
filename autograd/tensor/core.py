"""The ``Tensor`` class: construction, dtypes, attributes and the engine hooks.

The operators (``+ - * / **``, unary ``-``, ``abs``) and the elementwise methods (``exp``,
``tanh``, ...) are installed from the op registry for both node types; backpropagation is
``backprop.py``'s. The methods that only
arrays have come from one mixin per concept, each op class beside its method: ``elementwise.py``
(clip, comparisons), ``reductions.py`` (sum, mean, max, min, logsumexp, softmax), ``linalg.py``
(``@``), ``shape.py`` (reshape, transpose, broadcast_to) and ``indexing.py`` (``t[key]``); the
functions of several tensors are in ``functions.py``. Broadcasting follows numpy; each gradient is
summed back to its operand's shape by one helper (``NumpyBackend.unbroadcast``) where backprop
hands it to the operand. Every op's result is an ndarray, 0-d ones included (``_as_data``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..backends import NUMPY
from ..node import Node
from .creation import CreationMethods
from .elementwise import ElementwiseMethods
from .indexing import IndexingMethods
from .linalg import LinalgMethods
from .reductions import ReductionMethods
from .shape import ShapeMethods

# Python numbers and numpy scalars of a kind no wider than the tensor's take the tensor's dtype, so
# that `x32 * 0.5` stays float32 (PyTorch's rule); 0-d arrays count as scalars too.
_RANK = {"b": 0, "u": 1, "i": 1, "f": 2}


def _checked(arr: np.ndarray, what: str) -> np.ndarray:
    if arr.dtype.kind not in _RANK:
        raise TypeError(
            f"{what}: unsupported dtype {arr.dtype}; a Tensor holds booleans, integers or "
            "floating-point numbers, not strings, objects or complex numbers"
        )
    return arr


def _as_array(data: Any, dtype: Any, what: str) -> np.ndarray:
    """``data`` as a new row-major numpy array (a copy, as torch.tensor), with a checked dtype."""
    if isinstance(data, Node):
        data = data.data
    if data is None:
        raise TypeError(f"{what}: got None; pass a number, a (nested) list of numbers or an array")
    try:
        arr = np.array(data, dtype=dtype, order="C")
    except (ValueError, TypeError) as e:
        raise (ValueError if isinstance(e, ValueError) else TypeError)(
            f"{what}: cannot make an array from {type(data).__name__} ({e})"
        ) from None
    return _checked(arr, what)


def _ndarray(x: Any) -> np.ndarray:
    """An op's result as an ndarray: numpy gives scalars for 0-d results (``a @ b`` of vectors)."""
    return x if type(x) is np.ndarray else np.asarray(x)


class Tensor(
    CreationMethods,
    ElementwiseMethods,
    ReductionMethods,
    LinalgMethods,
    ShapeMethods,
    IndexingMethods,
    Node,
):
    """An array in the graph: ``.data`` (ndarray), ``.grad`` (ndarray, None until backward).

    ``Tensor(data, requires_grad=False, dtype=None, label='')`` copies ``data`` (a number, a nested
    list or an ndarray); the dtype follows numpy (float64 for Python floats) unless given. Only a
    floating-point tensor can have ``requires_grad=True``. Mixed with Python numbers, a tensor keeps
    its dtype (``x32 * 0.5`` is float32); mixed with arrays, numpy's promotion rules apply.
    """

    __slots__ = ()
    engine = "tensor"
    _backend = NUMPY
    _broadcasts = True
    _zero_grad = None
    _as_data = staticmethod(_ndarray)
    _array_type = np.ndarray  # what _as_data returns: results of this type skip the call
    # numpy hands binary operators to Tensor's reflected methods: np.ones(3) * t is a Tensor
    __array_ufunc__ = None

    def __init__(
        self, data: Any, requires_grad: bool = False, dtype: Any = None, label: str = ""
    ) -> None:
        arr = _as_array(data, dtype, "Tensor(data)")
        if not isinstance(label, str):
            raise TypeError(f"Tensor(label) must be a str, not {type(label).__name__}")
        if requires_grad and arr.dtype.kind != "f":
            raise TypeError(
                f"Tensor(requires_grad=True) needs a floating-point dtype, not {arr.dtype}: "
                "pass dtype=float (or float32), or write the numbers as floats (1.0, not 1)"
            )
        self.data = arr
        self.grad = None
        self._a = self._b = None
        self.op = None
        self.label = label
        self._uses = 0 if requires_grad else -1  # requires_grad (see Node.requires_grad)

    # --- engine hooks -------------------------------------------------------------------------

    def _lift(self, x: Any) -> Tensor:
        """A number or array used in an op with this tensor, as a constant Tensor (no copy)."""
        kind = type(x)
        if kind is float or kind is int:
            own = self.data.dtype
            if own.kind == "f":  # the common case, first: a Python number in a float expression
                return type(self)._constant(np.array(x, own))
        if isinstance(x, (float, int)) or (isinstance(x, np.generic) and x.ndim == 0):
            return type(self)._constant(self._scalar(x))
        if isinstance(x, np.ndarray):
            if x.ndim == 0:
                return type(self)._constant(self._scalar(x))
            return type(self)._constant(_checked(x, "operand"))
        if isinstance(x, (list, tuple)):
            return type(self)._constant(_as_array(x, None, "operand"))
        if isinstance(x, Tensor):  # a subclass of Tensor (the operators check the exact type)
            return x
        hint = ""
        if isinstance(x, Node):
            hint = f"; a Tensor does not combine with a {type(x).__name__}: use Tensor(v.data)"
        raise TypeError(
            f"unsupported operand: Tensor and {type(x).__name__} ({x!r:.60}); a Tensor combines "
            f"with Tensors, numbers, lists and numpy arrays{hint}"
        )

    def _scalar(self, x: Any) -> np.ndarray:
        """A scalar as a 0-d array of this tensor's dtype when its kind fits (float32 stays)."""
        own = self.data.dtype
        if isinstance(x, (np.ndarray, np.generic)):
            kind = x.dtype.kind
        elif isinstance(x, bool):
            kind = "b"
        else:
            kind = "f" if isinstance(x, float) else "i"
        if kind not in _RANK:
            raise TypeError(f"unsupported operand: Tensor and {type(x).__name__} ({x!r:.60})")
        if _RANK[kind] <= _RANK[own.kind]:
            return np.array(x, dtype=own)
        return np.array(x, dtype=np.result_type(own, {"i": 1, "f": 1.0, "u": 1}[kind]))

    def _seed(self, grad: Any) -> Any:
        """d self / d self: ones for a one-element tensor, else the ``grad`` the caller passes."""
        if grad is None:
            if self.data.size != 1:
                raise RuntimeError(
                    f"backward() on a tensor of shape {self.shape} needs a grad of that shape "
                    "(d loss / d this tensor): call t.backward(grad), or reduce to one element "
                    "first, e.g. t.sum().backward()"
                )
            one = np.array(1, dtype=self.data.dtype)  # cheaper than np.ones for one element
            return one if self.data.ndim == 0 else one.reshape(self.data.shape)
        if isinstance(grad, Tensor):
            if grad.shape != self.shape:
                raise ValueError(
                    f"backward(grad): grad has shape {grad.shape} but the tensor has shape "
                    f"{self.shape}; they must be equal"
                )
            return grad if grad.requires_grad else grad.data.astype(self.data.dtype)
        g = _as_array(grad, self.data.dtype, "backward(grad)")
        if g.shape != self.shape:
            raise ValueError(
                f"backward(grad): grad has shape {g.shape} but the tensor has shape {self.shape}; "
                "they must be equal"
            )
        return g

    @staticmethod
    def _zeros_like(x: Tensor, create_graph: bool) -> Any:
        z = np.zeros_like(x.data)
        return Tensor._constant(z) if create_graph else z

    def _apply(self, op: Any, data: Any) -> Tensor:
        """Record a one-input op applied to this tensor (``data`` its computed result)."""
        return self._record(op, data, self, None, self.requires_grad)

    # --- attributes ---------------------------------------------------------------------------

    @property
    def shape(self) -> tuple[int, ...]:
        return self.data.shape

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def size(self) -> int:
        return self.data.size

    @property
    def dtype(self) -> np.dtype:
        return self.data.dtype

    def item(self) -> Any:
        """The one element as a Python number (a ValueError for any other size)."""
        if self.data.size != 1:
            raise ValueError(f"item() needs a one-element tensor, not one of shape {self.shape}")
        return self.data.item()

    def numpy(self) -> np.ndarray:
        """The data as an ndarray (shared, not copied; ``.copy()`` it to keep a snapshot)."""
        return np.asarray(self.data)

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        """numpy functions (``np.sum(t)``, ``np.max(t)``) are refused, as ufuncs are: their result
        would carry no gradient. ``np.asarray(t)`` and ``t.numpy()`` still give the array."""
        name = getattr(func, "__name__", "function")
        use = f"t.{name}()" if hasattr(type(self), name) else "the Tensor's own methods"
        raise TypeError(f"np.{name}() does not take a Tensor (its result would have no gradient): "
                        f"use {use}, or np.{name}(t.numpy()) for a plain array")

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        arr = np.asarray(self.data, dtype=dtype)
        return arr.copy() if copy else arr

    def __len__(self) -> int:
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return len(self.data)

    def __iter__(self) -> Any:
        return (self[i] for i in range(len(self)))

    def __bool__(self) -> bool:
        if self.data.size != 1:
            raise ValueError(
                f"the truth value of a Tensor of shape {self.shape} is ambiguous: compare "
                "t.numpy() with numpy's .any() or .all(), or one element with t[i].item()"
            )
        return bool(self.data)

    def __float__(self) -> float:
        return float(self.item())

    def __repr__(self) -> str:
        body = np.array2string(np.asarray(self.data), separator=", ", prefix="Tensor(")
        parts = [body, f"shape={self.shape}", f"dtype={self.dtype}"]
        if self.op is not None:
            parts.append(f"op={self.op.name!r}")
        elif self.requires_grad:
            parts.append("requires_grad=True")
        if self.label:
            parts.append(f"label={self.label!r}")
        return f"Tensor({', '.join(parts)})"
