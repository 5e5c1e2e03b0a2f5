"""Every ```python block of README.md and docs/*.md runs, so the documentation cannot go stale."""

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def blocks():
    for page in PAGES:
        for i, m in enumerate(BLOCK.finditer(page.read_text())):
            code = m.group(1)
            if code.lstrip().startswith("# notest"):
                continue
            yield pytest.param(code, id=f"{page.name}-{i}")


@pytest.mark.parametrize("code", list(blocks()))
def test_doc_example_runs(code, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # examples that write files write them here
    os.environ.setdefault("MPLBACKEND", "Agg")
    exec(compile(code, "<doc example>", "exec"), {"__name__": "__doc_example__"})


def test_docstring_examples_run():
    import doctest

    from chainrule import autograd
    from chainrule.autograd import check, value

    for module in (autograd, value, check):
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert result.failed == 0, module.__name__
