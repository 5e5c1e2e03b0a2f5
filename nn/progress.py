"""The training progress bar: tqdm, drawn only on a terminal.

``progress(total, verbose, stream)`` returns an object with ``update(info)`` (one step done;
``info`` such as ``{"loss": 0.12, "accuracy": 0.95}`` is shown after the bar) and ``close()``.
Nothing is drawn when ``verbose`` is False or ``stream`` is not a terminal (a log file, a pipe, a
test run, a notebook's captured stderr), so output captured by a program stays clean.
"""

from __future__ import annotations

import sys
from typing import Any, Protocol


class Bar(Protocol):
    """What ``fit`` needs of a bar."""

    def update(self, info: dict) -> None: ...

    def close(self) -> None: ...


def _is_tty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


def _fmt(info: dict) -> str:
    return "  ".join(
        f"{k} {v:.4g}" if isinstance(v, float) else f"{k} {v}" for k, v in info.items()
    )


class _Silent:
    def update(self, info: dict) -> None:
        pass

    def close(self) -> None:
        pass


class _Tqdm:
    """``fit [####......] 45/100 [00:01<00:01, 40 step/s, loss 0.1234  accuracy 0.95]``."""

    def __init__(self, total: int, stream: Any, desc: str) -> None:
        from tqdm import tqdm  # ~40 ms to import: only a run on a terminal pays it

        self.bar = tqdm(total=total, file=stream, desc=desc, unit="step", leave=True)

    def update(self, info: dict) -> None:
        self.bar.set_postfix_str(_fmt(info), refresh=False)
        self.bar.update(1)

    def close(self) -> None:
        self.bar.close()


def progress(total: int, verbose: bool = True, stream: Any = None, desc: str = "fit") -> Bar:
    """A progress bar for ``total`` steps on ``stream`` (default stderr), or a silent stand-in."""
    stream = sys.stderr if stream is None else stream
    if not verbose or not _is_tty(stream):
        return _Silent()
    return _Tqdm(total, stream, desc)
