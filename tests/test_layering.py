"""Imports point one way, toward the engine, and every package folder is installed.

Every ``.py`` file of the library is parsed with ``ast``; every import in it (at module level, in a
function, under ``TYPE_CHECKING``; absolute or relative) is resolved to the ``chainrule`` module
it names, and the layers are checked (docs/packages.md draws them):

    demos, playground, cli   may import anything of chainrule
    viz                      imports only autograd
    nn                       imports only autograd
    autograd                 imports nothing of chainrule outside itself
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SUBPACKAGES = ("autograd", "nn", "viz", "demos", "playground", "cli")
ALLOWED = {"autograd": {"autograd"}, "nn": {"autograd", "nn"}, "viz": {"autograd", "viz"}}
APPS = {"demos", "playground", "cli"}
NOT_PACKAGES = {".venv", "tests", "benchmarks", "docs", "build"}


def module_name(path: Path) -> str:
    """`nn/data/x.py` -> `chainrule.nn.data.x`, `nn/__init__.py` -> `chainrule.nn`."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(["chainrule", *parts])


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, the chainrule module or top-level package named) for every import in the file."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: climb level - 1 packages up from this file's package
                base = package.split(".")
                base = ".".join(base[: len(base) - node.level + 1])
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            # `from chainrule import nn` names the subpackage nn, not the front door
            found += [(node.lineno, f"{target}.{a.name}" if target == "chainrule"
                       and a.name in SUBPACKAGES else target) for a in node.names]
    return found


def layer(module: str) -> str | None:
    """The subpackage a chainrule module belongs to (``chainrule`` for the front door itself);
    None for a module outside chainrule."""
    parts = module.split(".")
    if parts[0] != "chainrule":
        return None
    return parts[1] if len(parts) > 1 and parts[1] in SUBPACKAGES else "chainrule"


def library_files(sub: str) -> list[Path]:
    return sorted(p for p in (ROOT / sub).rglob("*.py") if "__pycache__" not in p.parts)


def edges(sub: str) -> list[str]:
    """``file:line imports module`` for every chainrule import of the subpackage's files."""
    return [f"{p.relative_to(ROOT)}:{line} imports {target}"
            for p in library_files(sub) for line, target in imported_modules(p)
            if layer(target) is not None]


def test_the_scanner_resolves_relative_and_absolute_imports(tmp_path, monkeypatch):
    pkg = tmp_path / "nn" / "data"
    pkg.mkdir(parents=True)
    f = pkg / "x.py"
    f.write_text("import numpy\nfrom . import batching\nfrom .. import _rng\n"
                 "from ...autograd import Value\nfrom chainrule import nn, Value\n"
                 "def g():\n    import chainrule.viz.steps\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert [t for _, t in imported_modules(f)] == [
        "numpy", "chainrule.nn.data", "chainrule.nn", "chainrule.autograd",
        "chainrule.nn", "chainrule", "chainrule.viz.steps"]


@pytest.mark.parametrize("sub", sorted(ALLOWED))
def test_library_layers_import_only_toward_the_engine(sub):
    assert library_files(sub), f"no files found under {sub}/"
    bad = [e for e in edges(sub) if layer(e.rsplit(" ", 1)[1]) not in ALLOWED[sub]]
    assert not bad, f"{sub} may import only {sorted(ALLOWED[sub])} of chainrule:\n" + "\n".join(bad)


def test_nothing_in_the_library_imports_an_app():
    bad = [e for sub in ALLOWED for e in edges(sub) if layer(e.rsplit(" ", 1)[1]) in APPS]
    assert not bad, "the apps (demos, playground, cli) sit on top:\n" + "\n".join(bad)


def test_every_package_folder_is_installed():
    tomllib = pytest.importorskip("tomllib", reason="tomllib is in the standard library from 3.11")
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
                 ["packages"])
    folders = {module_name(init) for init in ROOT.rglob("__init__.py")
               if not NOT_PACKAGES & set(init.relative_to(ROOT).parts)
               and not any(part.startswith(".") for part in init.relative_to(ROOT).parts)}
    assert folders - listed == set(), "add these to [tool.setuptools] packages in pyproject.toml"
    assert listed - folders == set(), "listed in pyproject.toml but not a folder with __init__.py"


BANNED = ["import nn", "from autograd import Value", "import viz.steps", "import demos",
          "from playground import server", "import cli"]
FINE = ["from chainrule.autograd import Value", "from chainrule import nn, viz",
        "from .autograd import Value", "from . import steps", "from ..nn import MLP"]


def test_ruff_bans_the_old_top_level_imports(tmp_path):
    ruff = shutil.which("ruff") or shutil.which("ruff", path=str(Path(sys.executable).parent))
    if ruff is None:
        pytest.skip("ruff is not installed (pip install -e '.[dev]')")
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "code.py").write_text("\n".join(BANNED + FINE) + "\n")
    out = subprocess.run([ruff, "check", "--no-cache", "--config", str(ROOT / "pyproject.toml"),
                          "--select", "TID251", "--output-format", "concise", str(pkg)],
                         capture_output=True, text=True)
    flagged = sorted(int(line.split(":")[1]) for line in out.stdout.splitlines()
                     if "TID251" in line)
    assert flagged == list(range(1, len(BANNED) + 1)), out.stdout + out.stderr
    assert "import chainrule.nn" in out.stdout  # the message says what to write instead
