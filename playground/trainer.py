"""Training in the playground: a tensor ``nn.MLP``, one batch per step, on chainrule's engine.

One step is ``nn.train_step`` on one batch: ``zero_grad``, forward the batch's features,
``L = loss(scores, labels) + rate * penalty(weights)``, ``L.backward()``, ``optimizer.step()``.
The loss comes from ``nn.losses`` by the name in the config ('bce', 'hinge', 'ce', 'mse'), and
so do its targets (hinge -1/+1, BCE 0/1, cross-entropy class indices, MSE the standardised y).
Batches walk through a shuffled copy of the training set; an epoch ends when every training point
has been used once (the last batch of an epoch may be smaller). The shuffles, like the data and
the initial weights, come from the config's seed, so a link replays the same run.

Regularisation acts on the weights only (not the biases), as in the TensorFlow Playground:
L1 adds ``rate * sum |w|``, L2 ``rate * sum w^2``. The losses shown are the data loss alone.
A step whose loss is not finite marks the run as diverged and training stops until a reset.
"""

from __future__ import annotations

import itertools
import math
import re
import time

import numpy as np

from chainrule import autograd, nn

from .data import Dataset
from .errors import BadRequest
from .features import transform

MAX_STEPS_PER_CALL = 500
TIME_BUDGET_S = 2.0  # one request never trains longer than this, whatever it asked for
HISTORY_LIMIT = 600
# How the page trains while playing (sent in /api/meta; the load benchmark replays it): each
# request asks for up to an epoch (at most max_steps batches) within budget_ms of the server's
# time, and a tab starts at most one step request every frame_ms. When the server says its
# answer was shared with other tabs' step requests ("sharing" > 1: a class on one server), the
# tab also waits until spread times its smoothed round trip has passed since it asked: a busy
# server is asked less often, so thirty tabs never ask for more than it can do, and each
# request then trains more batches (the budget is split between the requests held at once).
# A tab alone keeps the frame_ms pace however big its network.
PACE = {"budget_ms": 30, "frame_ms": 80, "max_steps": 50, "spread": 3}
# every loss history gets a new number when it is made or thinned: a cursor "number:length"
# names a prefix of one history exactly, so an answer can carry only what follows it
_HISTORY_NUMBERS = itertools.count(1)
CURSOR = re.compile(r"([0-9]{1,15}):([0-9]{1,6})")


def make_optimizer(params: list, kind: str, lr: float) -> nn.optim.Optimizer:
    if kind == "adam":
        return nn.optim.Adam(params, lr=lr)
    return nn.optim.SGD(params, lr=lr, momentum=0.9 if kind == "momentum" else 0.0)


