"""The notebook course (demos/course/*.ipynb) runs from top to bottom, exercises answered.

Each notebook runs in a fresh kernel on this very interpreter (a kernel spec written to a
temporary JUPYTER_PATH points at ``sys.executable``, so no installed kernel is needed), with
every exercise's solution (kept in the cell's metadata) put in: every check must then say
"right". The committed notebooks carry their outputs (unanswered exercises), pictures inline,
and a run writes nothing into its working folder.
"""

import importlib.util
import json
import os
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")
pytest.importorskip("matplotlib")

ROOT = Path(__file__).resolve().parent.parent
COURSE = ROOT / "demos" / "course"
NOTEBOOKS = sorted(p.name for p in COURSE.glob("*.ipynb"))
KERNEL = "chainrule-test"


def _build():
    spec = importlib.util.spec_from_file_location("course_build", COURSE / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def kernel(tmp_path_factory):
    folder = tmp_path_factory.mktemp("jupyter")
    spec = folder / "kernels" / KERNEL
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "chainrule tests",
        "language": "python",
        # the repository first, so the kernel imports this checkout's packages
        "env": {"PYTHONPATH": os.pathsep.join([str(ROOT), *sys.path]), "MPLBACKEND": "Agg"},
    }))
    old = os.environ.get("JUPYTER_PATH")
    os.environ["JUPYTER_PATH"] = str(folder)
    yield KERNEL
    if old is None:
        del os.environ["JUPYTER_PATH"]
    else:
        os.environ["JUPYTER_PATH"] = old


def _checks(cells) -> list:
    """The cells that check an answer (a line starting with ``check(``)."""
    return [c for c in cells if c.cell_type == "code"
            and any(line.startswith("check(") for line in c.source.splitlines())]


def _texts(cell) -> str:
    return "".join(o.get("text", "") for o in cell.outputs)


def test_six_notebooks_each_built_from_the_course():
    build = _build()
    assert [f"{name}.ipynb" for name in build.COURSE] == NOTEBOOKS
    assert len(NOTEBOOKS) == 6


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs_and_every_exercise_checks_right(name, kernel, tmp_path):
    build = _build()
    committed = nbformat.read(COURSE / name, as_version=4)
    # the committed notebook is what build.py writes, with its outputs
    fresh = build.notebook(build.COURSE[name.removesuffix(".ipynb")])
    assert [c.source for c in committed.cells] == [c.source for c in fresh.cells]
    code = [c for c in committed.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code), "build.py runs the notebook before saving"
    exercises = [c for c in committed.cells if "chainrule" in c.metadata]
    assert len(exercises) >= 2
    checks = _checks(code)
    assert len(checks) == len(exercises)
    assert all("not answered yet" in _texts(c) for c in checks)  # as shipped: unanswered

    work = tmp_path / "work"
    work.mkdir()
    nb = build.execute(build.with_solutions(committed), kernel=kernel, folder=str(work))
    for c in _checks(nb.cells):
        assert "right" in _texts(c) and "✘" not in _texts(c), (c.source, _texts(c))
    shown = set().union(*(set(o.get("data", {})) for c in nb.cells if c.cell_type == "code"
                          for o in c.outputs))
    assert shown & {"image/png", "image/svg+xml"}, "every notebook shows a picture inline"
    assert list(work.iterdir()) == []  # nothing written where it runs


def test_wrong_answers_get_a_helpful_message(capsys):
    from chainrule import Value
    from chainrule.demos.exercises import check

    cases = [
        (..., 2.0, "not answered yet"),
        ("two", 2.0, "expected a number"),
        ([1.0, 2.0], [[1.0], [2.0]], "shape is (2,), not (2, 1)"),
        ([1.0, 2.0, 3.0], [1.0, 2.0], "expected shape (2,)"),
        (-2.0, 2.0, "wrong sign"),
        (4.0, 2.0, "2 times the right answer"),
        (2.5, 2.0, "off by 0.5"),
        ([3, 4], (4, 3), "is not it"),
        (float("nan"), 1.0, "nan or inf"),
    ]
    for answer, expected, message in cases:
        assert check(answer, expected, hint="look again") is False
        out = capsys.readouterr().out
        assert message in out, (answer, out)
    assert check(Value(2.0), 2.0 + 1e-9, name="v") is True
    assert capsys.readouterr().out == "✔ v: right\n"
    assert check((4, 3), (4, 3)) is True
