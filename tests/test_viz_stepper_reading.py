"""The viewer and the stepper as a student first sees them, in Chromium (issue 16's defects):
the page opens where the computation starts (or fits it all), with a hint when there is more to
pan to; the stepper counts one unit everywhere (the steps the student takes); a neuron's bias has
the parameter colour, as its weights do."""

from __future__ import annotations

import re

import numpy as np
import pytest
from browser_pages import chromium_pages

from chainrule import nn, viz
from chainrule.autograd import Tensor, Value
from chainrule.playground import inspect_graph
from chainrule.viz import fmt, graphmodel, palette


def neuron_root(layer: int = 1, neuron: int = 2, width: int = 4) -> Value:
    """What the playground's stepper shows: one neuron of one sample (``width`` inputs in
    layer 1), its parameters named inside the neuron (``w.0`` ... and ``b``)."""
    model = nn.MLP(2, [width, width, 1], seed=3)
    trace = nn.trace_sample(model, [0.5, -1.0], loss=lambda s: (s - 1.0) ** 2)
    return inspect_graph.name_terms(nn.neuron_walkthrough(trace, layer, neuron))


def tensor_loss():
    model = nn.MLP(2, [8, 8, 2], engine="tensor", seed=0)
    X = Tensor(np.random.default_rng(0).normal(size=(16, 2)), label="X")
    loss = nn.functional.cross_entropy(model(X), np.arange(16) % 2)
    loss.backward()
    return model, loss


def test_bias_beside_its_weights_is_a_parameter():
    m = graphmodel.graph_model(neuron_root())
    role = {n["name"]: n["role"] for n in m["nodes"]}
    assert role["b"] == role["w0"] == "param"
    assert role["a0"] == "input"
    source = viz.draw_graph(neuron_root()).source  # the static picture agrees
    assert "cr-param" in next(line for line in source.splitlines() if 'label="b |' in line)
    # a hand-written expression's b (no weights named w.0, w.1 beside it) stays an input, as w
    x, w, b = Value(2.0, label="x"), Value(-0.5, label="w"), Value(0.1, label="b")
    role = {n["name"]: n["role"] for n in graphmodel.graph_model((x * w + b).tanh())["nodes"]}
    assert role["b"] == role["w"] == "input"


def test_numbers_a_model_was_given_are_its_inputs():
    """x1, x2 of ``model([0.5, -1.0])`` are drawn as inputs (solid blue), not as constants."""
    model = nn.MLP(2, [4, 4, 1], seed=3)
    loss = (model([0.5, -1.0]) - 1.0) ** 2
    nodes = {n["name"]: n for n in graphmodel.graph_model(loss, model=model)["nodes"]}
    assert nodes["x1"]["role"] == nodes["x2"]["role"] == "input"
    assert nodes["x1"]["rows"] == ["x1", "data 0.5000"]
    assert "const" in {n["role"] for n in nodes.values()}  # the target 1.0 stays a constant


@pytest.fixture(scope="module")
def open_page(tmp_path_factory):
    folder = tmp_path_factory.mktemp("reading")
    with chromium_pages() as open_path:

        def open_(html: str, name: str, width: int, height: int = 800):
            path = folder / name
            path.write_text(html, encoding="utf-8")
            return open_path(path, width, height)

        yield open_


VIEW = """() => {
  const v = window.viewer || window.stepper.viewer;
  const stage = v.stage.getBoundingClientRect();
  const cards = Array.from(v.svg.querySelectorAll('.crv-card')).map(g => {
    const r = g.querySelector('.crv-box').getBoundingClientRect();
    return {key: g.getAttribute('data-key'), x0: r.left, x1: r.right, y0: r.top, y1: r.bottom};
  });
  const inside = c => c.x0 >= stage.left - 0.5 && c.x1 <= stage.right + 0.5 &&
                      c.y0 >= stage.top - 0.5 && c.y1 <= stage.bottom + 0.5;
  const start = Math.min(...cards.map(c => c.x0));  // the first column: the inputs
  const first = {x0: start, x1: start, y0: Infinity, y1: -Infinity};
  cards.filter(c => c.x0 < start + 40).forEach(c => {  // centred in their rank
    first.x1 = Math.max(first.x1, c.x1); first.y0 = Math.min(first.y0, c.y0);
    first.y1 = Math.max(first.y1, c.y1); });
  const hints = Array.from(v.root.querySelectorAll('.crv-more'))
    .filter(h => !h.hidden && h.getBoundingClientRect().width > 0);
  const text = Array.from(document.querySelectorAll('.crv-card text, .crv-frametitle'))
    .map(t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a);
  const seen = cards.filter(c => c.x1 > stage.left && c.x0 < stage.right &&
                                 c.y1 > stage.top && c.y0 < stage.bottom);
  return {all: cards.every(inside), first: inside(first), tx: v.tx, ty: v.ty,
          band: (Math.min(...seen.map(c => c.y0)) - stage.top) / stage.height,
          below: (stage.bottom - Math.max(...seen.map(c => c.y1))) / stage.height,
          tall: Math.max(...cards.map(c => c.y1)) - Math.min(...cards.map(c => c.y0))
                > stage.height,
          smallest: Math.min(...text), hint: hints.length > 0,
          hints: hints.map(h => h.className.split('crv-more-')[1])};
}"""


