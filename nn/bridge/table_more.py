"""The layer table's rows for images and text: Conv2d, MaxPool2d, AvgPool2d, Flatten, LayerNorm,
Embedding, Dropout (one ``Kind`` each; see ``table.py`` for what a row holds).

Settings are stored as PyTorch spells them (``kernel_size``, ``stride``, ``padding`` as pairs), so
``torch_args`` passes them through. Settings PyTorch has and chainrule does not (``padding_mode``
other than zeros, ``ceil_mode``, an ``Embedding``'s ``padding_idx``) are refused by name.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..conv import AvgPool2d, Conv2d, Flatten, MaxPool2d
from ..embedding import Dropout, Embedding
from ..norm import LayerNorm
from .table import Dtype, Kind, torch_dtype


def pair(v: Any) -> list[int]:
    return [int(v), int(v)] if isinstance(v, (int, np.integer)) else [int(x) for x in v]


def unpair(v: list[int]) -> int | tuple[int, int]:
    """A pair as the module's own argument: ``2`` for ``[2, 2]`` (as it was most likely given)."""
    return v[0] if v[0] == v[1] else (v[0], v[1])


def _refuse(what: str) -> None:
    raise ValueError(f"{what} has no chainrule equivalent")


def _pads(p: Any) -> list[int]:
    """ONNX ``pads`` (top, left, bottom, right) for a symmetric padding."""
    ph, pw = pair(p)
    return [ph, pw, ph, pw]


# --- Conv2d ---------------------------------------------------------------------------------


def _conv_settings(m: Any) -> dict:
    if isinstance(m.padding, str):
        raise ValueError(f"Conv2d(padding={m.padding!r}): give the padding as numbers to convert")
    return {"in_channels": m.in_channels, "out_channels": m.out_channels,
            "kernel_size": pair(m.kernel_size), "stride": pair(m.stride),
            "padding": pair(m.padding), "dilation": pair(m.dilation), "groups": m.groups,
            "bias": m.bias is not None, "dtype": np.dtype(m.weight.dtype).name}


def _conv_from_torch(t: Any) -> dict:
    if t.padding_mode != "zeros":
        _refuse(f"Conv2d(padding_mode={t.padding_mode!r})")
    if isinstance(t.padding, str):
        raise ValueError(f"Conv2d(padding={t.padding!r}): give the padding as numbers")
    return {"in_channels": t.in_channels, "out_channels": t.out_channels,
            "kernel_size": pair(t.kernel_size), "stride": pair(t.stride),
            "padding": pair(t.padding), "dilation": pair(t.dilation), "groups": t.groups,
            "bias": t.bias is not None, "dtype": torch_dtype(t)}


def _conv_onnx(s: dict, g: Any, x: str) -> str:
    args = [x, g.weight("weight")] + ([g.weight("bias")] if s["bias"] else [])
    return g.node("Conv", args, kernel_shape=s["kernel_size"], strides=s["stride"],
                  pads=_pads(s["padding"]), dilations=s["dilation"], group=s["groups"])


CONV2D = Kind(
    "Conv2d", Conv2d, _conv_settings,
    build=lambda s: Conv2d(s["in_channels"], s["out_channels"], unpair(s["kernel_size"]),
                           unpair(s["stride"]), unpair(s["padding"]), unpair(s["dilation"]),
                           s["groups"], s["bias"], dtype=s["dtype"]),
    torch_name="Conv2d",
    torch_args=lambda s: ((s["in_channels"], s["out_channels"], unpair(s["kernel_size"])), {
        **{k: unpair(s[k]) for k, d in (("stride", 1), ("padding", 0), ("dilation", 1))
           if s[k] != [d, d]},
        **({"groups": s["groups"]} if s["groups"] != 1 else {}),
        **({} if s["bias"] else {"bias": False}), "dtype": Dtype(s["dtype"])}),
    from_torch=_conv_from_torch,
    onnx=_conv_onnx,
    size=lambda s: s["out_channels"] * (s["in_channels"] // s["groups"] * math.prod(
        s["kernel_size"]) + s["bias"]),
)


# --- pooling and flattening -----------------------------------------------------------------


def _pool_settings(m: Any, dilation: bool) -> dict:
    s = {"kernel_size": pair(m.kernel_size),
         "stride": pair(m.stride if m.stride is not None else m.kernel_size),
         "padding": pair(m.padding)}
    return {**s, "dilation": pair(m.dilation)} if dilation else s


def _pool_from_torch(t: Any, dilation: bool) -> dict:
    if t.ceil_mode:
        _refuse(f"{type(t).__name__}(ceil_mode=True)")
    if dilation and t.return_indices:
        _refuse("MaxPool2d(return_indices=True)")
    if not dilation and (not t.count_include_pad and pair(t.padding) != [0, 0]
                         or t.divisor_override is not None):
        _refuse("AvgPool2d(count_include_pad=False or divisor_override)")
    return _pool_settings(t, dilation)


def _pool_args(s: dict) -> tuple[tuple, dict]:
    kw = {k: unpair(s[k]) for k, d in (("stride", s["kernel_size"][0]), ("padding", 0),
                                        ("dilation", 1)) if k in s and s[k] != [d, d]}
    return (unpair(s["kernel_size"]),), kw


