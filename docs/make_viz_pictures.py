"""Regenerate the pictures of docs/viz.md: ``python docs/make_viz_pictures.py``.

Writes docs/images/viz_*.svg (and a screenshot of the backprop stepper when Playwright and
Debian's chromium are installed). Every picture comes from the code below, none is drawn by hand.
"""

from __future__ import annotations

import random
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from chainrule import viz  # noqa: E402
from chainrule.autograd import Value  # noqa: E402

OUT = ROOT / "docs" / "images"


def neuron() -> Value:
    x, w, b = Value(2.0, label="x"), Value(-0.5, label="w"), Value(0.1, label="b")
    n = x * w + b
    n.label = "n"
    y = n.tanh()
    y.label = "y"
    return y


class TinyMLP:
    """Two inputs, layers of 3, 3 and 1 neurons, parameters labelled as nn labels them."""

    def __init__(self, sizes=(2, 3, 3, 1), seed=3):
        rng = random.Random(seed)
        self.layers = [[([Value(rng.uniform(-1, 1), label=f"layers.{k}.neurons.{n}.w.{i}")
                          for i in range(sizes[k])],
                         Value(0.0, label=f"layers.{k}.neurons.{n}.b"))
                        for n in range(sizes[k + 1])] for k in range(len(sizes) - 1)]

    def named_parameters(self):
        return [(p.label, p) for layer in self.layers for w, b in layer for p in (*w, b)]

    def __call__(self, x):
        for k, layer in enumerate(self.layers):
            sums = [sum((wi * xi for wi, xi in zip(w, x, strict=True)), b) for w, b in layer]
            x = [s.relu() for s in sums] if k < len(self.layers) - 1 else sums
        return x[0]


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    y = neuron()
    viz.render(y, OUT / "viz_forward.svg")
    y.backward()
    viz.render(y, OUT / "viz_neuron.svg")
    viz.render(y, OUT / "viz_color_by_grad.svg", color_by="grad",
               highlight=[y.parents[0].parents[1]])
    model = TinyMLP()
    loss = (1 + -1.0 * model([0.5, -1.2])).relu()
    loss.label = "loss"
    loss.backward()
    viz.render(loss, OUT / "viz_mlp_clusters.svg", model=model)
    viz.render(loss, OUT / "viz_mlp_neurons.svg", model=model, collapse="neuron")
    viz.render(loss, OUT / "viz_mlp_layers.svg", model=model, collapse="layer")
    _stepper_screenshot(neuron())
    print("\n".join(sorted(str(p.relative_to(ROOT)) for p in OUT.glob("viz_*"))))


def _stepper_screenshot(y: Value) -> None:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return
    if not shutil.which("chromium"):
        return
    with tempfile.TemporaryDirectory() as tmp:
        page_path = viz.animate_backward(y, Path(tmp) / "stepper.html").path
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=shutil.which("chromium"), args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            page = browser.new_page(viewport={"width": 1100, "height": 560})
            page.goto(page_path.as_uri())
            for _ in range(4):
                page.keyboard.press("ArrowRight")
            page.screenshot(path=str(OUT / "viz_stepper.png"))
            browser.close()


if __name__ == "__main__":
    main()
