"""demos/tour.ipynb runs from top to bottom in a fresh kernel and shows its pictures inline.

The kernel is this very interpreter (a kernel spec written to a temporary JUPYTER_PATH points at
``sys.executable``), so the test needs no installed kernel and works in CI's fresh .venv.
"""

import json
import os
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")
pytest.importorskip("matplotlib")

ROOT = Path(__file__).resolve().parent.parent
KERNEL = "chainrule-test"


def _kernel_spec(folder: Path) -> None:
    spec = folder / "kernels" / KERNEL
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "chainrule tests",
        "language": "python",
        # the repository first, so the kernel imports this checkout's packages
        "env": {"PYTHONPATH": os.pathsep.join([str(ROOT), *sys.path]), "MPLBACKEND": "Agg"},
    }))


def test_tour_notebook_runs(tmp_path, monkeypatch):
    _kernel_spec(tmp_path / "jupyter")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    work = tmp_path / "work"
    work.mkdir()
    nb = nbformat.read(ROOT / "demos" / "tour.ipynb", as_version=4)
    client = nbclient.NotebookClient(nb, kernel_name=KERNEL, timeout=120,
                                     resources={"metadata": {"path": str(work)}})
    client.execute()  # raises CellExecutionError, with the cell and traceback, on any error
    kinds = [set(o.get("data", {})) | {o["output_type"]}
             for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
    shown = set().union(*kinds)
    assert "image/svg+xml" in shown  # draw_graph, inline
    assert "image/png" in shown      # the matplotlib figures, inline
    assert "text/html" in shown      # the backprop stepper
    def printed(fragment: str) -> str:
        (cell,) = [c for c in nb.cells if c.cell_type == "code" and fragment in c.source]
        return "".join(o.get("text", "") for o in cell.outputs)

    assert printed("print(a.grad, b.grad)").startswith("-2.929349175146")  # b + 1 - tanh(a)^2
    assert printed("print(nn.functional.accuracy") == "1.0\n"  # the moons, all right
    assert (work / "tour.svg").is_file()
