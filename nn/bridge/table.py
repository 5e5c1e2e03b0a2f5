"""The layer table: each chainrule layer beside its PyTorch layer, one entry per kind.

An entry says, for one kind of layer, everything the bridge needs:

    settings(m)      the chainrule module's settings, as JSON-able values (the architecture)
    build(s)         a chainrule module from its settings
    torch_name       the PyTorch layer's class name in ``torch.nn``
    torch_args(s)    its (args, kwargs); the same pair builds the layer (``to_torch``) and writes
                     it (``to_torch_code``)
    from_torch(t)    the settings of a PyTorch layer of that class (``from_torch``)
    onnx(s, g, x)    the layer as ONNX nodes (``export_onnx``): ``g`` adds nodes, ``x`` is the
                     input's name, the output's name is returned
    size(s)          how many numbers its parameters hold (0 by default), so that a file's
                     architecture is checked against its weights before anything is allocated

Weights never need an entry: every layer here has PyTorch's parameter names and layouts
(``Linear.weight`` is ``(out, in)``), so the state dicts of the two sides are the same dict.
Containers (``Sequential``, ``MLP``) are in ``architecture.py``; a new layer of ``nn`` is one
``Kind`` here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import activations as act
from ..layers import Linear


class Dtype(str):
    """A dtype in a PyTorch call: its repr is the code ``torch.float32``; built, the dtype."""

    def __repr__(self) -> str:
        return f"torch.{self}"


@dataclass(frozen=True)
class Kind:
    """One row of the layer table (see the module docstring)."""

    name: str
    cls: type
    settings: Callable[[Any], dict]
    build: Callable[[dict], Any]
    torch_name: str
    torch_args: Callable[[dict], tuple[tuple, dict]]
    from_torch: Callable[[Any], dict]
    onnx: Callable[[dict, Any, str], str]
    size: Callable[[dict], int] = lambda s: 0


def torch_dtype(module: Any) -> str:
    """The dtype name ('float32', 'float64') of a PyTorch module's first parameter."""
    return str(next(module.parameters()).dtype).removeprefix("torch.")


# --- Linear ---------------------------------------------------------------------------------


def _linear_settings(m: Linear) -> dict:
    if m.activation != "linear":
        raise ValueError(
            f"Linear(..., activation={m.activation!r}) is two PyTorch layers: write it as "
            f"Sequential(Linear(...), {act.MODULES[m.activation].__name__}()) to convert it"
        )
    return {"in_features": m.in_features, "out_features": m.out_features,
            "bias": m.bias is not None, "dtype": np.dtype(m.weight.dtype).name}


def _linear_onnx(s: dict, g: Any, x: str) -> str:
    args = [x, g.weight("weight")] + ([g.weight("bias")] if s["bias"] else [])
    return g.node("Gemm", args, transB=1)


LINEAR = Kind(
    "Linear", Linear, _linear_settings,
    build=lambda s: Linear(s["in_features"], s["out_features"], bias=s["bias"], dtype=s["dtype"]),
    torch_name="Linear",
    torch_args=lambda s: ((s["in_features"], s["out_features"]),
                          {**({} if s["bias"] else {"bias": False}), "dtype": Dtype(s["dtype"])}),
    from_torch=lambda t: {"in_features": t.in_features, "out_features": t.out_features,
                          "bias": t.bias is not None, "dtype": torch_dtype(t)},
    onnx=_linear_onnx,
    size=lambda s: (s["in_features"] + s["bias"]) * s["out_features"],
)


# --- activations ----------------------------------------------------------------------------


def _activation(cls: type, torch_name: str, onnx_op: str) -> Kind:
    """An activation without settings: ReLU() <-> torch.nn.ReLU() <-> ONNX Relu."""
    return Kind(cls.__name__, cls, lambda m: {}, lambda s: cls(),
                torch_name, lambda s: ((), {}), lambda t: {},
                lambda s, g, x: g.node(onnx_op, [x]))


def _softplus_onnx(s: dict, g: Any, x: str) -> str:
    if g.dtype == np.float32:
        return g.node("Softplus", [x])
    # onnxruntime has no float64 Softplus: max(x, 0) + log(1 + e^-|x|), which never overflows
    e = g.node("Exp", [g.node("Neg", [g.node("Abs", [x])])])
    return g.node("Add", [g.node("Relu", [x]), g.node("Log", [g.node("Add", [e, g.const(1.0)])])])


def _softplus_from_torch(t: Any) -> dict:
    if t.beta != 1:
        raise ValueError(f"Softplus(beta={t.beta}) has no chainrule layer (only beta=1)")
    return {}


LEAKY_RELU = Kind(
    "LeakyReLU", act.LeakyReLU,
    settings=lambda m: {"negative_slope": m.negative_slope},
    build=lambda s: act.LeakyReLU(s["negative_slope"]),
    torch_name="LeakyReLU",
    torch_args=lambda s: ((s["negative_slope"],), {}),
    from_torch=lambda t: {"negative_slope": float(t.negative_slope)},
    onnx=lambda s, g, x: g.node("LeakyRelu", [x], alpha=s["negative_slope"]),
)

KINDS: tuple[Kind, ...] = (
    LINEAR,
    _activation(act.ReLU, "ReLU", "Relu"),
    _activation(act.Tanh, "Tanh", "Tanh"),
    _activation(act.Sigmoid, "Sigmoid", "Sigmoid"),
    _activation(act.Identity, "Identity", "Identity"),
    LEAKY_RELU,
    Kind("Softplus", act.Softplus, lambda m: {}, lambda s: act.Softplus(),
         "Softplus", lambda s: ((), {}), _softplus_from_torch,
         _softplus_onnx),
)
