"""What every lesson shares: its output folder, its command line, figures, and the final report.

A lesson is a module ``chainrule.demos.NAME`` with

* ``run(out=None, *, quick=False) -> Report``: does the lesson, prints what it shows, writes its
  pictures into ``out`` (default ``./chainrule-out/NAME/``) and returns the files and the numbers
  it found (the smoke tests read them); ``quick=True`` is a tiny run for the tests, whose numbers
  teach nothing;
* ``main(argv=None) -> int``: the command line
  (``python -m chainrule.demos.NAME [--out DIR] [--quick]``, also ``chainrule demo NAME``),
  built by :func:`lesson_main` from the module's docstring.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_ROOT = Path("chainrule-out")


@dataclass
class Report:
    """What a lesson produced: the files it wrote and the numbers it measured."""

    files: list[Path] = field(default_factory=list)
    results: dict[str, Any] = field(default_factory=dict)
    #: the matplotlib figures saved, in order (the tests check their fonts, legends and colours)
    figures: list[Any] = field(default_factory=list, repr=False)

    def add(self, path: str | os.PathLike) -> Path:
        path = Path(path)
        self.files.append(path)
        return path


def output_dir(name: str, out: str | os.PathLike | None = None) -> Path:
    """The folder a lesson writes into: ``out`` if given, else ``./chainrule-out/NAME``."""
    path = Path(out) if out is not None else DEFAULT_ROOT / name
    if path.exists() and not path.is_dir():
        raise NotADirectoryError(f"--out {str(path)!r} is a file: give a folder to write into")
    path.mkdir(parents=True, exist_ok=True)
    return path


def heading(text: str) -> None:
    """A section title in the lesson's printout."""
    print(f"\n== {text} ==")


def figure(nrows: int = 1, ncols: int = 1, size: tuple[float, float] = (6.0, 4.5)) -> tuple:
    """A matplotlib ``(Figure, axes array)`` made without pyplot (no GUI backend is touched)."""
    import numpy as np
    from matplotlib.figure import Figure

    fig = Figure(figsize=size, dpi=110, layout="constrained")
    return fig, np.atleast_1d(fig.subplots(nrows, ncols, squeeze=False)).reshape(nrows, ncols)


def save(fig: Any, path: Path, report: Report) -> Path:
    """Make a figure readable on a projector, save it (the suffix picks the format), list it.

    ``viz.plots.readable`` raises every text to 12 pt at the size the figure is shown (a slide
    or a notebook cell 1,024 px wide), whatever the figure's width.
    """
    from chainrule.viz.plots import readable

    readable(fig)
    fig.savefig(path, dpi=150)
    if fig not in report.figures:
        report.figures.append(fig)
    return report.add(path)


def diverging_cmap() -> Any:
    """The palette's signed map as a matplotlib colormap: vermillion (-), white (0), blue (+)."""
    from matplotlib.colors import LinearSegmentedColormap

    from chainrule.viz import palette

    return LinearSegmentedColormap.from_list("chainrule-diverging", list(palette.DIVERGING_STOPS))


def series_style(k: int) -> dict[str, Any]:
    """Series ``k``'s look from the palette: colour, line style and marker (two cues beyond hue)."""
    from chainrule.viz import palette

    return {"color": palette.class_color(k), "linestyle": palette.line_style(k),
            "marker": palette.marker(k)}


def print_files(report: Report) -> None:
    print("\nfiles written:")
    for path in report.files:
        print(f"  {path}")


@dataclass
class Stopwatch:
    """``with Stopwatch() as t: ...`` then ``t.seconds``."""

    seconds: float = 0.0
    _start: float = 0.0

    def __enter__(self) -> Stopwatch:
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self._start


def lesson_main(module_name: str, doc: str | None, run: Callable[..., Report],
                argv: Sequence[str] | None = None) -> int:
    """The command line of one lesson: ``[--out DIR] [--quick]``, then the list of files."""
    name = module_name.rsplit(".", 1)[-1]
    first_line = (doc or name).strip().splitlines()[0]
    parser = argparse.ArgumentParser(prog=f"chainrule demo {name}", description=first_line)
    parser.add_argument("--out", metavar="DIR",
                        help=f"folder for the pictures (default: ./chainrule-out/{name})")
    parser.add_argument("--quick", action="store_true",
                        help="a tiny, fast run (what the smoke tests use; the numbers mean little)")
    ns = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    try:
        report = run(ns.out, quick=ns.quick)
    except (NotADirectoryError, PermissionError) as e:
        print(f"chainrule demo {name}: {e}", file=sys.stderr)
        return 2
    print_files(report)
    return 0
