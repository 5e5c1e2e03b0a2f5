"""The wheel: one import package, ``chainrule``, that installs next to HIPS autograd.

A non-editable wheel is built from a copy of the repository, its file list is checked, and it is
installed into a fresh virtual environment with numpy and HIPS ``autograd==1.9.1`` from the
package index; one process then uses both libraries. About 5 s when pip's cache holds the wheels;
skipped, saying why, when the package index cannot be reached.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOT_SOURCE = shutil.ignore_patterns(".*", "build", "dist", "*.egg-info", "__pycache__",
                                    "chainrule-out", "tmp", "tests", "benchmarks", "docs")
# what pip prints when it cannot reach the index (offline, no DNS, a proxy refusing)
OFFLINE = re.compile(r"No matching distribution|Could not find a version|"
                     r"NewConnectionError|Network is unreachable|Temporary failure in name "
                     r"resolution|Failed to establish|ConnectTimeout|ReadTimeout|ProxyError")
BOTH_IN_ONE_PROCESS = """
import math
import autograd.numpy as anp
from autograd import grad
g = grad(anp.tanh)(0.5)
assert abs(g - (1 - math.tanh(0.5) ** 2)) < 1e-12, g

from chainrule import Value
x = Value(0.5)
y = (x * x).tanh()
y.backward()
expected = (1 - math.tanh(0.25) ** 2) * 2 * 0.5  # d tanh(x^2)/dx = (1 - tanh(x^2)^2) 2x
assert abs(x.grad - expected) < 1e-12, x.grad

import autograd, chainrule.autograd
print(autograd.__file__)
print(chainrule.autograd.__file__)
"""


def _run(*args: str | Path, **kw) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, env=env, **kw)


def _setuptools_is_new_enough() -> bool:
    try:
        import setuptools
    except ImportError:
        return False
    return int(setuptools.__version__.split(".")[0]) >= 77  # license = "MIT" (PEP 639)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """A non-editable wheel, built from a copy of the sources (the checkout stays clean)."""
    tmp = tmp_path_factory.mktemp("wheel")
    shutil.copytree(ROOT, tmp / "src", ignore=NOT_SOURCE)
    # with setuptools>=77 here (the dev extra), no fresh copy is fetched into an isolated build
    isolation = ["--no-build-isolation"] if _setuptools_is_new_enough() else []
    out = _run(sys.executable, "-m", "pip", "wheel", "--no-deps", *isolation, "-w", tmp / "dist",
               tmp / "src")
    if out.returncode and not isolation and OFFLINE.search(out.stderr):
        pytest.skip("building the wheel needs setuptools>=77 from the package index, which "
                    "cannot be reached (pip install 'setuptools>=77' to build offline)")
    assert out.returncode == 0, out.stdout + out.stderr
    (path,) = (tmp / "dist").glob("chainrule-*.whl")
    return path


def test_the_wheel_holds_only_chainrule_with_its_data_files(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/")[0] for n in names}
    dist_info = [t for t in tops if t.endswith(".dist-info")]
    assert tops == {"chainrule", *dist_info} and len(dist_info) == 1, sorted(tops)
    assert re.fullmatch(r"chainrule-[^-/]+\.dist-info", dist_info[0])
    # every source and data file of the packages, derived from the repository (not a list)
    for folder, pattern in [("playground/static", "**/*"), ("viz/assets", "*"),
                            ("nn/data", "*.npz"), ("nn/data", "NOTICE.md"), (".", "*.py")]:
        files = [p for p in (ROOT / folder).glob(pattern) if p.is_file()]
        assert files, (folder, pattern)
        for p in files:
            assert f"chainrule/{p.relative_to(ROOT).as_posix()}" in names, p
    for sub in ("autograd", "nn", "viz", "demos", "playground", "cli"):
        for p in (ROOT / sub).rglob("*.py"):
            assert f"chainrule/{p.relative_to(ROOT).as_posix()}" in names, p
    assert not [n for n in names if "/tests/" in n or n.startswith("chainrule/tests")]


def test_installs_next_to_hips_autograd_and_both_work(wheel, tmp_path):
    venv = tmp_path / "venv"
    made = _run(sys.executable, "-m", "venv", "--without-pip", venv)  # pip is run from outside
    assert made.returncode == 0, made.stderr
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    # --no-deps: exactly these three (the engine needs only numpy; HIPS autograd 1.9.1 needs only
    # numpy); numpy pinned to ours so that pip's cache serves it; --no-compile: byte-compiling
    # numpy took 3 of the 5 seconds
    out = _run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps",
               "--disable-pip-version-check", "--no-compile", wheel, f"numpy=={np.__version__}",
               "autograd==1.9.1")
    if out.returncode and OFFLINE.search(out.stderr):
        last = out.stderr.strip().splitlines()[-1]
        pytest.skip(f"the package index cannot be reached (numpy and HIPS autograd): {last}")
    assert out.returncode == 0, out.stdout + out.stderr
    run = _run(python, "-c", BOTH_IN_ONE_PROCESS, cwd=tmp_path)  # cwd: not the checkout
    assert run.returncode == 0, run.stdout + run.stderr
    hips, ours = (Path(line) for line in run.stdout.split())
    site = hips.parent.parent
    assert hips == site / "autograd" / "__init__.py"  # HIPS keeps its top-level package
    assert ours == site / "chainrule" / "autograd" / "__init__.py"
    assert venv in site.parents
