"""Sessions: one per browser tab, each with its own set-up, data, model and training state.

A tab creates its session when the page loads (from the URL's set-up) and keeps the id in
memory only, so two tabs, even of the same link, never share a model. ``SessionStore`` holds at
most ``MAX_SESSIONS``; when it is full the least recently used one is dropped, and sessions idle
for ``IDLE_SECONDS`` are dropped too (a tab that comes back gets a 404 and starts afresh).

Each session has a lock: requests from one tab run one at a time (a step never overlaps a change
of settings), while different tabs train in parallel threads.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from typing import Any

from . import config as C
from . import data as D
from .errors import BadRequest, NotFound
from .pictures import snapshot_maps, weights
from .trainer import MAX_STEPS_PER_CALL, Trainer
from .uploads import UploadStore

MAX_SESSIONS = 32
IDLE_SECONDS = 2 * 3600


class Session:
    """One tab's playground: ``config``, its ``trainer`` (model and data), and a lock."""

    def __init__(self, sid: str, config: dict, uploads: UploadStore,
                 explicit_loss: bool = False) -> None:
        self.id = sid
        self.uploads = uploads
        self.lock = threading.Lock()
        self.used = time.monotonic()
        self.config, self.trainer = self._build(config, explicit_loss)
        self.last: dict = {}  # the latest scores and small map, for the teacher's list

    def _build(self, config: dict, explicit_loss: bool,
               data: D.Dataset | None = None) -> tuple[dict, Trainer]:
        if data is None:
            upload = self.uploads.get(config["csv"]) if config["data"] == "csv" else None
            data = D.build(config, upload)
        config = C.check_task(config, data.task, explicit_loss)
        return config, Trainer(config, data)

    def configure(self, patch: Any) -> bool:
        """Apply changed settings; returns True when the data changed (the page redraws it).

        Data settings rebuild the data and the model, model settings rebuild the model, and
        training settings keep the weights. Nothing changes if any setting is invalid."""
        new = C.updated(self.config, patch)
        changed = {k for k in new if new[k] != self.config[k]}
        explicit = isinstance(patch, dict) and "loss" in patch
        if changed & C.DATA_KEYS:
            self.config, self.trainer = self._build(new, explicit)
            return True
        if changed & C.MODEL_KEYS:
            self.config, self.trainer = self._build(new, explicit, self.trainer.data)
            return False
        self.trainer.retune(new)
        self.config = new
        return False

    def reset(self) -> None:
        """Start training again from the same initial weights (the seed's)."""
        self.trainer = Trainer(self.config, self.trainer.data)

    def step(self, count: Any, budget_ms: Any = None) -> int:
        """Train up to ``count`` batches, for at most ``budget_ms`` milliseconds of wall time
        (at least one batch; the page asks for ~30 ms a frame, which shares a busy server
        fairly: a step that waits for the CPU uses its budget waiting)."""
        if isinstance(count, bool) or not isinstance(count, int):
            raise BadRequest(f"steps must be a whole number, not {count!r}")
        if not 1 <= count <= MAX_STEPS_PER_CALL:
            raise BadRequest(f"steps must be from 1 to {MAX_STEPS_PER_CALL} per request")
        if budget_ms is None:
            return self.trainer.step(count)
        if isinstance(budget_ms, bool) or not isinstance(budget_ms, (int, float)) or \
                not 1 <= budget_ms <= 2000:
            raise BadRequest(f"budget_ms must be a number of milliseconds from 1 to 2000, "
                             f"not {budget_ms!r}")
        return self.trainer.step(count, budget_ms / 1000.0)

    def set_parameter(self, patch: Any) -> None:
        """Set one weight or bias: ``{"layer": l, "neuron": i, "input": j, "value": v}`` sets
        ``layers.l.weight[i, j]``; ``"input": null`` sets ``layers.l.bias[i]`` (0-based, as in
        ``state_dict``). Training goes on from the edited value."""
        if not isinstance(patch, dict) or set(patch) - {"layer", "neuron", "input", "value"}:
            raise BadRequest('send {"layer": l, "neuron": i, "input": j or null, "value": v}')
        sizes = self.trainer.sizes
        layer = whole(patch.get("layer"), "layer", len(sizes) - 2)
        neuron = whole(patch.get("neuron"), "neuron", sizes[layer + 1] - 1)
        j = patch.get("input")
        j = None if j is None else whole(j, "input", sizes[layer] - 1)
        value = patch.get("value")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or \
                not -100.0 <= value <= 100.0:
            raise BadRequest(f"value must be a number from -100 to 100, not {value!r}")
        params = dict(self.trainer.model.named_parameters())
        if j is None:
            params[f"layers.{layer}.bias"].data[neuron] = float(value)
        else:
            params[f"layers.{layer}.weight"].data[neuron, j] = float(value)
        self.trainer.diverged = False

    def setup(self) -> dict:
        """The settings and the data: what the page needs after the set-up changed."""
        t, d = self.trainer, self.trainer.data
        return {
            "session": self.id,
            "config": {k: list(v) if isinstance(v, tuple) else v for k, v in self.config.items()},
            "query": C.to_query(self.config),
            "task": d.task,
            "classes": d.class_names,
            "sizes": t.sizes,
            "points": d.points(),
            "batches_per_epoch": t.batches_per_epoch,
            "upload": self._upload_summary(),
        }

    def _upload_summary(self) -> dict | None:
        if self.config["data"] != "csv":
            return None
        item = self.uploads.get(self.config["csv"])
        return None if item is None else item.summary()

    def snapshot(self, history_since: Any = None) -> dict:
        """The training state: counters, losses, curves, weights and every picture.

        ``history`` holds the loss-curve points from index ``history_from``: all of them (0)
        unless ``history_since`` is the ``history_cursor`` of an earlier snapshot of this
        history, in which case only the points after it (the page keeps the ones it has)."""
        t = self.trainer
        scores = t.evaluate()
        t.record(scores)
        start, history = t.history_after(history_since)
        maps = snapshot_maps(t)
        self.last = {"scores": scores, "map": maps.pop("small")}
        return {
            "step": t.steps,
            "epoch": t.epochs,
            "diverged": t.diverged,
            "scores": scores,
            "history": history,
            "history_from": start,
            "history_cursor": t.history_cursor,
            "weights": weights(t),
            "maps": maps,
        }

    def summary(self) -> dict:
        """What the teacher's page lists about this session (no id: that stays the tab's)."""
        t = self.trainer
        return {"query": C.to_query(self.config), "data": self.config["data"],
                "sizes": t.sizes, "step": t.steps, "epoch": t.epochs, "diverged": t.diverged,
                "idle": round(time.monotonic() - self.used, 1), **self.last}


