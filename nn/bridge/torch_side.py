"""chainrule <-> PyTorch: ``to_torch``, ``to_torch_code`` and ``from_torch``.

All three walk one architecture tree (``architecture.describe``): a layer of the table becomes
``torch.nn.<Name>(*args, **kwargs)``, a ``Sequential`` becomes ``torch.nn.Sequential``, and an
``MLP`` becomes a small PyTorch class with the same attribute names (``layers.0.weight``, ...), so
the two models' state dicts have the same keys, shapes and dtypes and a ``.safetensors`` file
saved by chainrule loads into the PyTorch model as it is. The written code and the built module
come from the same text (``MLP_SOURCE``) and the same ``(args, kwargs)``, so they cannot differ.

PyTorch is imported when one of these functions runs, never by ``import chainrule``.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from ..layers import Sequential
from ..mlp import MLP
from .architecture import CONTAINERS, UnsupportedLayer, build, describe, supported
from .kinds import BY_NAME, BY_TORCH
from .table import Dtype, torch_dtype


def require_torch() -> Any:
    try:
        import torch
    except ImportError:
        raise ImportError(
            "this needs PyTorch, which is not installed: pip install 'chainrule[torch]'"
        ) from None
    return torch


#: the activation of an MLP's hidden layers, as PyTorch code ('' for none)
CALLS = {"relu": "torch.relu", "tanh": "torch.tanh", "sigmoid": "torch.sigmoid",
         "leaky_relu": "nn.functional.leaky_relu", "softplus": "nn.functional.softplus",
         "linear": ""}

MLP_SOURCE = '''\
class {name}(nn.Module):
    """chainrule's nn.MLP: Linear layers, {act} after each one but the last."""

    def __init__(self, sizes, bias=True, dtype=torch.float32):
        super().__init__()
        self.activation = "{activation}"
        self.layers = nn.ModuleList(
            nn.Linear(a, b, bias=bias, dtype=dtype) for a, b in zip(sizes, sizes[1:])
        )

    def forward(self, x):
        for layer in self.layers[:-1]:
            x = {call}(layer(x))
        return self.layers[-1](x)
