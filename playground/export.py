"""Taking a trained model home: a Python snippet that rebuilds it, and a ``.npz`` state file.

The snippet is a complete script: it rebuilds the network with ``nn.MLP`` (tensor engine), loads
the trained weights (written out in full precision, so the copy is exact), recreates the data the
way the playground made it (same call, same seed, same map into the view), and prints the
accuracy (or loss) on it. The ``.npz`` file is ``model.state_dict()`` as ``nn.save_state``
writes it, for ``model.load_state_dict(nn.load_state(path))``.
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np

from . import config as C
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


def filename(trainer: Trainer, suffix: str) -> str:
    layers = "-".join(str(s) for s in trainer.sizes)
    return f"chainrule-{trainer.config['data']}-{layers}{suffix}"


def describe(trainer: Trainer) -> dict[str, Any]:
    return {"py": filename(trainer, ".py"), "npz": filename(trainer, ".npz")}
