"""How nn's files fit together: imports at the top and pointing one way (no cycle patched with an
import inside a function), no private name imported from another file, small files."""

import ast
from pathlib import Path

import pytest

from chainrule import nn

ROOT = Path(nn.__file__).parent
FILES = sorted(ROOT.rglob("*.py"))
# heavy optional imports may wait until they are used
OPTIONAL = {"matplotlib", "onnx", "torch", "tqdm"}


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def _module_of(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _package_of(path: Path) -> str:
    parts = list(path.relative_to(ROOT).parent.parts)
    return ".".join(parts)


def _top_level_targets(path: Path) -> set[str]:
    """The nn modules that ``path`` imports at its top level (relative imports, resolved)."""
    tree = ast.parse(path.read_text())
    out = set()
    for node in tree.body:
        if not isinstance(node, ast.ImportFrom) or not node.level:
            continue
        base = _package_of(path).split(".") if _package_of(path) else []
        base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
        if node.module:
            out.add(".".join([*base, node.module]))
        else:  # from . import a, b: submodules
            out.update(".".join([*base, a.name]) for a in node.names)
    modules = {_module_of(p) for p in FILES}
    return {t for t in out if t in modules and t != _module_of(path)}


def test_the_scan_finds_the_files():
    assert {"module.py", "state.py", "display.py", "dense.py", "mlp.py"} <= {_rel(p) for p in FILES}


@pytest.mark.parametrize("path", FILES, ids=_rel)
def test_no_import_inside_a_function(path):
    late = []
    for f in ast.walk(ast.parse(path.read_text())):
        if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for n in ast.walk(f):
                if isinstance(n, ast.Import):
                    names = [a.name for a in n.names]
                elif isinstance(n, ast.ImportFrom):
                    names = ["." * n.level + (n.module or "")]
                else:
                    continue
                late += [f"line {n.lineno}: {x}" for x in names
                         if x.split(".")[0] not in OPTIONAL]
    assert late == [], f"{_rel(path)} imports inside functions: {late}"


@pytest.mark.parametrize("path", FILES, ids=_rel)
def test_no_private_name_imported_from_another_file(path):
    bad = [ast.unparse(n) for n in ast.parse(path.read_text()).body
           if isinstance(n, ast.ImportFrom) and any(a.name.startswith("_") for a in n.names)]
    assert bad == []


def test_nn_imports_point_one_way():
    graph = {_module_of(p): _top_level_targets(p) for p in FILES}
    assert "state" in graph["module"] and "module" not in graph["state"]  # module builds on state
    state: dict[str, str] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                raise AssertionError("import cycle: " + " -> ".join([*path, node, nxt]))
            if nxt not in state:
                visit(nxt, [*path, node])
        state[node] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [])


@pytest.mark.parametrize("path", FILES, ids=_rel)
def test_every_file_is_small(path):
    assert len(path.read_text().splitlines()) <= 250
