"""A user's own CSV: checked line by line, then kept on the server under an id for the URL.

The file has two feature columns and a label per line (``x1,x2,label``; a header line is fine).
``nn.data.load_csv`` reads it and names the line of any malformed field; on top of that the
playground checks the size (``MAX_CSV_BYTES``, ``MIN_ROWS`` to ``MAX_POINTS`` rows) and the labels:
2 to ``MAX_CLASSES`` distinct whole numbers make a classification task (any values, e.g. -1/+1 or
3/7, mapped to classes 0..k-1 in sorted order and shown under their own names); decimals, or more
distinct whole numbers than that, make a regression task.

The id is the first 16 hex digits of the file's SHA-256, so the same file always gets the same id
and a link ``?data=csv&csv=<id>`` works in every tab of this server while the file is kept
(the ``MAX_UPLOADS`` most recently used files).
"""

from __future__ import annotations

import hashlib
import io
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from chainrule import nn

from .config import MAX_CLASSES, MAX_POINTS
from .errors import BadRequest, TooLarge

MAX_CSV_BYTES = 1_000_000
MIN_ROWS = 10
MAX_UPLOADS = 32


@dataclass(frozen=True)
class Upload:
    """A checked CSV: raw features ``X`` (n, 2), labels ``y`` (class indices or real numbers)."""

    id: str
    name: str
    X: np.ndarray
    y: np.ndarray
    task: str
    class_names: list[str]
    note: str = ""

    def summary(self) -> dict:
        return {"csv": self.id, "name": self.name, "rows": len(self.y), "task": self.task,
                "classes": self.class_names, "note": self.note}


def clean_name(name: str) -> str:
    """A short printable file name for messages (never a path)."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(ch for ch in base if ch.isprintable())[:60]
    return base or "your file"


def parse_csv(body: bytes, name: str = "") -> Upload:
    """Check an uploaded file and read it, or raise BadRequest / TooLarge with the reason."""
    name = clean_name(name)
    if len(body) > MAX_CSV_BYTES:
        raise TooLarge(f"{name} is {len(body):,} bytes; the limit is {MAX_CSV_BYTES:,} "
                       f"(at most {MAX_POINTS} rows of x1,x2,label)")
    if not body.strip():
        raise BadRequest(f"{name} is empty: expected lines like '0.5,-1.2,1'")
    if b"\0" in body:
        raise BadRequest(f"{name} looks like a binary file, not a CSV text file")
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise BadRequest(f"{name} is not UTF-8 text (byte {e.start}): save it as a CSV") from None
    source = io.StringIO(text)
    source.name = name
    try:
        X, y = nn.data.load_csv(source)
    except ValueError as e:  # nn.data's CSVError names the line and the column
        raise BadRequest(str(e)) from None
    if not MIN_ROWS <= len(y) <= MAX_POINTS:
        raise BadRequest(f"{name} has {len(y)} data rows; the playground needs {MIN_ROWS} to "
                         f"{MAX_POINTS} (some for training, some for testing)")
    task, names, y, note = _labels(y, name)
    digest = hashlib.sha256(body).hexdigest()[:16]
    return Upload(digest, name, X.astype(np.float64), y, task, names, note)


def _labels(y: np.ndarray, name: str) -> tuple[str, list[str], np.ndarray, str]:
    """(task, class names, labels as used for training, a note for the page)."""
    values = np.unique(y)
    whole = np.issubdtype(y.dtype, np.integer)
    if len(values) < 2:
        raise BadRequest(f"every label in {name} is {values.tolist()[0]!r}: a model needs at "
                         "least two different labels (or varied numbers for regression)")
    if whole and len(values) <= MAX_CLASSES:
        index = np.searchsorted(values, y)
        task = "binary" if len(values) == 2 else "multiclass"
        return task, [str(v) for v in values.tolist()], index.astype(np.int64), ""
    note = ""
    if whole:
        note = (f"{len(values)} different whole-number labels: read as a regression target "
                f"(the playground shows 2 to {MAX_CLASSES} classes)")
    return "regression", [], y.astype(np.float64), note


class UploadStore:
    """The uploaded files, by id, shared by all sessions; the oldest unused are dropped."""

    def __init__(self, limit: int = MAX_UPLOADS) -> None:
        self._items: OrderedDict[str, Upload] = OrderedDict()
        self._lock = threading.Lock()
        self.limit = limit

    def add(self, upload: Upload) -> Upload:
        with self._lock:
            self._items[upload.id] = upload
            self._items.move_to_end(upload.id)
            while len(self._items) > self.limit:
                self._items.popitem(last=False)
        return upload

    def get(self, upload_id: str) -> Upload | None:
        with self._lock:
            item = self._items.get(upload_id)
            if item is not None:
                self._items.move_to_end(upload_id)
            return item
