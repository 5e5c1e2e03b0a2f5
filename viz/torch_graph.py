"""PyTorch's autograd graph, drawn by chainrule: an adapter, and ``trace`` to record values.

viz draws any object with the fields it reads from chainrule's nodes (``data grad parents op
op_name label requires_grad is_leaf engine shape dtype``, see ``walk``). ``adapt`` walks the
``grad_fn`` graph of a ``torch.Tensor`` and presents every value in it as such an object, a
``TorchNode``; everything viz does (cards, module clusters, collapse, highlight, colour by grad,
and what the readable-graphs work adds, such as name scopes) then applies unchanged:

    PyTorch                                          TorchNode
    AccumulateGrad (a leaf: its ``variable``)        a leaf card: data, grad, named by model=
    grad_fn F (output k: ``next_functions`` ->)      a value card made by op F, shape and dtype
                                                     from F's input metadata
    PyTorch's op names (AddmmBackward0, ...)         chainrule's (``@``, ``+``, ``tanh``, ...)

PyTorch keeps the values in between only where an op saved them, so a plain ``draw_graph(t)``
shows the leaves, the root and what ``_saved_result`` holds, and ``-`` elsewhere. ``trace(model,
*inputs)`` runs the forward pass while recording every tensor an op returns (a
``TorchFunctionMode``), calls ``retain_grad`` on them, and notes which module returned what
(forward hooks); a graph drawn while the trace is alive shows every value, and after
``backward()`` every gradient, and each module's output is named by its path (as a name scope,
``chainrule.autograd.scope``).

viz imports torch only inside these functions; nothing here imports nn.
"""

from __future__ import annotations

import re
import weakref
from typing import Any

import numpy as np

from chainrule.autograd.graph import NARY

#: PyTorch's backward names (without ``Backward0``) -> chainrule's op names, where they mean the
#: same; others keep PyTorch's name in lower case (``convolution``, ``softmax``, ``view``)
OP_NAMES = {
    "Add": "+", "Sub": "-", "Mul": "*", "Div": "/", "Neg": "neg", "Mm": "@", "Matmul": "@",
    "Bmm": "@", "Addmm": "@", "T": "transpose", "Transpose": "transpose", "Tanh": "tanh",
    "Relu": "relu", "Sigmoid": "sigmoid", "LeakyRelu": "leaky_relu", "Softplus": "softplus",
    "Exp": "exp", "Log": "log", "Sum": "sum", "Mean": "mean", "Pow": "**", "Sqrt": "sqrt",
    "Abs": "abs",
}
_TRACES: weakref.WeakSet = weakref.WeakSet()  # live traces: where recorded values are found


def is_torch(x: Any) -> bool:
    """True for a ``torch.Tensor`` (checked without importing torch)."""
    module = type(x).__module__ or ""
    return (module == "torch" or module.startswith("torch.")) and hasattr(x, "grad_fn")


def _torch() -> Any:
    try:
        import torch
    except ImportError:  # pragma: no cover - is_torch() was True, so torch is there
        raise ImportError(
            "drawing PyTorch graphs needs torch: pip install 'chainrule[torch]'"
        ) from None
    return torch


def _array(t: Any) -> np.ndarray | None:
    if t is None:
        return None
    t = t.detach().cpu()
    try:
        return t.numpy()
    except TypeError:  # bfloat16 and other dtypes numpy lacks
        return t.float().numpy()


def _np_dtype(dtype: Any) -> np.dtype:
    try:
        return np.dtype(str(dtype).removeprefix("torch."))
    except TypeError:
        return np.dtype(object)


class TorchNode:
    """One value of PyTorch's graph, with the fields viz reads from a chainrule node."""

    engine = "tensor"
    __slots__ = ("data", "grad", "_a", "_b", "op", "op_name", "label", "requires_grad",
                 "shape", "dtype", "tensor")

    def __init__(self, data, grad, parents, op, op_name, label, shape, dtype, tensor) -> None:
        self.data, self.grad, self.op, self.op_name, self.label = data, grad, op, op_name, label
        self._a, self._b = tuple(parents), NARY  # the engine's parent slots (scope.region)
        self.requires_grad = True  # only values that need a gradient are in PyTorch's graph
        self.shape, self.dtype, self.tensor = tuple(shape), dtype, tensor

    @property
    def parents(self) -> tuple:
        return self._a

    @property
    def is_leaf(self) -> bool:
        return not self._a

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def __repr__(self) -> str:
        return f"TorchNode({self.label or self.op_name!r}, shape={self.shape})"


_OP_CLASSES: dict[str, type] = {}


def _op(fn: Any) -> Any:
    """An object whose class docstring (the op's tooltip) names PyTorch's grad_fn."""
    name = type(fn).__name__
    if name not in _OP_CLASSES:
        _OP_CLASSES[name] = type(name, (), {"__doc__": f"{fn.name()} (PyTorch's grad_fn)"})
    return _OP_CLASSES[name]()


def op_name(fn: Any) -> str:
    """chainrule's name for the op of a grad_fn (``x ** 2`` as ``**2``, drawn x\u00b2)."""
    base = re.sub(r"Backward\d*$", "", type(fn).__name__)
    k = getattr(fn, "_saved_exponent", None) if base == "Pow" else None
    if isinstance(k, (int, float)) and not isinstance(k, bool):
        return f"**{k:g}"
    return OP_NAMES.get(base, base.lower())


