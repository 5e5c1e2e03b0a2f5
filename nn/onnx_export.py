"""``export_onnx``: a chainrule model as an ONNX file, for onnxruntime and every ONNX tool.

The graph is written from the model's architecture (``nn.bridge.describe``), one ONNX node per
layer, read from the layer table (``Kind.onnx``): ``Linear`` is ``Gemm(x, W, b, transB=1)``, that
is ``x W^T + b`` with PyTorch's ``(out, in)`` weight as it is; activations are ``Relu``, ``Tanh``,
``Sigmoid``, ``LeakyRelu(alpha)``, ``Softplus``, ``Identity``. The weights are initializers named
by their state-dict keys (``layers.0.weight``). The input is ``input`` of shape
``(batch, in_features)`` (``(batch, channels, height, width)`` for a convolution first), the batch
size free; the output is ``output``.

Pinned versions: opset ``OPSET`` (17) and IR version ``IR_VERSION`` (8), which every onnxruntime
since 1.14 loads. ``onnx`` is needed to write the file (``pip install 'chainrule[onnx]'``, which
also brings onnxruntime to run it); PyTorch is not.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from .activations import MODULES
from .bridge.architecture import UnsupportedLayer, describe
from .bridge.kinds import BY_CLASS, BY_NAME
from .bridge.table import LINEAR

OPSET = 17
IR_VERSION = 8


def require_onnx() -> Any:
    try:
        import onnx
    except ImportError:
        raise ImportError(
            "ONNX export needs the onnx package, which is not installed: "
            "pip install 'chainrule[onnx]'"
        ) from None
    return onnx


class _Graph:
    """The ONNX nodes and initializers being written; names come from a counter, in order."""

    def __init__(self, onnx: Any, state: dict[str, np.ndarray], dtype: np.dtype) -> None:
        self.onnx, self.state, self.dtype = onnx, state, dtype
        self.nodes: list = []
        self.inits: list = []
        self.prefix = ""

    def weight(self, name: str) -> str:
        key = self.prefix + name
        array = np.ascontiguousarray(self.state[key], dtype=self.dtype)
        self.inits.append(self.onnx.numpy_helper.from_array(array, key))
        return key

    def const(self, value: float) -> str:
        name = f"const_{len(self.inits)}"
        array = np.asarray(value, dtype=self.dtype)
        self.inits.append(self.onnx.numpy_helper.from_array(array, name))
        return name

    def node(self, op: str, inputs: list[str], **attrs: Any) -> str:
        out = f"{op.lower()}_{len(self.nodes)}"
        self.nodes.append(self.onnx.helper.make_node(op, inputs, [out], name=out, **attrs))
        return out

    def add(self, tree: dict, x: str, prefix: str) -> str:
        """The nodes of one architecture entry applied to ``x``; returns the output's name."""
        if tree["kind"] == "Sequential":
            for i, m in enumerate(tree["modules"]):
                x = self.add(m, x, f"{prefix}{i}.")
            return x
        if tree["kind"] == "MLP":
            s = tree["settings"]
            sizes = [s["nin"], *s["nouts"]]
            act = BY_CLASS[MODULES[s["activation"]]]
            for i in range(len(s["nouts"])):
                linear = {"in_features": sizes[i], "out_features": sizes[i + 1],
                          "bias": s["bias"], "dtype": s["dtype"]}
                x = self.add({"kind": LINEAR.name, "settings": linear}, x, f"{prefix}layers.{i}.")
                if i < len(s["nouts"]) - 1 and s["activation"] != "linear":
                    x = self.add({"kind": act.name, "settings": act.settings(act.cls())},
                                 x, prefix)
            return x
        self.prefix = prefix
        try:
            return BY_NAME[tree["kind"]].onnx(tree["settings"], self, x)
        except ValueError as e:  # a setting ONNX export does not cover
            where = prefix.rstrip(".") or "the model"
            raise UnsupportedLayer(f"export_onnx: {where}: {e}") from None


#: layers whose input may have any shape: the model's input shape comes from the next one
SHAPELESS = ("ReLU", "Tanh", "Sigmoid", "Identity", "LeakyReLU", "Softplus", "Dropout")


def _layers(tree: dict) -> list[dict]:
    """The model's leaf entries in order (an MLP counts as one)."""
    if tree["kind"] == "Sequential":
        return [leaf for m in tree["modules"] for leaf in _layers(m)]
    return [tree]


def _dims_in(s: dict) -> list | None:
    """The input dims a layer's settings fix (batch size free), or None (any shape)."""
    if "in_channels" in s or "kernel_size" in s:  # a convolution or a pooling: images
        return ["batch", s.get("in_channels", "channels"), "height", "width"]
    n = s.get("nin", s.get("in_features"))
    return None if n is None else ["batch", n]


def _input_dims(tree: dict, input_shape: Any) -> list:
    if input_shape is not None:
        return ["batch" if k == 0 and d is None else f"d{k}" if d is None else int(d)
                for k, d in enumerate(input_shape)]
    first = next((leaf.get("settings", {}) for leaf in _layers(tree)
                  if leaf["kind"] not in SHAPELESS), {})
    dims = _dims_in(first)
    if dims is None:
        raise ValueError(
            "export_onnx cannot tell the input's shape from the model's first layer: pass "
            "input_shape=, e.g. (None, 64) for batches of 64 features (None: any size)"
        )
    return dims


def to_onnx(model: Any, dtype: Any = None, input_shape: Any = None) -> bytes:
    """The ONNX file of ``model`` as bytes (see the module docstring).

    ``dtype``: the dtype of the weights and of the input (default: the model's own; pass
    ``'float32'`` for a smaller file and the widest support: onnxruntime's CPU kernels for
    ``Conv`` and ``AveragePool`` are float32 only). ``input_shape``: the input's shape, ``None`` for
    a free size; needed only when the first layer does not fix it (a ``LayerNorm``, say).
    """
    onnx = require_onnx()
    tree = describe(model)
    state = model.state_dict()
    dt = np.dtype(dtype) if dtype is not None else next(iter(state.values())).dtype
    if dt not in (np.dtype(np.float32), np.dtype(np.float64)):
        raise ValueError(f"export_onnx writes float32 or float64, not {dt}")
    g = _Graph(onnx, state, dt)
    out = g.add(tree, "input", "")
    g.nodes.append(onnx.helper.make_node("Identity", [out], ["output"], name="output"))
    elem = onnx.helper.np_dtype_to_tensor_dtype(dt)
    graph = onnx.helper.make_graph(
        g.nodes, "chainrule",
        [onnx.helper.make_tensor_value_info("input", elem, _input_dims(tree, input_shape))],
        [onnx.helper.make_tensor_value_info("output", elem, None)], g.inits)
    proto = onnx.helper.make_model(graph, producer_name="chainrule",
                                   opset_imports=[onnx.helper.make_opsetid("", OPSET)])
    proto.ir_version = IR_VERSION
    # the output's shape is what ONNX's own shape inference derives from the input's
    proto = onnx.shape_inference.infer_shapes(proto, strict_mode=True)
    onnx.checker.check_model(proto, full_check=True)
    return proto.SerializeToString()


def export_onnx(model: Any, path: Any, dtype: Any = None, input_shape: Any = None) -> None:
    """Write ``model`` to ``path`` as ONNX (opset 17, IR version 8), checked by ``onnx.checker``
    (full check, with shape inference) before anything is written; see ``to_onnx``."""
    data = to_onnx(model, dtype, input_shape)
    with open(os.fspath(path), "wb") as f:
        f.write(data)
