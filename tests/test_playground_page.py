"""The playground in a classroom (issue 16), end to end in headless Chromium: names and colours,
hovering a neuron, editing a weight and a bias, drawing points, the inside views' text sizes,
phone and projector layouts, a 6x16 network, stale state, and the teacher's page with two
students. One browser for the module; skipped without Playwright or Chromium."""

import json
import re

import pytest

pytest.importorskip("chainrule.nn", reason="the playground trains nn models")
sync_api = pytest.importorskip("playwright.sync_api", reason="needs Playwright for Python")

from test_playground_browser import ARGS, CHROMIUM, Page  # noqa: E402

from chainrule.playground import make_server  # noqa: E402
from chainrule.viz import palette  # noqa: E402

NO_OVERFLOW = "document.documentElement.scrollWidth <= window.innerWidth"
# the smallest text (CSS px, times any SVG scaling) of the elements under a selector
MIN_TEXT = """sel => {
  let least = 1e9, what = '';
  for (const root of document.querySelectorAll(sel)) {
    for (const e of root.querySelectorAll('*')) {
      if (![...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
      const r = e.getBoundingClientRect();
      if (!r.width || !r.height) continue;
      let size = parseFloat(getComputedStyle(e).fontSize);
      if (e instanceof SVGElement && e.getScreenCTM()) {
        const m = e.getScreenCTM(); size *= Math.hypot(m.a, m.b);
      }
      if (size < least) { least = size; what = e.textContent.trim().slice(0, 40); }
    }
  }
  return [least, what];
}"""


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def room():
    s = make_server(port=0, classroom=True)
    s.start()
    yield s
    s.stop()


def tab_at(browser, url, width=1280, height=900):
    tab = Page.__new__(Page)
    tab.page = browser.new_page(viewport={"width": width, "height": height})
    tab.errors = []
    tab.page.on("console", lambda m: m.type == "error" and tab.errors.append(m.text))
    tab.page.on("pageerror", lambda e: tab.errors.append(f"page error: {e}"))
    tab.open(url)
    return tab


def rgb(css):
    return "#{:02X}{:02X}{:02X}".format(*map(int, re.findall(r"\d+", css)[:3]))


def test_names_colours_hover_edit_and_inside_views(room, browser):
    tab = tab_at(browser, room.url + "?data=spirals&classes=3&n=150&layers=4,3&act=tanh")
    page = tab.page
    # outputs say their class, in the palette's colour for that class
    tags = page.locator(".class-tag")
    assert tags.count() == 3 and [tags.nth(k).text_content() for k in range(3)] == [
        "class 0", "class 1", "class 2"]
    background = "e => getComputedStyle(e).backgroundColor"
    for k in range(3):
        assert rgb(page.locator(".class-tag .dot").nth(k).evaluate(background)) == \
            palette.CLASS_COLORS[k]
        centre = page.locator("#legend canvas.mark").nth(k).evaluate(
            "c => [...c.getContext('2d').getImageData(8, 8, 1, 1).data].join(',')")
        assert rgb(centre) == palette.CLASS_COLORS[k]  # the key: each class's colour and shape

    # hovering a neuron: a 0-based name in the tooltip, and its map in the big output
    before = tab.heatmap()
    page.hover(".neuron[data-layer='0'][data-neuron='2']")
    tab.until(lambda: "neuron 2 of layer 0" in tab.text("#tooltip"), "the neuron's tooltip")
    assert "layers.0.neurons.2" in tab.text("#tooltip")
    tab.until(lambda: tab.heatmap() != before, "the neuron's map in the output")
    page.mouse.move(5, 5)
    tab.until(lambda: tab.heatmap() == before, "the output back")

    # editing a weight (click its line) and a bias (click its square)
    page.dispatch_event(".hit[data-layer='0'][data-neuron='1'][data-input='0']", "click")
    page.wait_for_selector("#weight-editor:not([hidden])")
    assert "layers.0.neurons.1.w.0" in tab.text("#weight-editor label")
    page.fill("#editor-value", "1.5")
    page.press("#editor-value", "Enter")
    def weight_shown():
        page.dispatch_event(".hit[data-layer='0'][data-neuron='1'][data-input='0']", "mouseenter")
        return "w = 1.5000" in tab.text("#tooltip")

    tab.until(weight_shown, "the edited weight")
    page.click(".bias[data-layer='1'][data-neuron='0']")
    page.fill("#editor-value", "-2")
    page.press("#editor-value", "Enter")
    tab.until(lambda: "b = −2.000" in (page.get_attribute(
        ".bias[data-layer='1'][data-neuron='0']", "title") or ""), "the edited bias")

    # the inside views: the viewer, the loss as one named card, no text under 12 px
    page.click(".neuron[data-layer='0'][data-neuron='1']")
    tab.until(lambda: "layers.0.neurons.1" in tab.text("#stepper-title"), "the stepper's neuron")
    tab.until(lambda: page.locator("#graph .crv svg").count() >= 1, "the graph viewer", 40)
    tab.until(lambda: "cross-entropy" in page.text_content("#graph"), "the loss card")
    assert "exp" not in page.locator("#graph svg").first.text_content()  # the loss is closed
    least, what = page.evaluate(MIN_TEXT, ".inside")
    assert least >= 11.99, (least, what)
    frame = page.frame_locator("#stepper iframe")
    frame.locator("text=w0*x1").first.wait_for(timeout=20000)
    assert tab.errors == [], tab.errors
    page.close()


