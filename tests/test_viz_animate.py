"""animate_backward: a self-contained page whose frames replay backprop, checked in Chromium."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from chainrule import viz
from chainrule.autograd import Value
from chainrule.viz import fmt, walk

CHROMIUM = "/usr/bin/chromium"


def expression():
    x, w, b = Value(2.0, label="x"), Value(-0.5, label="w"), Value(0.1, label="b")
    n = x * w + b
    n.label = "n"
    y = n.tanh() * x  # x is used twice: its gradient fills in over two steps
    y.label = "y"
    return y


def frames_of(html: str) -> dict:
    m = re.search(r'<script type="application/json" id="cr-frames">(.*?)</script>', html, re.S)
    return json.loads(m.group(1).replace("<\\/", "</"))


def test_page_is_self_contained(tmp_path):
    stepper = viz.animate_backward(expression(), tmp_path / "s.html")
    html = (tmp_path / "s.html").read_text()
    assert html == stepper.html and stepper.path == tmp_path / "s.html"
    assert "http://" not in html and "https://" not in html
    assert not re.search(r"""\b(src|href)\s*=""", html)  # no script, image, font or style links
    assert "@import" not in html and "url(" not in html
    assert html.count("<svg") == 1 and "<script>" in html and "<style>" in html


def test_frames_replay_the_backward_pass(tmp_path):
    y = expression()
    data = frames_of(viz.animate_backward(y).html)
    frames = data["frames"]
    nodes = walk.forward_order(y)
    steps = sum(1 for n in nodes if n.parents)
    assert len(frames) == 1 + 1 + steps + 1  # forward, seed, one per op, done
    assert frames[0]["set"] == [] and all(s[1] == "?" for s in data["start"])
    assert frames[1]["tgt"] == [f"v{len(nodes) - 1}"]
    state = {s[0]: s for s in data["start"]}
    for f in frames:
        state.update({s[0]: s for s in f["set"]})
    y.backward()
    for i, n in enumerate(nodes):
        if n.requires_grad:
            name, shown, full, status = state[f"v{i}"]
            assert (shown, full, status) == (fmt.num(n.grad), n.grad, "done")
    x_updates = [s for f in frames for s in f["set"] if s[0] == "v0"]
    assert [s[3] for s in x_updates] == ["partial", "done"]


def test_jupyter_shows_the_page_inline_in_its_own_frame(tmp_path):
    stepper = viz.animate_backward(expression())
    assert stepper.path is None
    with pytest.raises(TypeError, match="save"):
        open(stepper)  # noqa: SIM115 - not a file yet
    shown = stepper._repr_html_()
    assert shown.startswith("<iframe srcdoc=") and "&lt;svg" in shown
    saved = stepper.save(tmp_path / "later.html")
    assert open(stepper).read() == saved.read_text() == stepper.html  # noqa: SIM115


def test_bad_paths(tmp_path):
    with pytest.raises(ValueError, match=".html"):
        viz.animate_backward(expression(), tmp_path / "s.svg")
    with pytest.raises(FileNotFoundError):
        viz.animate_backward(expression(), tmp_path / "nope" / "s.html")


@pytest.fixture(scope="module")
def browser():
    sync = pytest.importorskip("playwright.sync_api")
    if not shutil.which(CHROMIUM):
        pytest.skip("Debian's chromium is not installed")
    with sync.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield b
        b.close()


def test_stepper_in_chromium(browser, tmp_path):
    y = expression()
    path = viz.animate_backward(y, tmp_path / "stepper.html").path
    page = browser.new_page(viewport={"width": 1200, "height": 700})
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri())
    assert page.get_attribute("body", "data-frame") == "0"
    assert page.get_attribute("body", "data-current") == ""
    page.click("#next")  # the seed: the root receives d root / d root = 1
    assert page.get_attribute("body", "data-frame") == "1"
    assert page.locator("g.node.tgt").count() == 1
    seen = []
    for k in (2, 3, 4):
        page.click("#next")
        assert page.get_attribute("body", "data-frame") == str(k)
        seen.append(page.get_attribute("body", "data-current"))
        assert page.locator("g.node.cur").count() == 2  # the node and its op
    assert seen[0] == f"v{len(walk.forward_order(y)) - 1}"  # the root is processed first
    assert len(set(seen)) == 3  # each Next moves the highlight to the next node
    page.keyboard.press("ArrowLeft")
    assert page.get_attribute("body", "data-frame") == "3"
    page.click("#last")
    y.backward()
    nodes = walk.forward_order(y)
    for i, n in enumerate(nodes):
        if not n.requires_grad:
            continue
        g = page.locator(f"g.node:has(> title:text-is('v{i}'))")
        assert float(g.get_attribute("data-grad")) == n.grad
        assert f"grad {fmt.num(n.grad)}" in g.text_content().replace("\u00a0", "")
    assert page.locator("g.node.cur").count() == 0
    assert not errors
    assert all(u.startswith("file://") for u in requests)
    page.close()
