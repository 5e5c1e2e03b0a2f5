"""``Module``: the base class of every layer and model, on both engines.

A module's parameters are *found*, never declared. ``walk`` (``Module.named_members``) goes through
the module's public attributes in the order they were set, and meets

- every leaf node (``Value`` or ``Tensor``) that requires a gradient: a parameter,
- every sub-module, under the attribute's name (and then, depth first, what it holds),
- the same inside lists, tuples and dicts of nodes and modules (named by index or key).

So ``self.w = [Value(0.5), Value(-1.0)]`` in a module gives two parameters named ``w.0`` and
``w.1``, and a model holding ``self.layers = [Layer(...), ...]`` names them
``layers.0.neurons.3.w.1``. Attributes whose name starts with ``_`` are private (caches, helper
functions) and are not walked. ``parameters()``, ``named_modules()``, the state dict and the
repr are all read off this one walk. A node or module reached twice (a shared or tied weight) is
listed once by ``parameters()`` and ``named_modules()``, under the first name found.

Every parameter's ``label`` is its dotted name, set whenever a node or module is assigned as an
attribute (so the outermost model, built last, names everything), which is how a graph renderer
groups the nodes of a computation by module without ``nn`` knowing about it.

Imports point one way: this file builds on ``state`` (state dicts), ``serialization`` (files) and
``display`` (repr, summary), which work on any object with the methods below and import no module.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from chainrule.autograd import Node

from .display import module_repr, summary
from .serialization import save_state
from .state import Entry, LoadResult, entries, grad_dict, load_file, load_state_dict, state_dict

CONTAINERS = (list, tuple, dict)


def is_parameter(x: Any) -> bool:
    """A parameter is a leaf node (no op made it) that requires a gradient."""
    return isinstance(x, Node) and x.requires_grad and x.is_leaf


def numel(p: Node) -> int:
    """The number of scalars a parameter holds (1 for a Value, ``size`` for a Tensor)."""
    return 1 if p.engine == "scalar" else int(p.data.size)


def clear_grads(params: Iterable[Node]) -> None:
    """Forget the parameters' gradients: 0.0 on the scalar engine, None on the tensor engine
    (what a new Value and a new Tensor start with)."""
    for p in params:
        p.grad = 0.0 if p.engine == "scalar" else None


def _members(obj: Any) -> Iterator[tuple[str, Any]]:
    """(name, item): a module's public attributes in the order set, a list's or tuple's items by
    index, a dict's by key."""
    if isinstance(obj, Module):
        return ((k, v) for k, v in vars(obj).items() if not k.startswith("_"))
    if isinstance(obj, dict):
        return ((str(k), v) for k, v in obj.items())
    return ((str(i), v) for i, v in enumerate(obj))