'''


def _mlp_source(activation: str, name: str = "MLP") -> str:
    call = CALLS[activation]
    src = MLP_SOURCE.format(name=name, act=activation, activation=activation, call=call)
    return src if call else src.replace("x = (layer(x))", "x = layer(x)")


@functools.cache
def _mlp_class(activation: str) -> type:
    torch = require_torch()
    scope = {"torch": torch, "nn": torch.nn}
    exec(_mlp_source(activation), scope)  # our own text: the class to_torch_code writes out
    return scope["MLP"]


def _mlp_args(s: dict) -> tuple[tuple, dict]:
    kw = {} if s["bias"] else {"bias": False}
    return ([s["nin"], *s["nouts"]],), {**kw, "dtype": Dtype(s["dtype"])}


def _build_torch(tree: dict, torch: Any) -> Any:
    def value(v: Any) -> Any:
        return getattr(torch, v) if isinstance(v, Dtype) else v

    if tree["kind"] == "Sequential":
        return torch.nn.Sequential(*(_build_torch(m, torch) for m in tree["modules"]))
    if tree["kind"] == "MLP":
        cls, (args, kw) = _mlp_class(tree["settings"]["activation"]), _mlp_args(tree["settings"])
    else:
        kind = BY_NAME[tree["kind"]]
        cls, (args, kw) = getattr(torch.nn, kind.torch_name), kind.torch_args(tree["settings"])
    return cls(*map(value, args), **{k: value(v) for k, v in kw.items()})


def to_torch(model: Any) -> Any:
    """An equivalent ``torch.nn.Module`` with the weights copied (same dtype, same state-dict keys).

    ``to_torch(model)(torch.from_numpy(x))`` equals ``model(x)``; gradients agree too.
    Raises ``UnsupportedLayer`` naming the first layer the bridge cannot convert.
    """
    torch = require_torch()
    tree = describe(model)
    module = _build_torch(tree, torch)
    for mine, theirs in _leaf_pairs(model, module):
        state = {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in
                 mine.state_dict().items()}
        theirs.load_state_dict(state)
    return module


def _leaf_pairs(model: Any, module: Any) -> list[tuple[Any, Any]]:
    """(chainrule layer, PyTorch layer) for every layer with weights, walked side by side."""
    if isinstance(model, Sequential):
        kids = list(module.children())
        return [p for i, m in enumerate(model) for p in _leaf_pairs(m, kids[i])]
    if isinstance(model, MLP):
        return list(zip(model.layers, module.layers, strict=True))
    return [(model, module)]


def from_torch(module: Any) -> Any:
    """A chainrule model (tensor engine, the module's dtype) equal to a PyTorch ``module``.

    ``module`` must be built from supported layers (``torch.nn.Sequential`` of Linear, ReLU,
    Tanh, Sigmoid, LeakyReLU, Softplus, Identity, or a model made by ``to_torch``); the error for
    anything else names the first unsupported layer and its path.
    """
    torch = require_torch()
    if not isinstance(module, torch.nn.Module):
        raise TypeError(f"from_torch() takes a torch.nn.Module, not {type(module).__name__}")
    model = build(_describe_torch(module, "", torch))
    for mine, theirs in _leaf_pairs(model, module):
        state = {k: v.detach().cpu().numpy() for k, v in theirs.state_dict().items()}
        mine.load_state_dict(state)
    return model


def _describe_torch(t: Any, path: str, torch: Any) -> dict:
    cls = type(t)
    if cls is torch.nn.Sequential:
        return {"kind": "Sequential", "modules": [
            _describe_torch(m, f"{path}{name}.", torch) for name, m in t.named_children()]}
    if _is_our_mlp(t, torch):
        layers = list(t.layers)
        return {"kind": "MLP", "settings": {
            "nin": layers[0].in_features, "nouts": [la.out_features for la in layers],
            "activation": t.activation, "engine": "tensor",
            "bias": layers[0].bias is not None, "dtype": torch_dtype(t)}}
    kind = BY_TORCH.get(cls.__name__)
    where = f"the layer at {path.rstrip('.')!r}" if path else "the model"
    if kind is None or getattr(torch.nn, kind.torch_name, None) is not cls:
        custom = " (a custom module: its forward() is Python code the bridge cannot read)" if (
            any(True for _ in t.children())) else ""
        raise UnsupportedLayer(
            f"from_torch: {where} is {cls.__module__}.{cls.__name__}{custom}, which chainrule "
            f"cannot import; supported: {supported()} (as torch.nn.Sequential)"
        )
    try:
        return {"kind": kind.name, "settings": kind.from_torch(t)}
    except ValueError as e:
        raise UnsupportedLayer(f"from_torch: {where}: {e}") from None


def _is_our_mlp(t: Any, torch: Any) -> bool:
    """A PyTorch MLP as ``to_torch``/``to_torch_code`` write it (checked by its parts)."""
    layers = getattr(t, "layers", None)
    return (type(t).__name__.startswith("MLP") and isinstance(layers, torch.nn.ModuleList)
            and getattr(t, "activation", None) in CALLS and len(layers) > 0
            and all(type(la) is torch.nn.Linear for la in layers))


def to_torch_code(model: Any, weights: str = "model.safetensors") -> str:
    """Readable PyTorch source that builds the model and loads its weights from ``weights``
    (the file ``model.save(weights)`` writes). Run it with PyTorch and ``safetensors``."""
    tree = describe(model)
    mlps = sorted(_activations(tree))
    names = {a: "MLP" if len(mlps) == 1 else f"MLP_{a}" for a in mlps}
    parts = ['"""A chainrule model in PyTorch (written by chainrule.nn.to_torch_code)."""\n\n'
             "import torch\nfrom safetensors.torch import load_file\nfrom torch import nn"]
    parts += [_mlp_source(a, names[a]).rstrip() for a in mlps]
    parts.append(f"model = {_expr(tree, names, '')}\n"
                 f"model.load_state_dict(load_file({weights!r}))\n"
                 "model.eval()")
    return "\n\n\n".join(parts) + "\n"


def _activations(tree: dict) -> set[str]:
    if tree["kind"] == "MLP":
        return {tree["settings"]["activation"]}
    return {a for m in tree.get("modules", ()) for a in _activations(m)}


def _expr(tree: dict, names: dict, indent: str) -> str:
    def call(name: str, args: tuple, kw: dict) -> str:
        return f"{name}({', '.join([*map(repr, args), *(f'{k}={v!r}' for k, v in kw.items())])})"

    if tree["kind"] == "Sequential":
        inner = indent + "    "
        items = "".join(f"{inner}{_expr(m, names, inner)},\n" for m in tree["modules"])
        return f"nn.Sequential(\n{items}{indent})"
    if tree["kind"] == "MLP":
        return call(names[tree["settings"]["activation"]], *_mlp_args(tree["settings"]))
    kind = BY_NAME[tree["kind"]]
    return call(f"nn.{kind.torch_name}", *kind.torch_args(tree["settings"]))


__all__ = ["CONTAINERS", "UnsupportedLayer", "from_torch", "to_torch", "to_torch_code"]
