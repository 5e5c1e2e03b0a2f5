"""The notebook course: six short Jupyter notebooks, copied into a folder to open and work in.

    chainrule demo notebooks [--out DIR]      (default ./chainrule-out/notebooks/)

1. ``01_slope``: a derivative is a slope, estimated by finite differences (forward, central),
   and how their error depends on the step h;
2. ``02_chain_rule``: the chain rule by hand on ``c = a b + tanh(a)``, then with ``Value`` and
   ``backward()``, checked with ``gradcheck``; why gradients accumulate;
3. ``03_neuron``: one layer ``y = f(Wx + b)`` and ``dW = (dy * f'(Wx + b)) x^T / m`` by hand with
   numpy and by autograd, and gradient steps by hand;
4. ``04_nonlinearity``: two linear layers collapse into one; what tanh changes on the moons;
5. ``05_training_loop``: an MLP trained by a loop written by hand (forward, zero_grad,
   backward, update), then by ``nn.fit``;
6. ``06_tensors``: the same network as matrices on the tensor engine, and why it is faster.

Each has short exercises: put your answer in place of the ``...`` and run the next cell, which
checks it (``chainrule.demos.exercises.check``) and says what is off. The notebooks ship with
chainrule (package data), already run, so their pictures show before you run anything. Open the
copies with ``jupyter lab DIR`` (``pip install jupyterlab``) or upload one to Google Colab
(first cell there: ``!pip install chainrule``). They write nothing outside a temporary folder.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from ._common import Report, heading, lesson_main, output_dir


def course() -> list[Path]:
    """The shipped notebooks, in order (inside the installed package)."""
    folder = resources.files("chainrule.demos") / "course"
    found = sorted(Path(str(p)) for p in folder.iterdir() if p.name.endswith(".ipynb"))
    if not found:
        raise FileNotFoundError(f"no notebooks in {folder}: reinstall chainrule "
                                "(pip install --force-reinstall chainrule)")
    return found


def run(out: str | os.PathLike | None = None, *, quick: bool = False) -> Report:
    """Copy the course into ``out``; an existing copy is left alone (your answers are kept)."""
    folder = output_dir("notebooks", out)
    report = Report()
    heading("the notebook course")
    for src in course():
        dest = folder / src.name
        if dest.exists():
            print(f"  {src.stem}: kept your copy ({dest})")
        else:
            shutil.copyfile(src, dest)
            print(f"  {src.stem}: copied")
        report.add(dest)
    print(f"\nopen them with: jupyter lab {folder}")
    report.results.update(names=[p.name for p in report.files])
    return report


def main(argv: Sequence[str] | None = None) -> int:
    return lesson_main(__name__, __doc__, run, argv)


if __name__ == "__main__":
    raise SystemExit(main())
