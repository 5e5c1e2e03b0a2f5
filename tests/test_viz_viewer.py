"""The interactive viewer: its data model, the offline page, notebook display, and Chromium
(no console errors, text size at the default zoom, zoom, expand/collapse, search, hover)."""

from __future__ import annotations

import json
import re

import pytest
from browser_pages import chromium_pages

from chainrule import nn, viz
from chainrule.autograd import Value, ops
from chainrule.viz import graphmodel, names


def mlp_loss():
    model = nn.MLP(2, [4, 4, 1], seed=1)
    out = model([0.5, -1.0])
    loss = (out - 1.0) ** 2
    loss.backward()
    return model, loss


def expression():
    x, w = Value(2.0, label="x"), Value(-0.5, label="w")
    y = (x * w).tanh()
    y.label = "y"
    y.backward()
    return y


def test_short_names():
    assert names.short_path("layers.1.neurons.1") == "l1.n1"
    assert names.short_path("layers.1.neurons.1.w.1", leaf=True) == "l1.n1.w1"
    assert names.short_path("layers.0.weight", leaf=True) == "l0.weight"
    assert names.op_word("*") == "mul" and names.op_word("**2") == "pow"


def test_model_groups_and_names():
    model, loss = mlp_loss()
    m = graphmodel.graph_model(loss, model=model)
    assert json.loads(json.dumps(m)) == m  # plain data
    levels = [g["level"] for g in m["groups"]]
    assert levels.count(0) == 1 and levels.count(1) == 3 and levels.count(2) == 9
    shown = [n["name"] for n in m["nodes"]]
    assert not any(re.fullmatch(r"v\d+", s) for s in shown)
    assert {"x1", "x2", "l0.n0.w0", "l1.n2.out"} <= set(shown)
    for a, b in m["edges"]:
        assert a < b  # parents first
    for i, n in enumerate(m["nodes"]):
        if n.get("op"):  # the derivative text comes from the op registry
            op = ops.lookup(n["op"]) or type(loss.op)  # ** 2 is registered as a family
            assert m["ops"][n["op"]]["rule"] == op.__doc__.strip().splitlines()[0]
            assert len(n["d"]) == sum(1 for _, b in m["edges"] if b == i)
    with pytest.raises(ValueError, match="model="):
        graphmodel.graph_model(expression(), collapse="layer")  # no module to group by
    # without model=, nn's dotted parameter labels still group the graph (as draw_graph does)
    assert len(graphmodel.graph_model(loss, collapse="layer")["groups"]) == len(m["groups"])
    with pytest.raises(ValueError, match="depth"):
        graphmodel.graph_model(loss, model=model, depth=-1)


def test_render_html_is_one_offline_page(tmp_path):
    model, loss = mlp_loss()
    path = viz.render(loss, tmp_path / "g.html", model=model, collapse="neuron")
    html = path.read_text()
    assert html.startswith("<!DOCTYPE html>") and "ChainruleViewer" in html
    assert "https://" not in html and "http://" not in html
    assert not re.search(r"""\b(src|href)\s*=""", html)
    with pytest.raises(TypeError, match="unknown option"):
        viz.render(loss, tmp_path / "h.html", model=model, bogus=1)


def test_drawing_shows_the_viewer_in_notebooks():
    d = viz.draw_graph(expression())
    shown = d._repr_html_()
    assert shown.startswith("<iframe srcdoc=") and "ChainruleViewer" in shown
    assert "<svg" in d._repr_image_svg_xml()  # the static fallback stays


@pytest.fixture(scope="module")
def page_of(tmp_path_factory):
    folder = tmp_path_factory.mktemp("viewer")
    with chromium_pages() as open_path:

        def open_(root, name, width=1280, html=None, **kwargs):
            if html is None:
                path = viz.render(root, folder / name, **kwargs)
            else:
                path = folder / name
                path.write_text(html, encoding="utf-8")
            return open_path(path, width, 760)

        yield open_


def scale(page) -> float:
    return page.evaluate("window.viewer.scale")


def smallest_text(page) -> float:
    return page.evaluate("""() => Math.min(...Array.from(
        document.querySelectorAll('.crv-card text, .crv-frametitle'))
        .map(t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a))""")


def test_viewer_zoom_keys_fit_and_text(page_of):
    model, loss = mlp_loss()
    page = page_of(loss, "mlp.html", model=model)
    assert page.locator(".crv-card").count() > 5
    assert smallest_text(page) >= 12
    s0 = scale(page)
    page.keyboard.press("+")
    assert scale(page) == pytest.approx(s0 * 1.25)
    page.mouse.move(400, 400)
    page.mouse.wheel(0, 300)
    assert scale(page) < s0 * 1.25
    page.click("text=Fit")
    page.click("text=1:1")
    assert smallest_text(page) >= 12


def test_viewer_expand_collapse_search_hover(page_of):
    model, loss = mlp_loss()
    page = page_of(loss, "layers.html", width=1920, model=model, collapse="layer")
    cards = page.locator(".crv-card").count()
    page.evaluate("window.viewer.focus(['g1'], true)")
    page.click(".crv-card.crv-module[data-key=g1]")  # layers.0 opens into its neurons
    assert page.locator(".crv-card").count() == cards + 3
    assert page.locator(".crv-frame[data-key=g1]").count() == 1
    page.click(".crv-frame[data-key=g1] .crv-frametitle")
    assert page.locator(".crv-card").count() == cards
    page.fill(".crv-search", "l1.n2.w1")
    page.keyboard.press("Enter")
    assert page.locator(".crv-card[data-key]").filter(has_text="l1.n2.w1").count() == 1
    assert "1 of" in page.text_content(".crv-found")
    page.keyboard.press("Escape")  # back to the graph
    page.keyboard.press("0")  # home: readable size, at the start of the graph
    page.evaluate("window.viewer.focus(['n' + window.viewer.model.root], true)")  # the output
    page.hover(".crv-card.crv-output")
    tip = page.text_content(".crv-tip")
    assert "rule:" in tip and "output = sub1**2" in tip
    assert smallest_text(page) >= 12


def test_viewer_small_screen(page_of):
    page = page_of(expression(), "expr.html", width=390)
    assert page.locator(".crv-card").count() == 4  # x, w, x * w, y
    assert smallest_text(page) >= 12
    page.evaluate("window.viewer.focus(['n3'], true)")  # home shows x and w first: pan to y
    page.hover(".crv-card.crv-output")
    assert "tanh" in page.text_content(".crv-tip")


def test_notebook_output_runs_in_its_frame(page_of):
    """What Jupyter shows for a Drawing: an iframe whose page draws the graph by itself."""
    cell = viz.draw_graph(expression())._repr_html_()
    page = page_of(None, "notebook.html", html=f"<!DOCTYPE html><html><body>{cell}</body></html>")
    frame = page.frame_locator("iframe")
    assert frame.locator(".crv-card").count() == 4
    frame.locator(".crv-card.crv-output").hover()
    assert "tanh" in frame.locator(".crv-tip").text_content()
