"""The playground page in a real headless Chromium (Debian's ``chromium``, driven by Playwright):
build a network, train it, upload a CSV, change a control, reload the link, with no console
errors; skipped when Playwright or Chromium is not installed."""

import io
import os
import re
import time

import numpy as np
import pytest

pytest.importorskip("chainrule.nn", reason="the playground trains nn models")
sync_api = pytest.importorskip("playwright.sync_api", reason="needs Playwright for Python")
CHROMIUM = "/usr/bin/chromium"
if not os.path.exists(CHROMIUM):
    pytest.skip("needs Debian's chromium at /usr/bin/chromium", allow_module_level=True)

from chainrule.playground.inspect_graph import available  # noqa: E402

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


class Page:
    """A tab that records console errors and waits by polling (the page's CSP forbids eval)."""

    def __init__(self, browser, url):
        self.page = browser.new_page(viewport={"width": 1400, "height": 950})
        self.errors = []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        self.open(url)

    def open(self, url):
        self.page.goto(url)
        self.page.wait_for_selector("body[data-ready='1']", timeout=20000)

    def text(self, selector):
        return self.page.text_content(selector).strip()

    def number(self, selector):
        return float(self.text(selector).replace(",", "").replace("−", "-"))

    def until(self, check, what, timeout=20.0):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if check():
                return
            self.page.wait_for_timeout(50)
        raise AssertionError(f"timed out waiting for {what}")

    def heatmap(self):
        return self.page.eval_on_selector("#heatmap", "c => c.toDataURL()")


def test_build_train_upload_share_reload(server, browser, tmp_path):
    tab = Page(browser, server.url + "?data=moons&n=200&layers=&act=tanh&batch=10&lr=0.03")
    page = tab.page
    assert tab.text("#layer-count") == "0 hidden layers"

    # build a network with two hidden layers (3 and 2 neurons)
    page.click("#add-layer")
    tab.until(lambda: tab.text("#layer-count") == "1 hidden layer", "a first hidden layer")
    page.click("#add-layer")
    tab.until(lambda: tab.text("#layer-count") == "2 hidden layers", "a second hidden layer")
    page.click(".column-head >> nth=1 >> button[title='Add a neuron']")
    tab.until(lambda: "layers=3,2" in page.url, "a third neuron in the URL")
    assert page.locator(".neuron").count() == 7 + 3 + 2 + 1

    # train 50 steps: the test loss falls and the boundary moves
    loss0, picture0 = tab.number("#test-loss"), tab.heatmap()
    for _ in range(50):
        page.click("#step")
    tab.until(lambda: tab.text("#stepcount") == "50", "50 steps")
    assert tab.number("#test-loss") < loss0
    assert tab.heatmap() != picture0

    # play and pause
    page.click("#play")
    tab.until(lambda: tab.number("#stepcount") >= 100, "training to run")
    page.click("#play")
    assert "playing" not in (page.get_attribute("#play", "class") or "")

    # change a control: the URL follows
    page.select_option("#lr", "0.1")
    tab.until(lambda: "lr=0.1&" in page.url, "the learning rate in the URL")

    # a bad CSV: a message on the page (its 400 is the one expected console error)
    before = len(tab.errors)
    page.set_input_files("#csv", files=[{"name": "bad.csv", "mimeType": "text/csv",
                                         "buffer": b"x1,x2,label\n1,2,0\n3,oops,1\n"}])
    tab.until(lambda: "error" in (page.get_attribute("#csv-status", "class") or ""), "an error")
    assert "line 3" in tab.text("#csv-status") and "'oops' is not a number" in tab.text(
        "#csv-status")
    assert all("status of 400" in e for e in tab.errors[before:]), tab.errors
    del tab.errors[before:]

    # a good CSV: three classes, trained on
    rng = np.random.default_rng(3)
    points = rng.normal(size=(90, 2))
    rows = "\n".join(f"{a:.3f},{b:.3f},{i % 3}" for i, (a, b) in enumerate(points))
    page.set_input_files("#csv", files=[{"name": "three.csv", "mimeType": "text/csv",
                                         "buffer": f"x1,x2,label\n{rows}\n".encode()}])
    tab.until(lambda: "data=csv&" in page.url, "the uploaded data in the URL")
    assert "3 classes" in tab.text("#csv-status")
    assert page.input_value("#loss") == "ce"
    page.click("#step")
    tab.until(lambda: tab.text("#stepcount") == "1", "a step on the CSV")

    # reload the link: the same set-up
    url = page.url
    settings = {sel: page.input_value(sel) for sel in ("#lr", "#act", "#loss", "#batch", "#opt")}
    tab.open(url)
    assert page.url == url
    assert {sel: page.input_value(sel) for sel in settings} == settings
    assert tab.text("#layer-count") == "2 hidden layers" and tab.text("#stepcount") == "0"
    assert re.search(r"layers=3,2&", url) and "lr=0.1&" in url

    # the computation graph of one sample, drawn by viz
    if available()["graph"]:
        tab.until(lambda: page.locator("#graph svg").count() == 1, "the computation graph", 40)
        assert "loss" in page.text_content("#graph svg")

    # a screenshot that is not blank
    path = tmp_path / "playground.png"
    page.screenshot(path=str(path), full_page=True)
    if os.environ.get("PLAYGROUND_SCREENSHOT"):  # to look at it: PLAYGROUND_SCREENSHOT=x.png
        page.screenshot(path=os.environ["PLAYGROUND_SCREENSHOT"], full_page=True)
    assert_not_blank(path)
    assert tab.errors == [], tab.errors
    page.close()


