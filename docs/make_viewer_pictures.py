"""Screenshots of the interactive viewer, the stepper and the learning step for docs/viz.md.

Writes docs/images/viewer_*.png with Playwright and Debian's chromium (skips without them). Every
page comes from the code below, the same calls docs/viz.md shows::

    python docs/make_viewer_pictures.py
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from chainrule import nn, viz

OUT = Path(__file__).resolve().parent / "images"


def _quiz(page) -> None:
    page.click("button[data-phase=backward]")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")  # waits for an answer: y's inputs
    page.locator("#crs-lines input").first.fill("-1.1")
    page.click(".crs-check")


def _backward(page) -> None:
    page.click("button[data-phase=backward]")
    for _ in range(3):
        page.keyboard.press("ArrowRight")


def pages(folder: Path) -> list[tuple[str, Path, object]]:
    """(picture name, page, what to do before the screenshot: keys, or a function)."""
    model = nn.MLP(2, [4, 4, 1], seed=3)
    loss = (model([0.5, -1.0]) - 1.0) ** 2
    loss.backward()
    graph = viz.render(loss, folder / "graph.html", model=model)
    fresh = (model([0.5, -1.0]) - 1.0) ** 2
    stepper = viz.animate_backward(fresh, folder / "stepper.html", model=model).path
    quiz = viz.animate_backward(fresh, folder / "quiz.html", model=model, depth=None,
                                quiz=True).path
    step = viz.learning_step(model, lambda: (model([0.5, -1.0]) - 1.0) ** 2, lr=0.05,
                             path=folder / "step.html")
    del step
    return [("viewer_mlp", graph, []), ("viewer_stepper", stepper, _backward),
            ("viewer_quiz", quiz, _quiz), ("viewer_learning_step", folder / "step.html", [])]


def main() -> None:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("playwright is not installed: no screenshots")
        return
    chromium = shutil.which("chromium")
    if not chromium:
        print("chromium is not installed: no screenshots")
        return
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        for name, path, keys in pages(Path(tmp)):  # keys: list of keys, or a function
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            page.goto(path.as_uri())
            if callable(keys):
                keys(page)
            else:
                for key in keys:
                    page.keyboard.press(key)
            page.screenshot(path=str(OUT / f"{name}.png"))
            page.close()
            print(OUT / f"{name}.png")
        browser.close()


if __name__ == "__main__":
    main()
