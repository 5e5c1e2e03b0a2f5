"""The points the playground trains on: a built-in 2-D set, an uploaded CSV or points drawn on the
page, split and scaled.

Every dataset is moved into the playground's view, the square [-VIEW, VIEW]^2: its bounding box is
centred on 0 and scaled (one factor for both axes, so shapes keep their proportions) until its
widest coordinate is SPAN. ``x_view = (x - center) * scale``; the exported snippet applies the
same map. A regression target is standardised, ``y_view = (y - mean) / std``, so one learning
rate suits every file. Labels are class indices 0..k-1 (a CSV's own labels are kept as names).
Drawn points are in the view already and are used as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from chainrule import nn

from . import drawn
from .errors import BadRequest
from .uploads import Upload

VIEW = 4.0
SPAN = 3.4
DATA_CALLS = {  # how the exported snippet rebuilds each set (see ``generate``)
    "moons": "nn.data.make_moons({n}, noise={noise}, seed={seed})",
    "circles": "nn.data.make_circles({n}, noise={noise}, seed={seed})",
    "xor": "nn.data.make_xor({n}, noise={noise}, seed={seed})",
    "spirals": "nn.data.make_spirals({n}, n_classes={classes}, noise={noise}, seed={seed})",
    "blobs": "nn.data.make_blobs({n}, centers={classes}, std={std}, box=(-5.0, 5.0), "
             "seed={seed})",
    "regression": "nn.data.make_regression({n}, noise={noise}, seed={seed})",
}


@dataclass
class Dataset:
    """Train and test points in view coordinates, and what the labels mean."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    task: str  # 'binary', 'multiclass' or 'regression'
    class_names: list[str]
    center: np.ndarray
    scale: float
    y_mean: float = 0.0
    y_std: float = 1.0
    source: str = ""  # the Python expression that makes the raw (X, y), for the export
    notes: list[str] = field(default_factory=list)

    @property
    def classes(self) -> int:
        return len(self.class_names)

    def points(self) -> dict:
        """The points for the page: [x1, x2, label] rows, rounded (the page only draws them)."""
        def rows(X: np.ndarray, y: np.ndarray) -> list:
            return np.column_stack([X, y]).round(4).tolist()

        return {"train": rows(self.X_train, self.y_train), "test": rows(self.X_test, self.y_test)}


def blobs_std(noise: float) -> float:
    """Blob spread from the noise setting: tight clusters at 0, heavy overlap at 0.5."""
    return round(0.3 + 5.0 * noise, 6)


def generate(config: dict) -> tuple[np.ndarray, np.ndarray, str]:
    """The raw (X, y) of a built-in dataset, and the call that makes it."""
    name = config["data"]
    args = {"n": config["n"], "noise": config["noise"], "seed": config["seed"],
            "classes": config["classes"], "std": blobs_std(config["noise"])}
    d = nn.data
    if name == "moons":
        X, y = d.make_moons(args["n"], noise=args["noise"], seed=args["seed"])
    elif name == "circles":
        X, y = d.make_circles(args["n"], noise=args["noise"], seed=args["seed"])
    elif name == "xor":
        X, y = d.make_xor(args["n"], noise=args["noise"], seed=args["seed"])
    elif name == "spirals":
        X, y = d.make_spirals(args["n"], n_classes=args["classes"], noise=args["noise"],
                              seed=args["seed"])
    elif name == "blobs":
        X, y = d.make_blobs(args["n"], centers=args["classes"], std=args["std"],
                            box=(-5.0, 5.0), seed=args["seed"])
    elif name == "regression":
        X, y = d.make_regression(args["n"], noise=args["noise"], seed=args["seed"])
    else:
        raise BadRequest(f"no built-in dataset named {name!r}")
    return X, y, DATA_CALLS[name].format(**args)


def view_map(X: np.ndarray) -> tuple[np.ndarray, float]:
    """The centre and scale that put the points' bounding box in the view."""
    lo, hi = X.min(axis=0), X.max(axis=0)
    center = (lo + hi) / 2.0
    half = float(np.max(hi - lo)) / 2.0
    return center, (SPAN / half if half > 0 else 1.0)


def build(config: dict, upload: Upload | None) -> Dataset:
    """The dataset a config describes: generated or uploaded, then split and scaled."""
    in_view = False
    if config["data"] == "csv":
        if upload is None:
            raise BadRequest("the CSV is not on this server (it restarted?): upload it again")
        X, y, names, task = upload.X, upload.y, upload.class_names, upload.task
        source = "nn.data.load_csv('your_data.csv')"
        in_view = upload.in_view
    elif config["data"] == "drawn":
        X, y = drawn.decode(config["pts"], VIEW)
        names = drawn.check(y)
        task, in_view = ("binary" if len(names) == 2 else "multiclass"), True
        source = f"np.array({X.round(4).tolist()}), np.array({y.tolist()})  # drawn on the page"
    else:
        X, y, source = generate(config)
        if config["data"] == "regression":
            names, task = [], "regression"
        else:
            k = int(y.max()) + 1
            names, task = [str(i) for i in range(k)], ("binary" if k == 2 else "multiclass")
    center, scale = (np.zeros(2), 1.0) if in_view else view_map(X)
    Xv = (X - center) * scale
    y_mean, y_std = 0.0, 1.0
    if task == "regression":
        y_mean, y_std = float(np.mean(y)), float(np.std(y)) or 1.0
        yv = (y - y_mean) / y_std
    else:
        yv = y.astype(np.int64)
    Xtr, Xte, ytr, yte = nn.data.train_test_split(Xv, yv, test_size=config["test"],
                                                  seed=config["seed"])
    return Dataset(Xtr, ytr, Xte, yte, task, names, center, scale, y_mean, y_std, source)
