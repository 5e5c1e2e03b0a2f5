"""The playground's set-up: every setting, its limits, and its form in the URL.

One table (``FIELDS``) lists the settings; the page's URL is the set-up written with them
(``?data=moons&n=300&...&layers=8,8&act=tanh&lr=0.01``), so a link reproduces a run exactly (the
data, the initial weights and the batch order all come from ``seed``). ``showtest`` and ``discrete``
choose how the output is drawn, and ``hide`` lists controls a teacher hides from the page
(``&hide=lr,opt``); these three change nothing in the training.

``from_query`` and ``updated`` check each value against its field (a 400 with a message for a bad
one) and return a plain dict; what depends on the data (which losses fit the task) is checked by
``check_task`` once the data is known.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, quote

from .drawn import PointsField
from .errors import BadRequest
from .fields import (
    BoolField,
    ChoiceField,
    ChoiceListField,
    Field,
    FloatField,
    IntField,
    IntListField,
    TokenField,
)

MAX_HIDDEN_LAYERS = 6
MAX_NEURONS = 16
MAX_POINTS = 2000
MAX_CLASSES = 5

DATASETS = ("moons", "circles", "xor", "spirals", "blobs", "regression", "csv", "drawn")
FEATURES = ("x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2")
# the losses that fit each task, by their short names in nn.losses (the first is the default)
LOSSES_FOR = {"binary": ("bce", "hinge"), "multiclass": ("ce",), "regression": ("mse",)}
# controls a teacher can hide: every setting, plus the buttons and panels that are not settings
HIDEABLE = (
    "data", "classes", "noise", "n", "test", "seed", "upload", "feat", "layers", "act",
    "loss", "opt", "lr", "batch", "reg", "rate", "showtest", "discrete", "play", "step",
    "reset", "export", "share", "graph", "stepper", "draw", "edit",
)

FIELDS: tuple[Field, ...] = (
    ChoiceField("data", "Dataset", "moons", choices=DATASETS),
    IntField("classes", "Classes (spirals, blobs)", 3, lo=2, hi=MAX_CLASSES),
    FloatField("noise", "Noise", 0.1, lo=0.0, hi=0.5),
    IntField("n", "Number of points", 300, lo=20, hi=MAX_POINTS),
    FloatField("test", "Test fraction", 0.3, lo=0.1, hi=0.9),
    IntField("seed", "Seed", 0, lo=0, hi=2**31 - 1),
    TokenField("csv", "Uploaded CSV", ""),
    PointsField("pts", "Drawn points", "", max_classes=MAX_CLASSES),
    ChoiceListField("feat", "Input features", ("x1", "x2"), choices=FEATURES, min_len=1),
    IntListField("layers", "Hidden layers", (8, 8), lo=1, hi=MAX_NEURONS,
                 max_len=MAX_HIDDEN_LAYERS),
    ChoiceField("act", "Activation", "tanh", choices=("relu", "tanh", "sigmoid", "linear")),
    ChoiceField("loss", "Loss", "bce", choices=tuple(n for ns in LOSSES_FOR.values() for n in ns)),
    ChoiceField("opt", "Optimizer", "adam", choices=("sgd", "momentum", "adam")),
    FloatField("lr", "Learning rate", 0.01, lo=0.0, hi=10.0, open_lo=True),
    IntField("batch", "Batch size", 10, lo=1, hi=MAX_POINTS),
    ChoiceField("reg", "Regularisation", "none", choices=("none", "l1", "l2")),
    FloatField("rate", "Regularisation rate", 0.0, lo=0.0, hi=10.0),
    BoolField("showtest", "Show test data", False),
    BoolField("discrete", "Discretize output", False),
    ChoiceListField("hide", "Hidden controls", (), choices=HIDEABLE),
)
BY_KEY = {f.key: f for f in FIELDS}
DEFAULTS: dict[str, Any] = {f.key: f.default for f in FIELDS}
# what each group of settings rebuilds when it changes
DATA_KEYS = frozenset({"data", "classes", "noise", "n", "test", "seed", "csv", "pts"})
MODEL_KEYS = frozenset({"feat", "layers", "act", "loss"})
MAX_QUERY = 4096


def updated(config: dict, patch: Any) -> dict:
    """A new config: ``config`` with the settings in ``patch`` (a dict) parsed and replaced."""
    if not isinstance(patch, dict):
        raise BadRequest(f"settings must be a JSON object, not {type(patch).__name__}")
    out = dict(config)
    for key, raw in patch.items():
        field = BY_KEY.get(key)
        if field is None:
            raise BadRequest(f"unknown setting {key!r}; the settings are {', '.join(BY_KEY)}")
        out[key] = field.parse(raw)
    if out["data"] == "csv" and not out["csv"]:
        raise BadRequest("data=csv needs csv=<id> of an uploaded file: upload a CSV first")
    if out["data"] != "csv":
        out["csv"] = ""
    if out["data"] == "drawn" and not out["pts"]:
        raise BadRequest("data=drawn needs pts=<the points>: draw on the output map")
    if out["data"] != "drawn":
        out["pts"] = ""
    return out


def from_query(query: Any) -> tuple[dict, set[str]]:
    """The config a URL query string describes (missing settings take their defaults), and the
    settings the query names."""
    if not isinstance(query, str):
        raise BadRequest(f"query must be a string, not {type(query).__name__}")
    if len(query) > MAX_QUERY:
        raise BadRequest(f"the link's settings are {len(query)} characters, over {MAX_QUERY}")
    pairs = parse_qsl(query.removeprefix("?"), keep_blank_values=True)
    patch: dict[str, str] = {}
    for key, value in pairs:
        if key in patch:
            raise BadRequest(f"setting {key!r} appears twice in the link")
        patch[key] = value
    return updated(DEFAULTS, patch), set(patch)


def to_query(config: dict) -> str:
    """The canonical URL query of a config (every setting, in table order; ``csv`` and ``pts``
    only when used and ``hide`` only when something is hidden)."""
    parts = []
    for f in FIELDS:
        value = config[f.key]
        if f.key in ("csv", "pts", "hide") and not value:
            continue
        parts.append(f"{f.key}={quote(f.format(value), safe=',.')}")
    return "&".join(parts)


def task_default_loss(task: str) -> str:
    return LOSSES_FOR[task][0]


def check_task(config: dict, task: str, explicit_loss: bool) -> dict:
    """The config with a loss that fits the task ('binary', 'multiclass' or 'regression').

    A loss the user asked for in this very request and that does not fit is an error; one left
    over from an earlier dataset is replaced by the task's default (as a person would expect
    when switching from moons to spirals)."""
    fits = LOSSES_FOR[task]
    if config["loss"] in fits:
        return config
    if explicit_loss:
        raise BadRequest(
            f"loss {config['loss']!r} does not fit this {task} data; use "
            + " or ".join(repr(x) for x in fits)
        )
    return {**config, "loss": fits[0]}


def meta() -> dict:
    """Every field's spec and the limits, for the page to build and check its controls."""
    return {
        "fields": [f.spec() for f in FIELDS],
        "losses_for": {k: list(v) for k, v in LOSSES_FOR.items()},
        "limits": {"hidden_layers": MAX_HIDDEN_LAYERS, "neurons": MAX_NEURONS,
                   "points": MAX_POINTS, "classes": MAX_CLASSES},
        "hideable": list(HIDEABLE),
    }
