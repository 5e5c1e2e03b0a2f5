"""Reading a user's own 2-D dataset from a CSV file: ``x1,x2,label`` per line."""

from __future__ import annotations

import io
import math
import os
from typing import Any

import numpy as np


class CSVError(ValueError):
    """A malformed data file; the message names the file, the line and the reason."""


def _read_text(source: Any) -> tuple[str, str]:
    if hasattr(source, "read"):
        text = source.read()
        if isinstance(text, bytes):
            text = text.decode("utf-8", errors="replace")
        return text, getattr(source, "name", "<data>")
    if not isinstance(source, (str, os.PathLike)):
        raise TypeError(f"load_csv needs a path or an open file, not {type(source).__name__}")
    name = os.fspath(source)
    try:
        with open(name, encoding="utf-8", errors="replace", newline="") as f:
            return f.read(), name
    except FileNotFoundError:
        raise FileNotFoundError(f"load_csv: no such file: {name}") from None
    except IsADirectoryError:
        raise CSVError(f"load_csv: {name} is a directory, not a CSV file") from None


def _number(field: str) -> float | None:
    try:
        return float(field)
    except ValueError:
        return None


def load_csv(
    source: Any, *, delimiter: str = ",", features: int = 2
) -> tuple[np.ndarray, np.ndarray]:
    """Read ``X`` (n, features) and ``y`` (n,) from lines ``x1,x2,label``.

    A first line with no numbers in it is taken as a header and skipped, as are blank lines
    and lines starting with ``#``. Labels that are all whole numbers give an int64 ``y``
    (classes), else float64 (regression). ``source`` is a path or an open (text or binary) file.

    A malformed file raises ``CSVError`` (a ValueError) naming the file, the line number and
    what is wrong: a missing or extra column, a field that is not a number, nan or infinity.
    """
    text, name = _read_text(source)
    width = features + 1
    rows: list[list[float]] = []
    first_content = True
    for lineno, line in enumerate(io.StringIO(text), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        fields = [f.strip() for f in stripped.split(delimiter)]
        values = [_number(f) for f in fields]
        if first_content:
            first_content = False
            if all(v is None for v in values):
                continue  # a header line (a data line with one typo is reported instead)
        where = f"{name}, line {lineno}"
        if len(fields) != width:
            raise CSVError(
                f"{where}: expected {width} comma-separated fields ({features} features and a "
                f"label), found {len(fields)}: {stripped[:80]!r}"
            )
        for col, (f, v) in enumerate(zip(fields, values, strict=True), start=1):
            if v is None:
                raise CSVError(f"{where}, column {col}: {f[:40]!r} is not a number")
            if not math.isfinite(v):
                raise CSVError(f"{where}, column {col}: {f!r} is not a finite number")
        rows.append(values)  # type: ignore[arg-type]
    if not rows:
        raise CSVError(f"{name}: no data rows (expected lines like '0.5,-1.2,1')")
    data = np.array(rows, dtype=np.float64)
    X, y = data[:, :features], data[:, features]
    if np.all(y == np.round(y)):
        y = y.astype(np.int64)
    return X, y
