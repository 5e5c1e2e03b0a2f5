"""``Op``, the base of every primitive op, and the registry that everything else is derived from.

An op class says, in one place, everything the rest of chainrule needs to know about it:

==============  ==================================================================================
``name``        what ``node.op_name`` reads (``"tanh"``, ``"+"``, ``"@"``)
``symbol``      the text on its node in pictures ('' = the name): ``"\\u00d7"`` for ``*``
``kind``        ``elementwise``, ``reduction``, ``linalg``, ``shape`` or ``indexing``
``arity``       the number of inputs (None: any number, as ``stack``)
``derivatives`` display text per input: the local derivative d out / d input of an elementwise
                op (``"{b}"`` for ``a * b``), the whole gradient of any other op
                (``"{g} @ {b}.T"``); ``{a} {b}`` name the inputs, ``{out}`` the result, ``{g}``
                its gradient, and each of ``params`` its value. viz's stepper prints these.
``notation``    how the stepper writes the equation (``"{a} + {b}"``; '' = ``name(a, b)``)
``methods``     the Value/Tensor method names it backs (``("exp",)``; for a binary operator the
                pair ``("__add__", "__radd__")``)
``params``      the constructor's parameters (``("slope",)``); an op without any, of kind
                elementwise, gets its methods installed on every node type automatically
``engines``     the node types it serves: ``"scalar"`` (Value), ``"tensor"`` (Tensor)
``activation``  True if a layer may use it as its activation (nn's names, viz's clusters)
``domain``      where its inputs may be sampled for tests (an interval of smooth points)
==============  ==================================================================================

Every op class defined inside ``chainrule.autograd`` registers itself (``__init_subclass__``);
``registry()``, ``lookup(name)``, ``methods(engine)`` and ``activations()`` read the registry. A
class you write in your own code is not registered (pass ``register=True`` to register it); use it
with ``autograd.apply``.

The chain rule is written once, here, in ``Op.vjp``: an elementwise op gives ``partials`` (the
local derivatives) and its vector-Jacobian product is ``g * partial`` per input. The other ops
override ``vjp``. Backpropagation, ``gradcheck`` and viz's stepper all call ``vjp``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

KINDS = ("elementwise", "reduction", "linalg", "shape", "indexing")
ENGINES = ("scalar", "tensor")

_REGISTRY: dict[str, type[Op]] = {}
_SHARED: dict[type, Op] = {}
_PACKAGE = __name__.rsplit(".", 2)[0]  # chainrule.autograd


class Op:
    """Base class of every op: ``forward(F, *xs)``, and ``partials`` or ``vjp``.

    ``F`` is a backend (see ``backends.py``): the same rule runs on floats, arrays and nodes. A
    partial of ``None`` means "exactly 1": the incoming gradient passes through unchanged.
    """

    name: ClassVar[str] = "?"
    symbol: ClassVar[str] = ""
    kind: ClassVar[str] = "elementwise"
    arity: ClassVar[int | None] = 1
    derivatives: ClassVar[tuple[str, ...]] = ()
    notation: ClassVar[str] = ""
    methods: ClassVar[tuple[str, ...]] = ()
    params: ClassVar[tuple[str, ...]] = ()
    engines: ClassVar[tuple[str, ...]] = ENGINES
    activation: ClassVar[bool] = False
    domain: ClassVar[tuple[float, float]] = (-2.0, 2.0)
    #: an elementwise op whose chain rule is the default ``g * partial`` (``vjp`` not overridden):
    #: the reverse pass reads it per node to take its unrolled path, which calls ``partials``
    elementwise: ClassVar[bool] = True
    #: the op's ``vjp`` gives each input's gradient in that input's own shape, never broadcast
    #: (the fused ops: linear, cross-entropy, conv2d, the pools): the reverse pass skips its
    #: check for axes to sum back
    exact: ClassVar[bool] = False
    #: the forward rule as one function of the inputs' data, the same on every backend (or None)
    function: ClassVar[Callable[..., Any] | None] = None
    #: or: the forward rule is the backend's own function of this name (``"relu"``: ``F.relu(x)``)
    primitive: ClassVar[str] = ""

    def __init_subclass__(cls, register: bool | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.kind not in KINDS:
            raise ValueError(f"op {cls.__name__}: kind must be one of {KINDS}, not {cls.kind!r}")
        cls.elementwise = cls.kind == "elementwise" and cls.vjp is Op.vjp
        if register is None:
            register = cls.__module__.startswith(_PACKAGE) and "name" in cls.__dict__
        if register:
            known = _REGISTRY.get(cls.name)
            if known is not None and known.__qualname__ != cls.__qualname__:
                raise ValueError(f"op name {cls.name!r} is taken by {known.__name__}")
            _REGISTRY[cls.name] = cls

    def forward(self, F: Any, *xs: Any) -> Any:
        """The result from the inputs' data (floats, arrays or nodes, computed with ``F``).

        An op whose forward is one plain function of its inputs on every backend may declare it
        as ``function`` (``operator.add``) instead, and one that is a backend's function of the
        same name as ``primitive`` (``"relu"``): the installed methods then call it directly.
        """
        if self.primitive:
            return getattr(F, self.primitive)(*xs)
        if self.function is None:  # pragma: no cover - abstract
            raise NotImplementedError(f"op {self.name!r} gives neither forward nor function")
        return self.function(*xs)

    def partials(self, F: Any, out: Any, *xs: Any) -> Sequence:  # pragma: no cover - abstract
        """d out / d x_i for each input (elementwise ops); ``None`` for exactly 1."""
        raise NotImplementedError(f"op {self.name!r} gives neither partials nor vjp")

    def vjp(self, F: Any, g: Any, out: Any, xs: Sequence, need: Sequence[bool]) -> Sequence:
        """The gradient of each input, given the gradient ``g`` of the result: the chain rule.

        By default ``g * d out / d x_i`` for each input ``x_i`` (``g`` itself where the partial
        is None), which is right for every elementwise op; the others override this. ``need``
        says which inputs want a gradient (an override may skip the others and give None).
        """
        return [g if d is None else g * d for d in self.partials(F, out, *xs)]

    # --- how the op is written ---------------------------------------------------------------

    def equation(self, out: str, args: Sequence[str]) -> str:
        """How the stepper writes the node's computation: ``n = x * w``, ``y = tanh(n)``."""
        if self.notation:
            return f"{out} = " + self.notation.format(**self._names(out, args, ""))
        return f"{out} = {self.name}({', '.join(args)})"

    def derivative(self, k: int, out: str, args: Sequence[str], g: str) -> str:
        """The display text of ``derivatives[k]``, with the operands' names filled in."""
        if k >= len(self.derivatives):
            if self.elementwise:
                return f"d{out}/d{args[k]}"
            return f"vjp of {self.name} (argument {k + 1}) applied to {g}"
        return self.derivatives[k].format(**self._names(out, args, g))

    def _names(self, out: str, args: Sequence[str], g: str) -> dict[str, str]:
        names = {"out": out, "g": g, "name": self.name, "a": "", "b": ""}
        names.update(zip("ab", args))
        names.update((p, f"{getattr(self, p, p)!s:.6}") for p in self.params)
        return names

    def __repr__(self) -> str:
        return f"<op {self.name}>"


