"""``Module``: the base class of every layer and model, on both engines.

A module's parameters are *found*, never declared: ``parameters()`` walks the module's public
attributes in the order they were set, and collects

- every leaf node (``Value`` or ``Tensor``) that requires a gradient: a parameter,
- the parameters of every sub-module, under the attribute's name,
- the same inside lists, tuples and dicts of nodes and modules (named by index or key).

So ``self.w = [Value(0.5), Value(-1.0)]`` in a module gives two parameters named ``w.0`` and
``w.1``, and a model holding ``self.layers = [Layer(...), ...]`` names them
``layers.0.neurons.3.w.1``. Attributes whose name starts with ``_`` are private (caches, helper
functions) and are not walked. A node reached twice (a shared or tied weight) is listed once, under
the first name found.

Every parameter's ``label`` is its dotted name, set whenever a node or module is assigned as an
attribute (so the outermost model, built last, names everything), which is how a graph renderer
groups the nodes of a computation by module without ``nn`` knowing about it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from chainrule.autograd import Node

_CONTAINERS = (list, tuple, dict)


def _items(obj: Any) -> Iterator[tuple[str, Any]]:
    """(name, item) for a list, tuple or dict: index or key as the name."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield str(k), v
    else:
        for i, v in enumerate(obj):
            yield str(i), v


def _is_parameter(x: Any) -> bool:
    return isinstance(x, Node) and x.requires_grad and x.is_leaf


def _cleared_grad(p: Node) -> Any:
    """The 'no gradient yet' value of a node: 0.0 for a Value (float data), None for a Tensor."""
    return 0.0 if isinstance(p.data, float) else None


def numel(p: Node) -> int:
    """The number of scalars a parameter holds (1 for a Value, ``size`` for a Tensor)."""
    return 1 if isinstance(p.data, float) else int(p.data.size)


class Module:
    """Base class of layers and models: subclasses set attributes and define ``forward``.

    ``model(x)`` calls ``model.forward(x)``. ``training`` is True until ``eval()`` is called.
    """

    training: bool = True

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} does not define forward()")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.forward(*args, **kwargs)

    def __setattr__(self, name: str, value: Any) -> None:
        object.__setattr__(self, name, value)
        # a new parameter or sub-module: label every parameter with its dotted name now, so a
        # graph drawn straight after construction is already grouped by module
        if not name.startswith("_") and isinstance(value, (Node, Module, *_CONTAINERS)):
            self.label_parameters()

    # --- walking the attributes ---------------------------------------------------------------

    def _children(self) -> Iterator[tuple[str, Any]]:
        """The public attributes, in the order they were first set."""
        for name, value in vars(self).items():
            if not name.startswith("_"):
                yield name, value

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Node]]:
        """(dotted name, parameter) pairs in a stable order, each parameter once."""
        seen: set[int] = set()
        for name, p in _walk(self, prefix.rstrip(".")):
            if id(p) not in seen:
                seen.add(id(p))
                yield name, p

    def label_parameters(self) -> None:
        """Set every parameter's ``label`` to its dotted name, taking this module as the root.

        Done automatically whenever a node or module is assigned as an attribute, so the model
        built last (the outermost) names everything; call it after changing a list of layers
        in place (``model.layers.append(...)``), which Python does not report to the model.
        """
        for name, p in self.named_parameters():
            p.label = name

    def parameters(self) -> list[Node]:
        """Every parameter (leaf node requiring a gradient), in ``named_parameters`` order."""
        return [p for _, p in self.named_parameters()]

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        """(dotted name, module) for this module ('' or ``prefix``) and every sub-module, once."""
        seen: set[int] = set()
        stack: list[tuple[str, Any]] = [(prefix, self)]
        while stack:
            name, m = stack.pop()
            if id(m) in seen:
                continue
            seen.add(id(m))
            yield name, m
            found = list(_sub_modules(m, name))
            stack.extend(reversed(found))  # pop in attribute order

    def modules(self) -> list[Module]:
        return [m for _, m in self.named_modules()]

    def num_parameters(self) -> int:
        """The number of trainable scalars: one per Value parameter, ``size`` per Tensor."""
        return sum(numel(p) for p in self.parameters())

    # --- training state -----------------------------------------------------------------------

    def zero_grad(self) -> None:
        """Forget the gradients of every parameter (0.0 for a Value, None for a Tensor).

        Call it before each ``backward``: gradients accumulate, as in PyTorch.
        """
        for p in self.parameters():
            p.grad = _cleared_grad(p)

    def train(self, mode: bool = True) -> Module:
        """Set ``training`` on this module and every sub-module; returns self."""
        for _, m in self.named_modules():
            object.__setattr__(m, "training", bool(mode))
        return self

    def eval(self) -> Module:
        """``train(False)``: for layers that behave differently at evaluation; returns self."""
        return self.train(False)

    # --- state (see state.py and serialization.py) --------------------------------------------

    def state_dict(self) -> dict:
        """name -> ndarray copy of every parameter (same keys and shapes on both engines)."""
        from .state import state_dict

        return state_dict(self)

    def grad_dict(self) -> dict:
        """The gradients, with the same keys and shapes as ``state_dict()`` (zeros if none yet)."""
        from .state import grad_dict

        return grad_dict(self)

    def load_state_dict(self, state: dict, strict: bool = True) -> Any:
        """Copy arrays into the parameters; see ``nn.state.load_state_dict``."""
        from .state import load_state_dict

        return load_state_dict(self, state, strict=strict)

    def save(self, path: Any) -> None:
        """Write ``state_dict()`` to a ``.npz`` file, atomically (see ``nn.save_state``)."""
        from .serialization import save_state

        save_state(self.state_dict(), path)

    def load(self, path: Any, strict: bool = True) -> Any:
        """``load_state_dict(nn.load_state(path), strict)``."""
        from .serialization import load_state

        return self.load_state_dict(load_state(path), strict=strict)

    # --- display ------------------------------------------------------------------------------

    def extra_repr(self) -> str:
        """The module's settings, shown inside its repr (override in subclasses)."""
        return ""

    def __repr__(self) -> str:
        from .display import module_repr

        return module_repr(self)

    def summary(self) -> str:
        """A table of the layers, their output sizes and parameter counts (see ``nn.summary``)."""
        from .display import summary

        return summary(self)


def _walk(obj: Any, name: str) -> Iterator[tuple[str, Node]]:
    """Every parameter reachable from ``obj``, depth first, with its dotted name."""
    if isinstance(obj, Node):
        if _is_parameter(obj):
            yield name, obj
    elif isinstance(obj, Module):
        for key, value in obj._children():
            yield from _walk(value, f"{name}.{key}" if name else key)
    elif isinstance(obj, _CONTAINERS):
        for key, value in _items(obj):
            yield from _walk(value, f"{name}.{key}" if name else key)


def _sub_modules(obj: Any, name: str) -> Iterator[tuple[str, Module]]:
    """The modules directly below ``obj`` (looking through lists, tuples and dicts)."""
    children = obj._children() if isinstance(obj, Module) else _items(obj)
    for key, value in children:
        full = f"{name}.{key}" if name else key
        if isinstance(value, Module):
            yield full, value
        elif isinstance(value, _CONTAINERS):
            yield from _sub_modules(value, full)
