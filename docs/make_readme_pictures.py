"""Regenerate the README's tour pictures: ``python docs/make_readme_pictures.py [--out DIR]``.

Runs the tour block of README.md itself (the first ```python block under "## A tour in 15
lines"), in a temporary folder, so the pictures always show what the tour's code computes:

* ``docs/images/tour_expression.svg``: the tour's expression ``c`` after ``backward()``, drawn by
  ``viz.render`` (what ``viz.draw_graph(c)`` shows in Jupyter);
* ``docs/images/tour_mlp.svg``: the ``tour.svg`` the tour renders (one point through the trained
  MLP, one card per neuron).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADING = "## A tour in 15 lines"


def tour_code(readme: Path = ROOT / "README.md") -> str:
    """The tour's code: the first python block after the tour's heading."""
    text = readme.read_text(encoding="utf-8")
    start = text.find(HEADING)
    if start < 0:
        raise SystemExit(f"{readme}: no {HEADING!r} section; update HEADING in {__file__}")
    block = re.search(r"^```python\n(.*?)^```", text[start:], re.S | re.M)
    if block is None:
        raise SystemExit(f"{readme}: the tour section has no ```python block")
    return block.group(1)


def main(out: str | os.PathLike | None = None) -> list[Path]:
    """Run the tour and write its two pictures into ``out`` (default docs/images)."""
    sys.path.insert(0, str(ROOT))
    from chainrule import viz

    folder = Path(out) if out is not None else ROOT / "docs" / "images"
    folder.mkdir(parents=True, exist_ok=True)
    code = tour_code()
    here = Path.cwd()
    with tempfile.TemporaryDirectory(prefix="chainrule-tour-") as tmp:
        os.chdir(tmp)  # the tour writes tour.svg into the current folder
        try:
            namespace: dict = {"__name__": "__tour__"}
            exec(compile(code, "README.md tour", "exec"), namespace)
            written = [viz.render(namespace["c"], folder / "tour_expression.svg")]
            written.append(Path(shutil.copy(Path(tmp) / "tour.svg", folder / "tour_mlp.svg")))
        finally:
            os.chdir(here)
    return written


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", help="folder to write into (default: docs/images)")
    for path in main(parser.parse_args().out):
        print(path)