def test_drawing_points(room, browser):
    tab = tab_at(browser, room.url + "?data=xor&n=40&layers=3&test=0.2")
    page = tab.page
    count = lambda: page.evaluate(  # noqa: E731
        "() => document.getElementById('sample-label').textContent")
    assert "(of 0–31)" in count()
    page.click("#draw")
    page.check("#draw-classes input[value='1']")
    box = page.locator("#heatmap").bounding_box()
    # an empty corner of the map (XOR's points are spread; search for a free spot)
    spot = None
    for fx, fy in ((0.06, 0.04), (0.94, 0.04), (0.5, 0.5), (0.3, 0.7)):
        x, y = box["x"] + 40 + fx * (box["width"] - 48), box["y"] + 8 + fy * (box["width"] - 48)
        page.mouse.click(x, y)
        page.wait_for_timeout(400)
        if "data=drawn" in page.url:
            spot = (x, y)
            break
    assert spot, "a click on the map added no point"
    tab.until(lambda: "pts=" in page.url, "the drawn points in the link")
    rows = page.evaluate("() => document.getElementById('sample-label').textContent")
    total = len(re.findall(r"pts=([A-Za-z0-9_-]*)", page.url)[0]) // 5
    assert total == 41, (total, rows)
    page.mouse.click(*spot)  # clicking the point again removes it
    tab.until(lambda: len(re.findall(r"pts=([A-Za-z0-9_-]*)", page.url)[0]) // 5 == 40,
              "the point removed")
    assert page.locator("button[data-dataset='drawn'].selected").is_visible()
    assert tab.errors == [], tab.errors
    page.close()


def test_phone_projector_and_a_large_network(room, browser):
    phone = tab_at(browser, room.url + "?data=moons&n=100&layers=4", width=390, height=844)
    assert phone.page.evaluate(NO_OVERFLOW)
    boxes = [phone.page.locator(sel).bounding_box() for sel in
             (".data-panel", ".network-panel", ".output-panel")]
    assert boxes[0]["y"] < boxes[1]["y"] < boxes[2]["y"]  # stacked
    assert all(abs(b["x"] - boxes[0]["x"]) < 2 for b in boxes)
    assert phone.page.locator("#heatmap").bounding_box()["width"] <= 390
    phone.page.close()

    big = tab_at(browser, room.url + "?data=spirals&n=100&layers=16,16,16,16,16,16&projector=1",
                 width=1920, height=1080)
    page = big.page
    assert page.evaluate("document.documentElement.classList.contains('projector')")
    assert page.evaluate(NO_OVERFLOW)
    assert "projector=1" in page.url
    heads = page.locator(".column-head")
    rects = [heads.nth(k).bounding_box() for k in range(heads.count())]
    for a, b in zip(rects, rects[1:]):
        assert a["x"] + a["width"] <= b["x"] + 1, "column labels run together"
    # projector mode: the page's text is large (CSS zoom 1.4 on 14 px hints)
    hint = page.locator(".data-panel .hint").first
    assert hint.bounding_box()["height"] >= 19
    page.click("#projector")
    assert not page.evaluate("document.documentElement.classList.contains('projector')")
    assert "projector" not in page.url
    assert page.evaluate(NO_OVERFLOW)
    assert big.errors == [], big.errors
    page.close()