@pytest.mark.parametrize("width", [390, 1280, 1920])
def test_pages_open_where_the_computation_starts(open_page, width):
    """Fit the whole graph when its text stays >= 12 px, else show its inputs' end, with a
    visible hint that it pans (and the hint pans)."""
    pages = [open_page(viz.animate_backward(neuron_root()).html, f"neuron{width}.html", width)]
    if width != 1920:
        model, loss = tensor_loss()  # a long chain (~6,600 px at readable size)
        pages.append(open_page(viz.viewer.page_of(loss, {"model": model}), f"t{width}.html", width))
    model = nn.MLP(2, [8, 8, 1], seed=0)  # taller than a short screen: x1, x2 are in its middle
    loss = (model([0.5, -1.0]) - 1.0) ** 2
    pages.append(open_page(viz.viewer.page_of(loss, {"model": model, "depth": 2}),
                           f"tall{width}.html", width, 560))
    if width == 1280:  # a staircase taller than the screen: its first inputs at the top
        pages.append(open_page(viz.animate_backward(neuron_root(width=6)).html, "n6.html",
                               width, 620))
    for page in pages:
        seen = page.evaluate(VIEW)
        assert seen["smallest"] >= 11.99, seen
        cards = page.locator(".crv-card").count()  # the header counts what is on screen
        assert re.search(rf"\b{cards} (cards|nodes)\b", page.text_content("header .sub"))
        assert seen["all"] or (seen["first"] and seen["hint"]), seen
        if seen["tall"]:  # no wide empty band above what shows, unless it is centred
            assert seen["band"] < 0.2 or seen["below"] > 0, (page.url, seen)
        if seen["all"]:
            continue
        side = seen["hints"][-1]
        assert "more" in page.text_content(f".crv-more-{side}")
        page.click(f".crv-more-{side}")
        now = page.evaluate(VIEW)  # it pans toward the rest
        assert {"right": now["tx"] < seen["tx"], "left": now["tx"] > seen["tx"],
                "bottom": now["ty"] < seen["ty"], "top": now["ty"] > seen["ty"]}[side]


def test_stepper_counts_one_unit(open_page):
    """The header and the footer count the same steps, the ones the student takes, and both
    follow when a card is opened (its nodes become steps of their own)."""
    page = open_page(viz.animate_backward(neuron_root()).html, "counts.html", 1280)

    def counts():
        head = page.text_content("header .sub")
        foot = page.text_content("#crs-counter")
        total = int(re.search(r"of (\d+)", foot).group(1))
        said = re.search(r"(\d+) steps \((\d+) forward, (\d+) order, (\d+) backward\)", head)
        assert said, head
        return total, [int(g) for g in said.groups()]

    total, (said, fwd, order, back) = counts()
    assert said == total == fwd + order + back
    assert order == 2
    page.evaluate("window.stepper.viewer.focus(['g0'], true)")
    page.click(".crv-card.crv-scope[data-key=g0]")  # open one '+ w*a' card: 2 nodes inside
    page.wait_for_timeout(50)
    opened, (said, fwd, order, back) = counts()
    assert said == opened == fwd + order + back and opened > total


def test_stepper_bias_has_the_parameter_colour(open_page):
    page = open_page(viz.animate_backward(neuron_root()).html, "bias.html", 1920)
    stroke = """name => {
      const g = Array.from(document.querySelectorAll('.crv-card')).find(
        c => c.querySelector('.crv-title').textContent === name);
      return [g.getAttribute('class'), getComputedStyle(g.querySelector('.crv-box')).stroke];
    }"""
    b, w0 = page.evaluate(stroke, "b"), page.evaluate(stroke, "w0")
    assert "crv-param" in b[0] and b[1] == w0[1]
    r, g, bl = (int(palette.as_dict()["roles"]["param"]["stroke"][k:k + 2], 16) for k in (1, 3, 5))
    assert b[1] == f"rgb({r}, {g}, {bl})"


def test_learning_step_fits_a_phone(open_page):
    """The weight table of ``viz.learning_step`` stays inside a 390 px screen."""
    model = nn.MLP(2, [3, 1], activation="tanh", seed=0)
    step = viz.learning_step(model, lambda: (model([0.5, 1.5]) - 1.0) ** 2, lr=0.05)
    page = open_page(step.html, "step390.html", 390)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_stepper_tooltip_shows_no_gradient_before_its_step(open_page):
    """Hovering a card tells the gradient the pass has reached, not the final one (in a quiz
    that would give the answer away), even when the graph was backpropagated before."""
    x, w, b = Value(2.0, label="x"), Value(-0.5, label="w"), Value(0.1, label="b")
    y = (x * w + b).tanh()
    y.label = "y"
    y.backward()
    page = open_page(viz.animate_backward(y, quiz=True).html, "tip.html", 1280)

    def tip(key: str) -> str:
        page.mouse.move(1, 1)
        page.hover(f".crv-card[data-key={key}]")
        return page.text_content(".crv-tip")

    final = fmt.num(x.grad)  # what the card shows once the pass is done
    first = tip("n0")
    assert "not computed yet" in first and final not in first, first
    page.evaluate("window.stepper.go(window.stepper.steps().length - 1)")
    assert f"grad {final}" in tip("n0")
