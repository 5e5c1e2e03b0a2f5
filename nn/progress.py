"""The training progress bar: tqdm on a terminal and in a notebook, nothing anywhere else.

``progress(total, verbose, stream)`` returns an object with ``update(info)`` (one step done;
``info`` such as ``{"loss": 0.12, "accuracy": 0.95}`` is shown after the bar) and ``close()``.

Where it draws:

- on a terminal (``stream.isatty()``): tqdm's text bar;
- in Jupyter, Colab or any IPython kernel (``stream`` is the kernel's captured stderr, which is
  not a terminal but is shown under the cell): tqdm's widget bar when ``ipywidgets`` is
  installed, else the same text bar, which the notebook redraws in place;
- anywhere else (a log file, a pipe, a test run) nothing, so output captured by a program stays
  clean, and tqdm is not even imported.
"""

from __future__ import annotations

import importlib.util
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


def in_notebook(stream: Any) -> bool:
    """True when ``stream`` is an IPython kernel's output (Jupyter, JupyterLab, Colab, VS Code).

    A kernel replaces ``sys.stderr`` by its own stream class (``ipykernel.iostream.OutStream``),
    whose text appears under the running cell: that, not a terminal, is where a bar belongs there.
    """
    return type(stream).__module__.split(".", 1)[0] == "ipykernel"


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

    def __init__(self, total: int, stream: Any, desc: str, widget: bool = False) -> None:
        # ~40 ms to import: only a run that shows a bar pays it
        if widget:
            from tqdm.notebook import tqdm
        else:
            from tqdm import tqdm

        kwargs = {} if widget else {"file": stream}
        self.bar = tqdm(total=total, desc=desc, unit="step", leave=True, **kwargs)

    def update(self, info: dict) -> None:
        self.bar.set_postfix_str(_fmt(info), refresh=False)
        self.bar.update(1)

    def close(self) -> None:
        self.bar.close()


def _has_widgets() -> bool:
    return importlib.util.find_spec("ipywidgets") is not None


def progress(total: int, verbose: bool = True, stream: Any = None, desc: str = "fit") -> Bar:
    """A progress bar for ``total`` steps on ``stream`` (default stderr), or a silent stand-in."""
    stream = sys.stderr if stream is None else stream
    if not verbose:
        return _Silent()
    if _is_tty(stream):
        return _Tqdm(total, stream, desc)
    if in_notebook(stream):
        return _Tqdm(total, stream, desc, widget=_has_widgets())
    return _Silent()