def adapt(root: Any, model: Any = None) -> tuple[TorchNode, Any]:
    """``(node, model)``: the graph of the tensor ``root`` as TorchNodes, and ``model`` (a
    ``torch.nn.Module`` or None) as an object whose ``named_parameters()`` gives those nodes.

    A live ``trace`` that recorded part of the graph supplies the values in between, their
    gradients, the inputs' names, the model (when ``model`` is None) and module scopes.
    """
    top = (root.grad_fn, root.output_nr) if root.grad_fn is not None else None
    order = _order(top)
    trace = next((tr for tr in list(_TRACES) if any(k in tr.tensors for k in order)), None)
    if model is None and trace is not None:
        model = trace.model
    names = {id(p): n for n, p in model.named_parameters()} if model is not None else {}
    if trace is not None:
        names.update(trace.input_names)
    made: dict[Any, TorchNode] = {}
    leaves: dict[int, TorchNode] = {}
    for key in order:
        fn, k = key
        if hasattr(fn, "variable"):  # AccumulateGrad: a leaf
            leaves[id(fn.variable)] = made[key] = _leaf(fn.variable, names)
            continue
        parents = [made[(f, i)] for f, i in fn.next_functions if f is not None]
        t = root if key == top else trace.tensors.get(key) if trace is not None else None
        data = _array(t) if t is not None else _derived(fn, k, parents, meta_shape(fn, k))
        meta = fn._input_metadata[k]
        made[key] = TorchNode(data, _grad(t), parents, _op(fn), op_name(fn), "", meta.shape,
                              _np_dtype(meta.dtype), t)
    if top is None:  # a leaf tensor: one card
        leaves[id(root)] = made[None] = _leaf(root, names)
    if trace is not None:
        trace.mark(made, leaves)
    proxy = None if model is None else TorchModel(model, leaves)
    return made[top], proxy


def _grad(t: Any) -> np.ndarray | None:
    """A tensor's gradient, if PyTorch kept it (a leaf, or ``retain_grad``)."""
    if t is None or not (t.is_leaf or t.retains_grad):
        return None
    return _array(t.grad)


def _leaf(v: Any, names: dict[int, str]) -> TorchNode:
    return TorchNode(_array(v), _grad(v), (), None, "", names.get(id(v), ""), v.shape,
                     _np_dtype(v.dtype), v)


def meta_shape(fn: Any, k: int) -> tuple:
    return tuple(fn._input_metadata[k].shape)


#: ops whose output follows from their one input alone (rearranged, never computed anew)
REARRANGE = {
    "transpose": lambda fn, a, shape: (a.T if a.ndim < 2 or not hasattr(fn, "_saved_dim0")
                                       else np.swapaxes(a, fn._saved_dim0, fn._saved_dim1)),
    "view": lambda fn, a, shape: a.reshape(shape),
    "unsafeview": lambda fn, a, shape: a.reshape(shape),
    "reshapealias": lambda fn, a, shape: a.reshape(shape),
    "expand": lambda fn, a, shape: np.broadcast_to(a, shape),
}


def _derived(fn: Any, k: int, parents: list, shape: tuple) -> np.ndarray | None:
    """The op's output when PyTorch saved it for the backward pass (tanh, sigmoid, exp do) or
    it is a rearrangement of a known input (``W.T``, a view); else None (drawn as ``-``)."""
    try:
        saved = getattr(fn, "_saved_result", None) if k == 0 else None
    except RuntimeError:  # freed by a backward pass without retain_graph
        saved = None
    if saved is not None:
        return _array(saved)
    rule = REARRANGE.get(op_name(fn))
    if rule is None or len(parents) != 1 or parents[0].data is None:
        return None
    try:
        out = np.asarray(rule(fn, parents[0].data, shape))
    except (ValueError, RuntimeError, AttributeError):
        return None
    return out if out.shape == shape else None


def _order(top: Any) -> list:
    """Every (grad_fn, output index) below ``top``, each after its parents (iterative DFS)."""
    if top is None:
        return []
    order, seen = [], {top}
    stack = [(top, iter(top[0].next_functions))]
    while stack:
        key, it = stack[-1]
        for f, i in it:
            if f is not None and (f, i) not in seen:
                seen.add((f, i))
                stack.append(((f, i), iter(f.next_functions)))
                break
        else:
            stack.pop()
            order.append(key)
    return order


class TorchModel:
    """A ``torch.nn.Module`` as viz's ``model=`` reads it: ``named_parameters()`` gives the
    graph's leaf nodes under PyTorch's names; attributes and items are the module's own."""

    def __init__(self, module: Any, leaves: dict[int, TorchNode]) -> None:
        self._module, self._leaves = module, leaves

    def named_parameters(self) -> list[tuple[str, TorchNode]]:
        # a parameter the graph does not use stays a torch tensor: viz finds it in no node
        return [(n, self._leaves.get(id(p), p)) for n, p in self._module.named_parameters()]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._module, name)

    def __getitem__(self, i: Any) -> Any:
        return self._module[i]