# --- reading the registry ---------------------------------------------------------------------


def registry() -> tuple[type[Op], ...]:
    """Every registered op class, in the order they were defined."""
    return tuple(_REGISTRY.values())


def lookup(name: str) -> type[Op] | None:
    """The op class with this ``name`` (``"tanh"``), or None."""
    return _REGISTRY.get(name)


def shared(cls: type[Op]) -> Op:
    """The one instance of a parameter-free op (what the installed methods record)."""
    op = _SHARED.get(cls)
    if op is None:
        op = _SHARED[cls] = cls()
    return op


def installable(cls: type[Op], engine: str) -> bool:
    """True for an op whose methods are installed on ``engine``'s node type automatically."""
    return cls.elementwise and not cls.params and engine in cls.engines and bool(cls.methods)


def methods(engine: str) -> dict[str, type[Op]]:
    """Public method name -> op class, for the ops that serve ``engine`` (``"scalar"``, ...)."""
    return {
        m: cls
        for cls in _REGISTRY.values()
        if engine in cls.engines
        for m in cls.methods
        if not m.startswith("_")
    }


def functions(engine: str) -> dict[str, type[Op]]:
    """Method name -> op class of the one-input elementwise ops of ``engine``: ``x.exp()``, ..."""
    return {m: cls for m, cls in methods(engine).items() if cls.elementwise and cls.arity == 1}


def activations() -> tuple[str, ...]:
    """The names of the ops a layer may use as its activation (``relu``, ``tanh``, ...)."""
    return tuple(cls.name for cls in _REGISTRY.values() if cls.activation)
