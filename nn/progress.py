"""The training progress bar: tqdm when installed, else a tiny built-in bar; only on a terminal.

``progress(total, verbose, stream)`` returns an object with ``update(info)`` and ``close()``.
Nothing is drawn when ``verbose`` is False or ``stream`` is not a terminal (a log file, a pipe, a
test run), so output captured by a program stays clean.
"""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO


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
    def __init__(self, tqdm: Any, total: int, stream: TextIO, desc: str) -> None:
        self.bar = tqdm(total=total, file=stream, desc=desc, unit="step", leave=True)

    def update(self, info: dict) -> None:
        self.bar.set_postfix_str(_fmt(info), refresh=False)
        self.bar.update(1)

    def close(self) -> None:
        self.bar.close()


class SimpleBar:
    """``desc [#######.......] 45/100  loss 0.1234  accuracy 0.95``, redrawn in place (``\\r``)
    at most 10 times a second, and once more at the end."""

    width = 24

    def __init__(self, total: int, stream: TextIO, desc: str) -> None:
        self.total, self.stream, self.desc = max(int(total), 1), stream, desc
        self.done, self.drawn, self.shown, self.last_draw, self.info = 0, -1, 0, 0.0, {}

    def _draw(self) -> None:
        self.drawn = self.done
        filled = self.width * self.done // self.total
        bar = "#" * filled + "." * (self.width - filled)
        text = f"{self.desc} [{bar}] {self.done}/{self.total}  {_fmt(self.info)}"
        # pad with spaces over what a longer previous line left on screen
        self.stream.write("\r" + text.ljust(self.shown))
        self.shown = len(text)
        self.stream.flush()

    def update(self, info: dict) -> None:
        self.done += 1
        self.info = info
        now = time.monotonic()
        if now - self.last_draw >= 0.1 or self.done == self.total:
            self.last_draw = now
            self._draw()

    def close(self) -> None:
        if self.drawn != self.done:
            self._draw()
        self.stream.write("\n")
        self.stream.flush()


def progress(total: int, verbose: bool = True, stream: Any = None, desc: str = "fit") -> Any:
    """A progress bar for ``total`` steps on ``stream`` (default stderr), or a silent stand-in."""
    stream = sys.stderr if stream is None else stream
    if not verbose or not _is_tty(stream):
        return _Silent()
    try:
        from tqdm.auto import tqdm
    except ImportError:  # tqdm is an optional extra ('chainrule[progress]')
        return SimpleBar(total, stream, desc)
    return _Tqdm(tqdm, total, stream, desc)
