"""Taking a trained model home: a Python snippet that rebuilds it, its weights (``.npz`` or
``.safetensors``), PyTorch code that builds it in PyTorch, and an ONNX file.

The snippet is a complete script: it rebuilds the network with ``nn.MLP`` (tensor engine), loads
the trained weights (written out in full precision, so the copy is exact), recreates the data the
way the playground made it (same call, same seed, same map into the view), and prints the
accuracy (or loss) on it. The ``.npz`` file is ``model.state_dict()`` as ``nn.save_state``
writes it, for ``model.load_state_dict(nn.load_state(path))``.

The PyTorch side uses ``chainrule.nn``'s bridge: ``.safetensors`` is ``nn.to_safetensors`` (the
weights in PyTorch's keys and layouts, the architecture in its metadata: ``nn.load_model`` reads
it back), the PyTorch code is ``nn.to_torch_code`` loading that file by its download name, and
``.onnx`` is ``nn.to_onnx`` in float32 (the type ONNX runtimes support most widely; it needs the
``onnx`` extra, and the page says so when it is missing). Every model takes the playground's
input features, not the raw points: the snippet's ``features`` function computes them.
"""

from __future__ import annotations

import importlib.util
import io
from typing import Any

import numpy as np

from chainrule import nn

from . import config as C
from .errors import MissingExtra
from .features import source as features_source
from .trainer import Trainer


def _array(a: np.ndarray) -> str:
    """An exact numpy literal: repr() of a Python float round-trips bit for bit."""
    return f"np.array({a.tolist()!r})"


def npz_bytes(trainer: Trainer) -> bytes:
    """The state dict as a ``.npz`` archive (plain numeric arrays, loadable without pickle)."""
    buf = io.BytesIO()
    np.savez(buf, **trainer.model.state_dict())
    return buf.getvalue()


def snippet(trainer: Trainer) -> str:
    """The Python script that rebuilds this model and its data (see the module docstring)."""
    cfg, data = trainer.config, trainer.data
    state = trainer.model.state_dict()
    weights = ",\n".join(f"    {k!r}: {_array(v)}" for k, v in state.items())
    loss = trainer.loss_fn  # an nn.losses entry: its name and the targets it wants
    if data.task == "regression":
        y_line = f"y = (y - {data.y_mean!r}) / {data.y_std!r}  # standardised, as in the playground"
    elif loss.targets.code:
        y_line = f"y = {loss.targets.code}  # {loss.name} wants {loss.targets.wants}"
    else:
        y_line = f"# {loss.name} takes {loss.targets.wants} as they are"
    if cfg["data"] == "csv" and data.task != "regression":
        y_line = (f"y = np.searchsorted(np.array({data.class_names!r}, dtype=float), y)"
                  "  # your labels -> classes 0..k-1\n" + (y_line if loss.targets.code else ""))
    metric = ("print('accuracy', nn.functional.accuracy(scores, y))" if data.task != "regression"
              else f"print('loss', nn.functional.{loss.name}(scores, y).data)")
    return f'''"""A network trained in the chainrule playground, rebuilt with chainrule.

Set-up: ?{C.to_query({**cfg, "hide": ()})}
Trained for {trainer.steps} steps ({trainer.epochs} epochs).
"""
import numpy as np

from chainrule import nn


def features(X):
    """The playground's input features ({", ".join(cfg["feat"])}) of points X (n, 2)."""
    {features_source(cfg["feat"])}


model = nn.MLP({trainer.sizes[0]}, {trainer.sizes[1:]!r}, activation={cfg["act"]!r},
               engine="tensor")
model.load_state_dict({{
{weights},
}})

# The data as the playground made it, moved into its view: x_view = (x - center) * scale
X, y = {data.source}
X = (X - {_array(data.center)}) * {data.scale!r}
{y_line}
scores = model(features(X))
{metric}
'''


def safetensors_bytes(trainer: Trainer) -> bytes:
    """The ``.safetensors`` file ``model.save(...)`` writes, for ``nn.load_model`` or PyTorch."""
    return nn.to_safetensors(trainer.model)


def torch_code(trainer: Trainer) -> str:
    """PyTorch source that builds the model and loads the ``.safetensors`` download beside it."""
    weights = filename(trainer, ".safetensors")
    feats = ", ".join(trainer.config["feat"])
    head = ("# Trained in the chainrule playground, set-up:\n"
            f"#   ?{C.to_query({**trainer.config, 'hide': ()})}\n"
            "# Download its weights too (Export > Weights .safetensors) and keep them beside\n"
            f"# this file as {weights}; run it with PyTorch and safetensors installed.\n"
            f"# The model takes the playground's input features ({feats}) of points in its\n"
            "# view: the Python snippet (Export > Python snippet) shows how they are made.\n")
    return head + nn.to_torch_code(trainer.model, weights)


def onnx_available() -> bool:
    """Whether ONNX export can run here (the ``onnx`` package is installed; not imported)."""
    return importlib.util.find_spec("onnx") is not None


ONNX_MISSING = ("ONNX export needs the onnx package, which this playground's Python does not "
                "have: pip install 'chainrule[onnx]', then restart the playground")


def onnx_bytes(trainer: Trainer) -> bytes:
    """The model as an ONNX file (float32 weights and input ``(batch, features)``)."""
    if not onnx_available():
        raise MissingExtra(ONNX_MISSING)
    return nn.to_onnx(trainer.model, dtype="float32")


def filename(trainer: Trainer, suffix: str) -> str:
    layers = "-".join(str(s) for s in trainer.sizes)
    return f"chainrule-{trainer.config['data']}-{layers}{suffix}"


#: the downloads: kind (the URL's ``export.<kind>``) -> file name suffix and content type
KINDS = {"py": (".py", "text/x-python; charset=utf-8"),
         "npz": (".npz", "application/octet-stream"),
         "safetensors": (".safetensors", "application/octet-stream"),
         "torch.py": ("-torch.py", "text/x-python; charset=utf-8"),
         "onnx": (".onnx", "application/octet-stream")}


def download(trainer: Trainer, kind: str) -> tuple[str, bytes, str]:
    """(file name, bytes, content type) of one download ``kind`` (a key of ``KINDS``)."""
    suffix, content_type = KINDS[kind]
    make = {"py": lambda t: snippet(t).encode(), "npz": npz_bytes,
            "safetensors": safetensors_bytes, "torch.py": lambda t: torch_code(t).encode(),
            "onnx": onnx_bytes}[kind]
    return filename(trainer, suffix), make(trainer), content_type


def offered() -> dict[str, Any]:
    """The export kinds, and for each one this installation cannot make, the message saying
    which extra to install (``/api/meta``'s ``exports``: the page greys that item out)."""
    return {"kinds": list(KINDS), "missing": {} if onnx_available() else {"onnx": ONNX_MISSING}}


def describe(trainer: Trainer) -> dict[str, Any]:
    return {kind: filename(trainer, suffix) for kind, (suffix, _) in KINDS.items()}