def whole(raw: Any, name: str, top: int) -> int:
    """``raw`` as a whole number from 0 to ``top``, or a BadRequest naming ``name``."""
    if isinstance(raw, bool) or not isinstance(raw, int) or not 0 <= raw <= top:
        raise BadRequest(f"{name} must be a whole number from 0 to {top}, not {raw!r}")
    return raw


class SessionStore:
    """The live sessions by id (random, unguessable), bounded in number and idle time."""

    def __init__(self, uploads: UploadStore, limit: int = MAX_SESSIONS,
                 idle: float = IDLE_SECONDS) -> None:
        self.uploads = uploads
        self.limit, self.idle = limit, idle
        self._items: OrderedDict[str, Session] = OrderedDict()
        self._lock = threading.Lock()

    def create(self, config: dict, explicit_loss: bool = False) -> Session:
        """A new session (``explicit_loss``: the user chose the loss, so a loss that does not
        fit the data is an error rather than replaced by the task's default)."""
        session = Session(secrets.token_hex(8), config, self.uploads, explicit_loss)
        with self._lock:
            self._expire()
            self._items[session.id] = session
            while len(self._items) > self.limit:
                self._items.popitem(last=False)
        return session

    def get(self, sid: str) -> Session:
        with self._lock:
            self._expire()
            session = self._items.get(sid)
            if session is None:
                raise NotFound("this session has ended (the server restarted, or the tab was "
                               "idle too long): reload the page to start a new one")
            self._items.move_to_end(sid)
            session.used = time.monotonic()
            return session

    def all(self) -> list[Session]:
        """The live sessions, least recently used first."""
        with self._lock:
            self._expire()
            return list(self._items.values())

    def close(self, sid: str) -> bool:
        with self._lock:
            return self._items.pop(sid, None) is not None

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

    def _expire(self) -> None:
        now = time.monotonic()
        for sid in [s for s, sess in self._items.items() if now - sess.used > self.idle]:
            del self._items[sid]
