"""A model's architecture as plain JSON data, and the model rebuilt from it.

``describe(model)`` gives a tree of dicts that names every layer's kind and settings::

    {"kind": "Sequential", "modules": [
        {"kind": "Linear", "settings": {"in_features": 2, "out_features": 16, "bias": true,
                                        "dtype": "float64"}},
        {"kind": "ReLU", "settings": {}}, ...]}
    {"kind": "MLP", "settings": {"nin": 2, "nouts": [16, 1], "activation": "relu",
                                 "engine": "tensor", "bias": true, "dtype": "float64"}}

and ``build(tree)`` makes a fresh model from it (weights drawn anew: load them after). Layers are
read from the layer table (``table.KINDS``); ``Sequential`` and ``MLP`` are the containers. This
is what ``Module.save("m.safetensors")`` writes into the file's metadata and what
``nn.load_model`` reads back, and the one description ``to_torch``, ``to_torch_code`` and
``export_onnx`` all walk.
"""

from __future__ import annotations

import contextlib
import json
from typing import Any

import numpy as np

from .. import module
from ..layers import Sequential
from ..mlp import MLP
from .kinds import BY_CLASS, BY_NAME

#: the metadata key under which a .safetensors file holds the architecture (JSON text)
KEY = "chainrule.architecture"
CONTAINERS = ("Sequential", "MLP")


class UnsupportedLayer(TypeError):
    """A layer the bridge cannot convert (the message names it, its path and what is supported)."""


def supported() -> str:
    return ", ".join([*CONTAINERS, *BY_NAME])


def describe(model: Any, path: str = "") -> dict:
    """The architecture tree of a chainrule model (see the module docstring)."""
    cls = type(model)
    if cls is Sequential:
        return {"kind": "Sequential",
                "modules": [describe(m, f"{path}{i}.") for i, m in enumerate(model)]}
    if cls is MLP:
        state = model.state_dict()
        return {"kind": "MLP", "settings": {
            "nin": model.nin, "nouts": list(model.nouts), "activation": model.activation,
            "engine": model.engine, "bias": "layers.0.bias" in state,
            "dtype": state["layers.0.weight"].dtype.name}}
    kind = BY_CLASS.get(cls)
    if kind is None:
        where = f"the layer at {path.rstrip('.')!r}" if path else "the model"
        raise UnsupportedLayer(
            f"{where} is a {cls.__name__}, which the PyTorch bridge does not convert; "
            f"supported: {supported()}"
        )
    try:
        return {"kind": kind.name, "settings": kind.settings(model)}
    except ValueError as e:
        raise UnsupportedLayer(f"{path.rstrip('.') or 'the model'}: {e}") from None


def build(tree: Any) -> Any:
    """A fresh chainrule model from an architecture tree (``describe``'s output)."""
    if not isinstance(tree, dict) or not isinstance(tree.get("kind"), str):
        raise ValueError(f"an architecture entry must be a dict with a 'kind', not {tree!r:.80}")
    kind = tree["kind"]
    if kind == "Sequential":
        modules = tree.get("modules")
        if not isinstance(modules, list):
            raise ValueError("a Sequential entry needs a list of 'modules'")
        return Sequential(*(build(m) for m in modules))
    s = tree.get("settings")
    if not isinstance(s, dict):
        raise ValueError(f"the {kind} entry needs a dict of 'settings'")
    if kind == "MLP":
        return MLP(s["nin"], s["nouts"], activation=s["activation"], engine=s["engine"],
                   bias=s["bias"], dtype=np.dtype(s["dtype"]))
    if kind not in BY_NAME:
        raise ValueError(f"unknown layer kind {kind!r} (known: {supported()})")
    return BY_NAME[kind].build(s)


def size(tree: dict) -> int:
    """How many numbers the parameters of the described model hold, without building it."""
    if tree["kind"] == "Sequential":
        return sum(size(m) for m in tree["modules"])
    s = tree["settings"]
    if tree["kind"] == "MLP":
        sizes = [s["nin"], *s["nouts"]]
        return sum((a + s["bias"]) * b for a, b in zip(sizes, sizes[1:]))
    if tree["kind"] not in BY_NAME:
        raise ValueError(f"unknown layer kind {tree['kind']!r} (known: {supported()})")
    return BY_NAME[tree["kind"]].size(s)


def to_metadata(model: Any) -> dict[str, str]:
    """The metadata of a ``.safetensors`` file for ``model``: ``format: pt`` (what PyTorch tools
    expect) and, when the model is made of supported layers, its architecture as JSON."""
    meta = {"format": "pt"}
    # a custom module: the weights alone, loaded with model.load(path)
    with contextlib.suppress(UnsupportedLayer):
        meta[KEY] = json.dumps(describe(model), separators=(",", ":"))
    return meta


def from_metadata(metadata: dict[str, str], path: str, numel: int) -> Any:
    """The model described by a file's metadata (weights not yet loaded), checked first to hold
    as many numbers as the file's ``numel``: a header that declares a layer of 10^9 x 10^9 is
    refused before anything is allocated."""
    if KEY not in metadata:
        raise ValueError(
            f"{path} holds weights but no architecture (it was not saved by chainrule from a "
            "model of supported layers): build the model in code and call model.load(path)"
        )
    try:
        tree = json.loads(metadata[KEY])
        declared = size(tree)
        if declared != numel:
            raise ValueError(f"it declares {declared} parameters, the file holds {numel}")
        return build(tree)
    except (ValueError, TypeError, KeyError, RecursionError) as e:
        why = f"no {e}" if isinstance(e, KeyError) else str(e) or type(e).__name__
        raise ValueError(f"{path}: the architecture in its metadata is not valid: {why}") from None


module.FILE_METADATA[0] = to_metadata  # Module.save("m.safetensors") writes the architecture