def test_stale_state_and_contrast(room, browser):
    tab = tab_at(browser, room.url + "?data=moons&n=100&layers=3&hide=data")
    page = tab.page
    assert not page.is_visible("text=Which dataset do you want to use?")
    rows = "\n".join(f"{i % 7 * 0.3:.2f},{i % 5 * 0.2:.2f},{i % 2}" for i in range(30))
    page.set_input_files("#csv", files=[{"name": "mine.csv", "mimeType": "text/csv",
                                         "buffer": f"x1,x2,label\n{rows}\n".encode()}])
    tab.until(lambda: "data=csv" in page.url, "the upload in use")
    assert not page.is_visible("#noise") and not page.is_visible("#n")  # not the CSV's
    # a bad file, then another dataset: the old message goes with its cause
    page.set_input_files("#csv", files=[{"name": "bad.csv", "mimeType": "text/csv",
                                         "buffer": b"1,2\n"}])
    tab.until(lambda: "error" in (page.get_attribute("#csv-status", "class") or ""), "an error")
    page.goto(room.url + "?data=circles&n=100&layers=3")
    page.wait_for_selector("body[data-ready='1']")
    assert tab.text("#csv-status") == "" and page.is_visible("#noise")
    assert page.locator("button[data-dataset='circles'].selected").count() == 1
    # every control of the data panel hidden: no empty panel is left
    page.goto(room.url + "?data=circles&n=100&hide=data,upload,classes,noise,n,test,seed")
    page.wait_for_selector("body[data-ready='1']")
    assert not page.is_visible(".data-panel")
    # text contrast >= 4.5:1 against its panel
    for sel in (".hint", ".legend", ".column-head", ".score-label", ".param-count", ".footer",
                ".sample-facts", ".article p"):
        color = page.locator(sel).first.evaluate("e => getComputedStyle(e).color")
        assert palette.contrast(rgb(color), "#F3F5FA") >= 4.5, (sel, color)
    del tab.errors[:]  # the bad CSV's 400 is expected
    page.close()


def test_teacher_page_with_two_students(room, browser):
    a = tab_at(browser, room.url + "?data=xor&n=60&layers=3&seed=1")
    b = tab_at(browser, room.url + "?data=circles&n=60&layers=2&seed=2")
    a.page.click("#step")
    b.page.click("#step")
    b.page.click("#step")
    teacher = tab_at(browser, room.teacher_url)
    page = teacher.page
    teacher.until(lambda: page.locator(".student").count() >= 2, "two students listed")
    text = page.text_content("#students")
    assert "xor" in text and "circles" in text
    assert page.locator(".student canvas.thumb").count() >= 2
    page.fill("#push-link", room.url + "?data=spirals&classes=4&layers=6,6")
    page.click("#push-form button")
    teacher.until(lambda: "Sent" in teacher.text("#push-status"), "the push sent")
    for s in (a, b):
        s.until(lambda s=s: s.page.is_visible("#push"), "the teacher's set-up offered", 15)
        assert "data=spirals" in s.text("#push .push-query")
    a.page.click("#push .push-open")
    a.page.wait_for_selector("body[data-ready='1']")
    a.until(lambda: "data=spirals" in a.page.url and "classes=4" in a.page.url, "opened")
    assert a.page.locator(".class-tag").count() == 4 and not a.page.is_visible("#banner")
    assert "data=circles" in b.page.url  # b was only offered it
    assert a.errors == [] and b.errors == [] and teacher.errors == []
    for t in (a, b, teacher):
        t.page.close()


def test_playing_sends_the_cursor_and_draws_the_whole_curve(room, browser):
    """While playing, each step request sends the last answer's history_cursor and gets only
    the new loss points; the curve the page draws has every point the server holds."""
    from chainrule.playground.client import Client

    tab = tab_at(browser, room.url + "?data=xor&n=60&layers=3&seed=4")
    page, sent, answers = tab.page, [], []
    page.on("request", lambda r: r.url.endswith("/step") and sent.append(json.loads(r.post_data)))
    page.on("response", lambda r: r.url.endswith("/step") and answers.append(r))
    page.click("#play")
    tab.until(lambda: len(answers) >= 6, "six step answers")
    page.click("#play")  # pause
    tab.until(lambda: len(answers) == len(sent), "the last answer")
    page.wait_for_timeout(200)
    assert all("history_since" in b for b in sent)  # the page's first snapshot came at load
    last = answers[-1].json()
    assert last["sharing"] >= 1 and last["snapshot"]["history_from"] > 0
    sid = answers[-1].url.split("/api/session/")[1].split("/")[0]
    c = Client(room.url)
    c.session = sid
    history = c.state()["snapshot"]["history"]
    drawn = page.get_attribute("#curve path[stroke-width='2.4']", "d")
    assert drawn.count("L") + drawn.count("M") == len(history["test"]) > 6
    assert f"{history['step'][-1]:,} steps" in page.text_content("#curve")
    assert tab.errors == []
    page.close()