MAXPOOL2D = Kind(
    "MaxPool2d", MaxPool2d, lambda m: _pool_settings(m, True),
    build=lambda s: MaxPool2d(unpair(s["kernel_size"]), unpair(s["stride"]),
                              unpair(s["padding"]), unpair(s["dilation"])),
    torch_name="MaxPool2d", torch_args=_pool_args,
    from_torch=lambda t: _pool_from_torch(t, True),
    onnx=lambda s, g, x: g.node("MaxPool", [x], kernel_shape=s["kernel_size"],
                                strides=s["stride"], pads=_pads(s["padding"]),
                                dilations=s["dilation"]),
)

AVGPOOL2D = Kind(
    "AvgPool2d", AvgPool2d, lambda m: _pool_settings(m, False),
    build=lambda s: AvgPool2d(unpair(s["kernel_size"]), unpair(s["stride"]),
                              unpair(s["padding"])),
    torch_name="AvgPool2d", torch_args=_pool_args,
    from_torch=lambda t: _pool_from_torch(t, False),
    onnx=lambda s, g, x: g.node("AveragePool", [x], kernel_shape=s["kernel_size"],
                                strides=s["stride"], pads=_pads(s["padding"]),
                                count_include_pad=1),
)


def _flatten_onnx(s: dict, g: Any, x: str) -> str:
    if s["end_dim"] != -1:
        raise ValueError("Flatten(end_dim != -1) has no ONNX export here")
    return g.node("Flatten", [x], axis=s["start_dim"])


FLATTEN = Kind(
    "Flatten", Flatten, lambda m: {"start_dim": m.start_dim, "end_dim": m.end_dim},
    build=lambda s: Flatten(s["start_dim"], s["end_dim"]),
    torch_name="Flatten",
    torch_args=lambda s: ((), {k: s[k] for k, d in (("start_dim", 1), ("end_dim", -1))
                               if s[k] != d}),
    from_torch=lambda t: {"start_dim": t.start_dim, "end_dim": t.end_dim},
    onnx=_flatten_onnx,
)


# --- LayerNorm, Embedding, Dropout ----------------------------------------------------------


def _norm_onnx(s: dict, g: Any, x: str) -> str:
    shape = s["normalized_shape"]
    scale = g.weight("weight") if s["elementwise_affine"] else g.const(np.ones(shape))
    args = [x, scale] + ([g.weight("bias")] if s["elementwise_affine"] and s["bias"] else [])
    return g.node("LayerNormalization", args, axis=-len(shape), epsilon=s["eps"])


LAYERNORM = Kind(
    "LayerNorm", LayerNorm,
    settings=lambda m: {"normalized_shape": list(m.normalized_shape), "eps": m.eps,
                        "elementwise_affine": m.weight is not None, "bias": m.bias is not None,
                        "dtype": np.dtype(m.weight.dtype if m.weight is not None
                                          else np.float64).name},
    build=lambda s: LayerNorm(tuple(s["normalized_shape"]), s["eps"], s["elementwise_affine"],
                              s["bias"], dtype=s["dtype"]),
    torch_name="LayerNorm",
    torch_args=lambda s: ((tuple(s["normalized_shape"]),), {
        **({"eps": s["eps"]} if s["eps"] != 1e-5 else {}),
        **({"elementwise_affine": False} if not s["elementwise_affine"] else {}),
        **({"bias": False} if s["elementwise_affine"] and not s["bias"] else {}),
        "dtype": Dtype(s["dtype"])}),
    from_torch=lambda t: {"normalized_shape": list(t.normalized_shape), "eps": t.eps,
                          "elementwise_affine": t.elementwise_affine,
                          "bias": t.bias is not None,
                          "dtype": torch_dtype(t) if t.weight is not None else "float64"},
    onnx=_norm_onnx,
    size=lambda s: math.prod(s["normalized_shape"]) * (
        s["elementwise_affine"] * (1 + s["bias"])),
)


def _embedding_from_torch(t: Any) -> dict:
    if t.padding_idx is not None or t.max_norm is not None:
        _refuse("Embedding(padding_idx= or max_norm=)")
    return {"num_embeddings": t.num_embeddings, "embedding_dim": t.embedding_dim,
            "dtype": torch_dtype(t)}


def _embedding_onnx(s: dict, g: Any, x: str) -> str:
    raise ValueError("ONNX export of Embedding (integer inputs) is not supported yet")


EMBEDDING = Kind(
    "Embedding", Embedding,
    settings=lambda m: {"num_embeddings": m.num_embeddings, "embedding_dim": m.embedding_dim,
                        "dtype": np.dtype(m.weight.dtype).name},
    build=lambda s: Embedding(s["num_embeddings"], s["embedding_dim"], dtype=s["dtype"]),
    torch_name="Embedding",
    torch_args=lambda s: ((s["num_embeddings"], s["embedding_dim"]),
                          {"dtype": Dtype(s["dtype"])}),
    from_torch=_embedding_from_torch,
    onnx=_embedding_onnx,
    size=lambda s: s["num_embeddings"] * s["embedding_dim"],
)

DROPOUT = Kind(
    "Dropout", Dropout, lambda m: {"p": m.p}, lambda s: Dropout(s["p"]),
    "Dropout", lambda s: ((s["p"],), {}), lambda t: {"p": float(t.p)},
    onnx=lambda s, g, x: g.node("Identity", [x]),  # an exported model runs in inference mode
)

KINDS = (CONV2D, MAXPOOL2D, AVGPOOL2D, FLATTEN, LAYERNORM, EMBEDDING, DROPOUT)
