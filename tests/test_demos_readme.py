"""The README a newcomer reads: its tour is 15 lines, its pictures come from running it, and
every page and lesson it names exists."""

import importlib.util
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _pictures_script():
    spec = importlib.util.spec_from_file_location("make_readme_pictures",
                                                  ROOT / "docs" / "make_readme_pictures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_tour_is_15_lines_and_draws_its_pictures(tmp_path):
    script = _pictures_script()
    code = script.tour_code()
    assert len(code.rstrip("\n").splitlines()) <= 15
    for needed in ("Value(", ".backward()", "viz.draw_graph(", "nn.fit(", "viz.render("):
        assert needed in code
    written = script.main(tmp_path)
    assert [p.name for p in written] == ["tour_expression.svg", "tour_mlp.svg"]
    for p in written:
        assert p.read_text().lstrip().startswith("<?xml") and "</svg>" in p.read_text()
    assert "layers.1.neurons.7" in (tmp_path / "tour_mlp.svg").read_text()
    for p in written:  # the committed pictures exist under the same names
        assert (ROOT / "docs" / "images" / p.name).is_file()


def test_readme_links_and_setup_commands():
    text = (ROOT / "README.md").read_text()
    for page in ("engine", "tensor", "nn", "viz", "lessons", "playground"):
        assert f"(docs/{page}.md)" in text
    for link in re.findall(r"\]\(((?:docs|demos|benchmarks)/[^)#]+)\)", text):
        assert (ROOT / link).exists(), link
    assert "make demo" in text and "make test" in text
    makefile = (ROOT / "Makefile").read_text()
    assert "$(BIN)/python -m chainrule.demos" in makefile  # make demo is the main job


def test_readme_lists_every_lesson():
    from chainrule.demos.cli import LESSONS

    text = (ROOT / "README.md").read_text() + (ROOT / "docs" / "lessons.md").read_text()
    for name in LESSONS:
        assert f"`{name}`" in text
