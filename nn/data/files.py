"""Reading a user's own 2-D dataset from a CSV file: ``x1,x2,label`` per line.

The file is read as a stream, 64 KiB at a time, and the numbers go straight into a compact array
(8 bytes each), so memory stays proportional to the data, not to Python objects per field. Lines
end in ``\\n``, ``\\r\\n`` or a lone ``\\r`` (old Mac files); a UTF-8 byte-order mark is skipped.
Limits keep a hostile or mistaken file from taking the machine: ``max_rows`` (a clear error
says how to raise it) and at most ``MAX_LINE`` characters a line; error messages quote at most a
few dozen characters of the file.
"""

from __future__ import annotations

import codecs
import math
import os
import re
from array import array
from collections.abc import Iterator
from typing import Any

import numpy as np

MAX_ROWS = 1_000_000
MAX_LINE = 10_000  # characters: a line of a few numbers is far shorter
_NEWLINE = re.compile("\r\n|\r|\n")
_CHUNK = 65536
_INT_LIMIT = 2.0**63  # labels this large do not fit an int64 class label


class CSVError(ValueError):
    """A malformed data file; the message names the file, the line and the reason."""


def _open(source: Any) -> tuple[Any, str, bool]:
    """(file object, its name for messages, whether we opened it and must close it)."""
    if hasattr(source, "read"):
        return source, str(getattr(source, "name", "<data>")), False
    if not isinstance(source, (str, os.PathLike)):
        raise TypeError(f"load_csv needs a path or an open file, not {type(source).__name__}")
    name = os.fspath(source)
    try:
        return open(name, "rb"), name, True  # noqa: SIM115 - closed by load_csv
    except FileNotFoundError:
        raise FileNotFoundError(f"load_csv: no such file: {name}") from None
    except IsADirectoryError:
        raise CSVError(f"load_csv: {name} is a directory, not a CSV file") from None


def _lines(f: Any, name: str) -> Iterator[str]:
    """The lines of a text or binary file, split at ``\\n``, ``\\r\\n`` or ``\\r``, without their
    ends; a leading byte-order mark is dropped; bytes that are not UTF-8 become U+FFFD."""
    decode = codecs.getincrementaldecoder("utf-8")(errors="replace").decode
    pending, first, lineno = "", True, 0
    while True:
        raw = f.read(_CHUNK)
        chunk = decode(raw, final=not raw) if isinstance(raw, (bytes, bytearray)) else raw
        if first and chunk:
            chunk, first = chunk.removeprefix("\ufeff"), False
        text = pending + chunk
        if not raw:
            pending = text
            break
        cut = len(text) - 1 if text.endswith("\r") else len(text)  # "\r" may precede a "\n"
        parts = _NEWLINE.split(text[:cut])
        pending = parts.pop() + text[cut:]
        for part in parts:
            lineno += 1
            yield part
        if len(pending) > MAX_LINE:
            raise CSVError(f"{name}, line {lineno + 1}: longer than {MAX_LINE:,} characters; "
                           "expected lines like '0.5,-1.2,1'")
    for part in _NEWLINE.split(pending):
        yield part


def _number(field: str) -> float | None:
    try:
        return float(field)
    except ValueError:
        return None


def load_csv(
    source: Any, *, delimiter: str = ",", features: int = 2, max_rows: int | None = MAX_ROWS
) -> tuple[np.ndarray, np.ndarray]:
    """Read ``X`` (n, features) and ``y`` (n,) from lines ``x1,x2,label``.

    A first line with no numbers in it is taken as a header and skipped, as are blank lines
    and lines starting with ``#``. Labels that are all whole numbers give an int64 ``y``
    (classes), else float64 (regression). ``source`` is a path or an open (text or binary) file.
    At most ``max_rows`` data rows are read (None: no limit).

    A malformed file raises ``CSVError`` (a ValueError) naming the file, the line number and
    what is wrong: a missing or extra column, a field that is not a number, nan or infinity, a
    whole-number label too large for an int64, too many rows.
    """
    f, name, owned = _open(source)
    try:
        values, huge = _read(_lines(f, name), name, delimiter, features, max_rows)
    finally:
        if owned:
            f.close()
    width = features + 1
    if not values:
        raise CSVError(f"{name}: no data rows (expected lines like '0.5,-1.2,1')")
    data = np.frombuffer(values, dtype=np.float64).reshape(-1, width)
    X, y = data[:, :features].copy(), data[:, features].copy()
    if np.all(y == np.round(y)):
        if huge:
            raise CSVError(f"{name}, {huge} too large for a class label (whole numbers up to "
                           "2**63 - 1); write it with a decimal point to read it as a number")
        y = y.astype(np.int64)
    return X, y


def _read(lines: Iterator[str], name: str, delimiter: str, features: int,
          max_rows: int | None) -> tuple[array, str]:
    """(the numbers, row after row, where the first huge whole-number label is, or '')."""
    width = features + 1
    values = array("d")
    huge, rows, first_content = "", 0, True
    for lineno, line in enumerate(lines, start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        fields = [f.strip() for f in stripped.split(delimiter)]
        numbers = [_number(f) for f in fields]
        if first_content:
            first_content = False
            if all(v is None for v in numbers):
                continue  # a header line (a data line with one typo is reported instead)
        where = f"{name}, line {lineno}"
        if len(fields) != width:
            raise CSVError(
                f"{where}: expected {width} comma-separated fields ({features} features and a "
                f"label), found {len(fields)}: {stripped[:80]!r}"
            )
        for col, (f, v) in enumerate(zip(fields, numbers, strict=True), start=1):
            if v is None:
                raise CSVError(f"{where}, column {col}: {f[:40]!r} is not a number")
            if not math.isfinite(v):
                raise CSVError(f"{where}, column {col}: {f[:40]!r} is not a finite number")
        if not huge and abs(numbers[-1]) >= _INT_LIMIT:
            huge = f"line {lineno}: the label {fields[-1][:40]!r} is"
        rows += 1
        if max_rows is not None and rows > max_rows:
            raise CSVError(f"{name}: more than {max_rows:,} data rows; pass max_rows=None (or a "
                           "larger number) to load_csv to read them all")
        values.extend(numbers)  # type: ignore[arg-type]
    return values, huge