def test_tabs_are_independent_and_teachers_hide_controls(server, browser):
    a = Page(browser, server.url + "?data=xor&n=100&layers=4&hide=lr,play,graph")
    b = Page(browser, server.url + "?data=xor&n=100&layers=4")
    assert not a.page.is_visible("#play") and not a.page.is_visible("#lr")
    assert b.page.is_visible("#play") and b.page.is_visible("#lr")
    a.page.click("#step")
    a.until(lambda: a.text("#stepcount") == "1", "a step in tab a")
    if available()["stepper"]:
        # the backprop stepper follows the neuron clicked in the network
        b.page.click(".neuron[data-layer='0'][data-neuron='2']")
        b.until(lambda: "layers.0.neurons.2" in b.text("#stepper-title"), "the stepper title")
        frame = b.page.frame_locator("#stepper iframe")
        frame.locator("text=Backward pass").first.wait_for(timeout=20000)
        # the neuron's terms, named as the page names things (issue 16: w0*x1, counted from 0)
        text = frame.locator("svg").first.text_content()
        # one card per input, '+ w0*x1' (issue 16: the neuron, not a staircase), no layer frame
        assert "+ w0*x1" in text and "l0.n2" not in text
    b.page.wait_for_timeout(300)
    assert b.text("#stepcount") == "0"
    b.page.click("button[data-dataset='circles']")
    b.until(lambda: "data=circles" in b.page.url, "tab b on circles")
    assert "data=xor" in a.page.url
    assert a.errors == [] and b.errors == []
    a.page.close()
    b.page.close()


def assert_not_blank(path):
    image = pytest.importorskip("matplotlib.image").imread(io.BytesIO(path.read_bytes()))
    rgb = (image[..., :3].reshape(-1, 3) * 255).astype(np.int64)
    assert rgb.std() > 10
    assert len(np.unique(rgb[:, 0] << 16 | rgb[:, 1] << 8 | rgb[:, 2])) > 200  # many colours


def test_export_menu_offers_pytorch_and_onnx(server, browser, monkeypatch):
    """Issue 15: Export offers .safetensors, PyTorch code and ONNX beside the snippet; without
    the onnx extra the ONNX item is greyed out and the menu names the extra to install."""
    from chainrule.playground import export

    tab = Page(browser, server.url + "?data=xor&n=100&layers=3")
    page = tab.page
    page.click("#export")
    assert page.is_visible("#export-torch") and page.is_visible("#export-safetensors")
    hrefs = {i: page.get_attribute(f"#export-{i}", "href")
             for i in ("py", "npz", "safetensors", "torch", "onnx")}
    assert hrefs["torch"].endswith("/export.torch.py")
    if export.onnx_available():  # the onnx extra is optional: without it the item is greyed out
        assert hrefs["onnx"].endswith("/export.onnx")
    else:
        assert hrefs["onnx"] is None
    answer = page.request.get(server.url + hrefs["safetensors"].lstrip("/"))
    assert answer.status == 200 and answer.body()[:8]  # the download works from the page
    box = page.locator(".menu-items").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 1400  # the menu stays on screen
    page.keyboard.press("Escape")
    monkeypatch.setattr(export, "onnx_available", lambda: False)
    tab.open(page.url)
    page.click("#export")
    assert page.get_attribute("#export-onnx", "href") is None
    assert "pip install 'chainrule[onnx]'" in tab.text("#export-onnx-missing")
    assert tab.errors == []
    page.close()