def walk(root: Module, prefix: str = "", recurse: bool = True) -> Iterator[tuple[str, Any]]:
    """(dotted name, member) for every parameter and sub-module reachable from ``root``.

    Depth first, in the order the attributes were set; a sub-module comes before what it holds,
    and names start with ``prefix`` (``prefix.w.0``). ``recurse=False`` stops at the sub-modules
    (their own members are not listed), which is what a hook that handles each sub-module itself
    wants. Nothing is de-duplicated: a tied module is walked under each of its names.
    """

    def visit(obj: Any, name: str) -> Iterator[tuple[str, Any]]:
        for key, value in _members(obj):
            full = f"{name}.{key}" if name else key
            if isinstance(value, Node):
                if is_parameter(value):
                    yield full, value
            elif isinstance(value, Module):
                yield full, value
                if recurse:
                    yield from visit(value, full)
            elif isinstance(value, CONTAINERS):
                yield from visit(value, full)

    return visit(root, prefix.rstrip("."))


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
        if not name.startswith("_") and isinstance(value, (Node, Module, *CONTAINERS)):
            self.label_parameters()

    # --- walking the attributes ---------------------------------------------------------------

    def named_members(self, prefix: str = "", recurse: bool = True) -> Iterator[tuple[str, Any]]:
        """(dotted name, parameter or sub-module), depth first: see ``walk``."""
        return walk(self, prefix, recurse)

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Node]]:
        """(dotted name, parameter) pairs in a stable order, each parameter once."""
        seen: set[int] = set()
        for name, p in self.named_members(prefix):
            if isinstance(p, Node) and id(p) not in seen:
                seen.add(id(p))
                yield name, p

    def parameters(self) -> list[Node]:
        """Every parameter (leaf node requiring a gradient), in ``named_parameters`` order."""
        return [p for _, p in self.named_parameters()]

    def named_children(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        """(dotted name, module) for the modules directly below this one (looking into lists,
        tuples and dicts, so ``layers.0``, ``layers.1``, ...)."""
        for name, m in self.named_members(prefix, recurse=False):
            if isinstance(m, Module):
                yield name, m

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        """(dotted name, module) for this module ('' or ``prefix``) and every sub-module, once."""
        yield prefix, self
        seen = {id(self)}
        for name, m in self.named_members(prefix):
            if isinstance(m, Module) and id(m) not in seen:
                seen.add(id(m))
                yield name, m

    def modules(self) -> list[Module]:
        return [m for _, m in self.named_modules()]

    def num_parameters(self) -> int:
        """The number of trainable scalars: one per Value parameter, ``size`` per Tensor."""
        return sum(numel(p) for p in self.parameters())

    def label_parameters(self) -> None:
        """Set every parameter's ``label`` to its dotted name, taking this module as the root.

        Done automatically whenever a node or module is assigned as an attribute, so the model
        built last (the outermost) names everything; call it after changing a list of layers
        in place (``model.layers.append(...)``), which Python does not report to the model.
        """
        for name, p in self.named_parameters():
            p.label = name

    # --- training state -----------------------------------------------------------------------

    def zero_grad(self) -> None:
        """Forget the gradients of every parameter (0.0 for a Value, None for a Tensor).

        Call it before each ``backward``: gradients accumulate, as in PyTorch.
        """
        clear_grads(self.parameters())

    def train(self, mode: bool = True) -> Module:
        """Set ``training`` on this module and every sub-module; returns self."""
        for _, m in self.named_modules():
            object.__setattr__(m, "training", bool(mode))
        return self

    def eval(self) -> Module:
        """``train(False)``: for layers that behave differently at evaluation; returns self."""
        return self.train(False)

    # --- state (the logic is in state.py and serialization.py) --------------------------------

    def state_entries(self, prefix: str = "") -> Iterator[Entry]:
        """The state dict's entries, keys starting with ``prefix`` ('' or ending in '.').

        By default one per parameter held directly, and each sub-module's own entries; override
        it to present several scalar parameters as one array (the scalar ``Layer`` does).
        """
        return entries(self, prefix)

    def state_dict(self) -> dict:
        """name -> ndarray copy of every parameter (same keys and shapes on both engines)."""
        return state_dict(self)

    def grad_dict(self) -> dict:
        """The gradients, with the same keys and shapes as ``state_dict()`` (zeros if none yet)."""
        return grad_dict(self)

    def load_state_dict(self, state: dict, strict: bool = True, *,
                        allow_nonfinite: bool = False) -> LoadResult:
        """Copy arrays into the parameters; see ``nn.state.load_state_dict``."""
        return load_state_dict(self, state, strict=strict, allow_nonfinite=allow_nonfinite)

    def save(self, path: Any) -> None:
        """Write ``state_dict()`` to a ``.npz`` file, atomically (see ``nn.save_state``)."""
        save_state(self.state_dict(), path)

    def load(self, path: Any, strict: bool = True, *, allow_nonfinite: bool = False
             ) -> LoadResult:
        """``load_state_dict(nn.load_state(path), strict)``, checked from the file's headers
        before any array is read; see ``nn.state.load_file``."""
        return load_file(self, path, strict=strict, allow_nonfinite=allow_nonfinite)

    # --- display (the logic is in display.py) -------------------------------------------------

    def extra_repr(self) -> str:
        """The module's settings, shown inside its repr (override in subclasses)."""
        return ""

    def __repr__(self) -> str:
        return module_repr(self)

    def summary(self) -> str:
        """A table of the layers, their output sizes and parameter counts (see ``nn.summary``)."""
        return summary(self)
