"""Whole models in files: ``load_model`` rebuilds a model from a ``.safetensors`` file alone, and
``to_safetensors`` gives the bytes of the file that ``model.save("m.safetensors")`` writes (for a
download, e.g. the playground's Export)."""

from __future__ import annotations

import os
from typing import Any

from .. import safetensors
from .architecture import from_metadata, to_metadata


def to_safetensors(model: Any) -> bytes:
    """The ``.safetensors`` file of ``model`` as bytes: its state dict (PyTorch's keys and
    layouts) and, in the metadata, its architecture, so ``nn.load_model`` can rebuild it."""
    return safetensors.encode(model.state_dict(), to_metadata(model))


def load_model(path: Any) -> Any:
    """The model saved in a ``.safetensors`` file by ``model.save(path)``, rebuilt without code.

    The file's metadata gives the architecture (layer kinds, sizes, activation, engine, dtype);
    its tensors give the weights, checked like ``load_state_dict`` does (every key present, no
    key extra, every shape equal, floats only). A damaged file, a file with no architecture or
    weights that do not fit raise ``ValueError`` saying which.
    """
    path = os.fspath(path)
    if not path.endswith(".safetensors"):
        raise ValueError(
            f"load_model() reads .safetensors files, which hold the architecture; {path} does not "
            "(an .npz file holds weights only: build the model in code and call model.load(path))"
        )
    tensors, metadata = safetensors.read(path)
    model = from_metadata(metadata, path, sum(int(a.size) for a in tensors.values()))
    model.load_state_dict(safetensors.float_weights(tensors, path))
    return model
