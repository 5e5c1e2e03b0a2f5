"""animate_backward: a self-contained page on the graph viewer whose frames teach backprop
(forward, order, backward), checked as data and in Chromium; the quiz; the learning step."""

from __future__ import annotations

import json
import re

import pytest
from browser_pages import chromium_pages

from chainrule import nn, viz
from chainrule.autograd import Value, topological_order
from chainrule.viz import fmt, walk


def expression():
    x, w, b = Value(2.0, label="x"), Value(-0.5, label="w"), Value(0.1, label="b")
    n = x * w + b
    n.label = "n"
    y = n.tanh() * x  # x is used twice: its gradient fills in over two steps
    y.label = "y"
    return y


def mlp_loss():
    model = nn.MLP(2, [4, 4, 1], seed=3)
    out = model([0.5, -1.0])
    return model, (out - 1.0) ** 2


def frames_of(html: str) -> dict:
    m = re.search(r'<script type="application/json" id="cr-frames">(.*?)</script>', html, re.S)
    return json.loads(m.group(1).replace("<\\/", "</"))


def test_page_is_self_contained(tmp_path):
    stepper = viz.animate_backward(expression(), tmp_path / "s.html")
    html = (tmp_path / "s.html").read_text()
    assert html == stepper.html and stepper.path == tmp_path / "s.html"
    assert "http://" not in html and "https://" not in html
    assert not re.search(r"""\b(src|href)\s*=""", html)  # no script, image, font or style links
    assert "@import" not in html and "url(" not in html.replace("url(#", "")


def test_frames_teach_forward_order_and_backward():
    y = expression()
    data = frames_of(viz.animate_backward(y).html)
    frames = data["frames"]
    nodes = walk.forward_order(y)
    ops = sum(1 for n in nodes if n.parents)
    phases = [f["phase"] for f in frames]
    assert phases == ["forward"] * (1 + ops) + ["order"] * 2 + ["backward"] * (1 + ops) + ["done"]
    # forward: each op appears once, after its inputs (an order it could be computed in)
    shown = [int(f["cur"][0][1:]) for f in frames[1:1 + ops]]
    assert sorted(shown) == [i for i, n in enumerate(nodes) if n.parents]
    index = {id(n): i for i, n in enumerate(nodes)}
    for k, i in enumerate(shown):
        assert all(index[id(q)] in shown[:k] for q in nodes[i].parents if q.parents)
    # order: the order numbers are the engine's topological order
    numbered = dict(map(tuple, frames[2 + ops]["badge"]))
    for k, n in enumerate(topological_order(y)):
        assert numbered[f"n{index[id(n)]}"] == f"#{k + 1}"
    assert "Why this order" in frames[2 + ops]["rule"]
    uses = dict(map(tuple, frames[1 + ops]["badge"]))
    assert uses["n0"] == "uses 2"  # x feeds x * w and tanh(n) * x
    # backward: replaying every "set" ends with the gradients backward() computes
    state = {s[0]: s for s in data["start"]}
    for f in frames:
        state.update({s[0]: s for s in f["set"]})
    y.backward()
    for i, n in enumerate(nodes):
        if n.requires_grad:
            key, word, text, cls, full = state[f"n{i}"]
            assert (word, text, cls, full) == ("grad", fmt.num(n.grad), "done", n.grad)
    x_updates = [s[3] for f in frames for s in f["set"] if s[0] == "n0"]
    assert x_updates == ["partial", "done"]


def test_model_stepper_names_are_readable_and_modules_are_cards():
    model, loss = mlp_loss()
    html = viz.animate_backward(loss, model=model, collapse="neuron").html
    data = frames_of(html)
    texts = [f["title"] for f in data["frames"]] + [ln["text"] for f in data["frames"]
                                                    for ln in f["lines"]]
    assert not any(re.search(r"\bv\d+\b", t) for t in texts)  # no auto names like v34
    assert not any("layers.1.neurons.1.w" in t for t in texts)  # paths are shortened
    assert any("x1" in t for t in texts) and any("l1.n0.w1" in t for t in texts)
    m = json.loads(re.search(r'id="crv-model">(.*?)</script>', html, re.S).group(1))
    assert m["depth"] == 2 and sum(g["level"] == 2 for g in m["groups"]) == 9


def test_quiz_flag_and_answers():
    data = frames_of(viz.animate_backward(expression(), quiz=True).html)
    assert data["quiz"] is True
    asks = [ln for f in data["frames"] if f["phase"] == "backward" for ln in f["lines"]
            if "ask" in ln]
    assert asks and all(isinstance(a["answer"], float) for a in asks)
    assert asks[0]["answer"] == 2.0  # tanh1 receives y.grad * x = 1 * 2
    assert frames_of(viz.animate_backward(expression()).html)["quiz"] is False


def test_jupyter_shows_the_page_inline_in_its_own_frame(tmp_path):
    stepper = viz.animate_backward(expression())
    assert stepper.path is None
    with pytest.raises(TypeError, match="save"):
        open(stepper)  # noqa: SIM115 - not a file yet
    shown = stepper._repr_html_()
    assert shown.startswith("<iframe srcdoc=") and "ChainruleViewer" in shown
    saved = stepper.save(tmp_path / "later.html")
    assert open(stepper).read() == saved.read_text() == stepper.html  # noqa: SIM115


