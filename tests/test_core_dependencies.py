"""`pip install .` runs every lesson and the main job: they need no extra.

One subprocess makes every module that only the extras bring (scikit-learn, resvg-py, torch, the
test tools, and what they pull in) impossible to import, as if they were not installed, then runs
every lesson's quick mode and the main job through its entry point (``python -m chainrule.demos``).
The modules to block are derived from pyproject.toml and the installed distributions' metadata,
not kept by hand. About 6 s.
"""

from __future__ import annotations

import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib", reason="tomllib is in the standard library from 3.11")

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]

RUN_EVERY_LESSON = """
import importlib, importlib.abc, runpy, sys
BLOCKED, OUT = set(sys.argv[1].split(",")), sys.argv[2]
tried = set()

class NotInstalled(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in BLOCKED:
            tried.add(name)
            raise ModuleNotFoundError(f"No module named {name!r} (blocked: an extra)", name=name)
        return None

sys.meta_path.insert(0, NotInstalled())
from chainrule.demos.cli import LESSONS
for name in LESSONS:
    importlib.import_module("chainrule.demos." + name).run(f"{OUT}/{name}", quick=True)
sys.argv = ["chainrule.demos", "--quick", "--out", OUT + "/main"]
try:
    runpy.run_module("chainrule.demos", run_name="__main__")
except SystemExit as e:
    assert not e.code, f"the main job exited with {e.code}"
print("optional imports refused and handled:", sorted(tried))
"""


def _name(requirement: str) -> str:
    """``'resvg-py>=0.5'`` -> ``'resvg_py'``: the distribution's normalised name (PEP 503)."""
    return re.sub(r"[-_.]+", "_", re.match(r"[A-Za-z0-9._-]+", requirement).group()).lower()


def _closure(requirements: list[str]) -> set[str]:
    """The installed distributions these requirements bring, with their own requirements
    (not their optional extras); ``chainrule[x]`` stands for the requirements of extra x."""
    seen: set[str] = set()
    todo = list(requirements)
    while todo:
        req = todo.pop()
        if "extra ==" in req:
            continue
        name = _name(req)
        if name == "chainrule":  # chainrule[png, torch]
            extras = re.search(r"\[(.*?)\]", req)
            todo += [r for x in (extras.group(1).split(",") if extras else ())
                     for r in PROJECT["optional-dependencies"][x.strip()]]
            continue
        if name in seen:
            continue
        try:
            todo += metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue  # not installed here: nothing to block
        seen.add(name)
    return seen


def modules_only_the_extras_bring() -> set[str]:
    core = _closure(PROJECT["dependencies"])
    extras = _closure([r for reqs in PROJECT["optional-dependencies"].values() for r in reqs])
    only_extras = extras - core
    return {module for module, dists in metadata.packages_distributions().items()
            if module.isidentifier() and {_name(d) for d in dists} <= only_extras}


def test_the_blocked_set_is_what_the_extras_bring():
    blocked = modules_only_the_extras_bring()
    assert "pytest" in blocked  # the dev extra is installed wherever this runs
    for core in ("numpy", "matplotlib", "tqdm", "graphviz"):
        assert core not in blocked
    if "sklearn" in metadata.packages_distributions():
        assert "sklearn" in blocked


def test_every_lesson_and_the_main_job_run_with_core_dependencies_only(tmp_path):
    blocked = modules_only_the_extras_bring()
    out = subprocess.run([sys.executable, "-c", RUN_EVERY_LESSON, ",".join(sorted(blocked)),
                          str(tmp_path)], capture_output=True, text=True, cwd=tmp_path)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-5000:]
    assert (tmp_path / "main" / "decision_boundary.png").is_file()
    assert (tmp_path / "digits" / "confusion_matrix.png").is_file()