class Trainer:
    """The model, its optimizer, where the batches are, and the loss history of one set-up."""

    def __init__(self, config: dict, data: Dataset) -> None:
        self.config, self.data = config, data
        self.Xtr = transform(data.X_train, config["feat"])
        self.Xte = transform(data.X_test, config["feat"])
        self.nout = data.classes if data.task == "multiclass" else 1
        self.sizes = [len(config["feat"]), *config["layers"], self.nout]
        self.model = self.make_model(np.float64)
        self.drawing: nn.MLP | None = None  # a float32 copy for the pictures (pictures.py)
        self.loss_fn = nn.losses.get(config["loss"])
        self.ytr = self.loss_fn.encode(data.y_train)
        self.yte = self.loss_fn.encode(data.y_test)
        self.weights = [p for name, p in self.model.named_parameters() if name.endswith("weight")]
        self.optimizer = make_optimizer(self.model.parameters(), config["opt"], config["lr"])
        self.rng = np.random.default_rng([config["seed"], 1])
        self.order = self.rng.permutation(len(self.ytr))
        self.pos = 0
        self.steps = 0
        self.epochs = 0
        self.diverged = False
        self.history: dict[str, list] = {"step": [], "epoch": [], "train": [], "test": []}
        self.history_number = next(_HISTORY_NUMBERS)

    def make_model(self, dtype: type) -> nn.MLP:
        """This set-up's network with the seed's initial weights, its numbers in ``dtype``."""
        return nn.MLP(self.sizes[0], self.sizes[1:], activation=self.config["act"],
                      engine="tensor", seed=self.config["seed"], dtype=dtype)

    def retune(self, config: dict) -> None:
        """Take new training settings (optimizer, lr, batch, regularisation), keeping the
        weights; a new optimizer kind starts with fresh optimizer state."""
        if config["opt"] != self.config["opt"]:
            self.optimizer = make_optimizer(self.model.parameters(), config["opt"], config["lr"])
        self.optimizer.lr = config["lr"]
        self.config = config

    @property
    def batches_per_epoch(self) -> int:
        return -(-len(self.ytr) // min(self.config["batch"], len(self.ytr)))

    def _next_batch(self) -> np.ndarray:
        size = min(self.config["batch"], len(self.ytr))
        idx = self.order[self.pos : self.pos + size]
        self.pos += len(idx)
        if self.pos >= len(self.order):
            self.epochs += 1
            self.pos = 0
            self.order = self.rng.permutation(len(self.ytr))
        return idx

    def step(self, count: int = 1, budget: float = TIME_BUDGET_S) -> int:
        """Train on ``count`` batches (fewer if ``budget`` seconds run out or the loss diverges,
        but at least one); returns how many ran."""
        done, start = 0, time.perf_counter()
        with np.errstate(all="ignore"):  # an overflow shows as a diverged loss instead
            while done < count and not self.diverged:
                self._one_step(self._next_batch())
                done += 1
                if time.perf_counter() - start > budget:
                    break
        return done

    def _one_step(self, idx: np.ndarray) -> None:
        reg, rate = self.config["reg"], self.config["rate"]
        result = nn.train_step(self.model, self.Xtr[idx], self.ytr[idx], self.loss_fn,
                               self.optimizer, l1=rate if reg == "l1" else 0.0,
                               l2=rate if reg == "l2" else 0.0, penalized=self.weights,
                               skip_nonfinite=True)
        if not result.updated:
            self.diverged = True
            return
        self.steps += 1
        if not all(np.all(np.isfinite(p.data)) for p in self.weights):
            self.diverged = True

    def evaluate(self) -> dict:
        """Loss (and accuracy for classes) on the training and the test set, no graph kept."""
        out = {}
        with autograd.no_grad(), np.errstate(all="ignore"):
            for part, X, y in (("train", self.Xtr, self.ytr), ("test", self.Xte, self.yte)):
                scores = self.model(X)
                loss = float(self.loss_fn(scores, y).data)
                acc = None if self.data.task == "regression" else nn.functional.accuracy(scores, y)
                out[part] = {"loss": loss if math.isfinite(loss) else None, "accuracy": acc}
        return out

    def record(self, scores: dict) -> None:
        """Add a point to the loss curves (thinned to every other point when too long)."""
        h = self.history
        if h["step"] and h["step"][-1] == self.steps:
            return
        h["step"].append(self.steps)
        h["epoch"].append(round(self.epochs + self.pos / max(len(self.ytr), 1), 4))
        h["train"].append(scores["train"]["loss"])
        h["test"].append(scores["test"]["loss"])
        if len(h["step"]) > HISTORY_LIMIT:
            for key in h:  # keep the first and the latest points, drop every other in between
                h[key] = h[key][:-1:2] + h[key][-1:]
            self.history_number = next(_HISTORY_NUMBERS)  # earlier cursors name no prefix now

    @property
    def history_cursor(self) -> str:
        """``"number:length"``: names the loss history as it is now (see ``history_after``)."""
        return f"{self.history_number}:{len(self.history['step'])}"

    def history_after(self, cursor: object) -> tuple[int, dict[str, list]]:
        """``(start, points)``: the loss-history points after the prefix that ``cursor`` (an
        earlier ``history_cursor``) names, and where they start; the whole history from 0 when
        the cursor is None or names no prefix of this history any more (it was thinned, or the
        set-up changed). A cursor that is not a ``"number:length"`` string is a BadRequest."""
        if cursor is None:
            return 0, self.history
        match = CURSOR.fullmatch(cursor) if isinstance(cursor, str) else None
        if match is None:
            raise BadRequest(f"history_since must be a cursor such as \"12:340\" (a snapshot's "
                             f"history_cursor), not {str(cursor)[:40]!r}")
        number, start = int(match[1]), int(match[2])
        if number != self.history_number or start > len(self.history["step"]):
            return 0, self.history
        return start, {key: values[start:] for key, values in self.history.items()}