def test_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match=".html"):
        viz.animate_backward(expression(), tmp_path / "s.svg")
    with pytest.raises(FileNotFoundError):
        viz.animate_backward(expression(), tmp_path / "nope" / "s.html")
    with pytest.raises(ValueError, match="model="):
        viz.animate_backward(expression(), collapse="layer")
    with pytest.raises(ValueError, match="max_nodes"):
        viz.animate_backward(expression(), max_nodes=3)


def test_learning_step_lowers_the_loss_and_leaves_the_model_alone(tmp_path):
    model = nn.MLP(2, [3, 1], activation="tanh", seed=0)  # smooth: first order is accurate
    before = [p.data for p in model.parameters()]

    def loss_fn():
        return (model([0.5, 1.5]) - 1.0) ** 2

    step = viz.learning_step(model, loss_fn, lr=0.001, path=tmp_path / "step.html")
    assert [p.data for p in model.parameters()] == before
    assert step.loss_before == pytest.approx(loss_fn().data)
    assert len(step.rows) == len(before)
    change = step.loss_after - step.loss_before
    assert change < 0 and change == pytest.approx(step.predicted, rel=0.05)
    for _name, b, g, u, a in step.rows:
        assert u == pytest.approx(-0.001 * g) and a == pytest.approx(b + u)
    assert "Loss after" in (tmp_path / "step.html").read_text()
    viz.learning_step(model, loss_fn, lr=0.01, apply=True)
    assert [p.data for p in model.parameters()] != before
    with pytest.raises(ValueError, match="lr"):
        viz.learning_step(model, loss_fn, lr=-1)


@pytest.fixture(scope="module")
def browser():
    """``open_(path, width, height)`` of one chromium for the module (``browser_pages``)."""
    with chromium_pages() as open_:
        yield open_


def open_page(browser, path, width=1280):
    page = browser(path, width, 760)
    return page, page.errors, page.requests


def counter(page) -> tuple[int, int]:
    k, n = re.match(r"Step (\d+) of (\d+)", page.text_content("#crs-counter")).groups()
    return int(k), int(n)


def current_in_view(page) -> bool:
    return page.evaluate("""() => {
        const c = document.querySelector('.crv-state-current');
        if (!c) return false;
        const a = c.getBoundingClientRect(), s = document.querySelector('.crv-stage')
            .getBoundingClientRect();
        return a.left >= s.left && a.right <= s.right && a.top >= s.top && a.bottom <= s.bottom;
    }""")


def smallest_text(page) -> float:
    return page.evaluate("""() => Math.min(...Array.from(
        document.querySelectorAll('.crv-card text'))
        .filter(t => t.getBoundingClientRect().width > 0)
        .map(t => parseFloat(getComputedStyle(t).fontSize)
                  * t.getScreenCTM().a))""")


def test_stepper_in_chromium(browser, tmp_path):
    y = expression()
    path = viz.animate_backward(y, tmp_path / "stepper.html").path
    page, errors, requests = open_page(browser, path)
    assert counter(page) == (1, len(frames_of(path.read_text())["frames"]))
    assert page.locator("#counter, #frame").count() == 0  # one counter only
    page.keyboard.press("ArrowRight")
    assert counter(page)[0] == 2 and current_in_view(page)
    page.click("button[data-phase=backward]")
    k0 = counter(page)[0]
    assert "Seed" in page.text_content("#crs-title")
    for _ in range(3):
        page.click("#crs-next")
        assert current_in_view(page)
    assert counter(page)[0] == k0 + 3
    page.keyboard.press("ArrowLeft")
    assert counter(page)[0] == k0 + 2
    assert smallest_text(page) >= 12
    page.keyboard.press("End")
    y.backward()
    card = page.locator(".crv-card[data-key=n0]")  # x
    assert f"grad {fmt.num(y.parents[1].grad)}" in card.text_content()
    assert not errors
    assert all(u.startswith("file://") for u in requests)
    page.close()


def test_quiz_and_collapsed_model_in_chromium(browser, tmp_path):
    path = viz.animate_backward(expression(), tmp_path / "quiz.html", quiz=True).path
    page, errors, _ = open_page(browser, path, width=390)
    page.click("button[data-phase=backward]")
    page.click("#crs-next")  # the first real step: y = tanh1 * x
    at = counter(page)[0]
    assert page.locator("#crs-lines input").count() == 2
    assert "grad ?" in page.locator(".crv-card[data-key=n0]").text_content()  # hidden
    page.click("#crs-next")
    assert counter(page)[0] == at  # answer first
    page.locator("#crs-lines input").nth(0).fill("2")
    page.locator("#crs-lines input").nth(1).fill("0")
    page.click(".crs-check")
    assert page.text_content("#crs-score") == "score 1 / 2"
    assert "right" in page.text_content("#crs-lines")
    assert current_in_view(page)
    page.close()
    model, loss = mlp_loss()
    path = viz.animate_backward(loss, tmp_path / "mlp.html", model=model, collapse="layer").path
    page, errors2, _ = open_page(browser, path)
    steps = counter(page)[1]
    page.evaluate("window.stepper.viewer.focus(['g1'], true)")  # pan to layers.0
    page.click(".crv-card.crv-module[data-key=g1]")  # and open it in place
    assert page.locator(".crv-frame[data-key=g1]").count() == 1
    assert counter(page)[1] > steps  # its neurons are steps of their own now
    assert smallest_text(page) >= 12
    assert not errors and not errors2
    page.close()
