"""Regenerate the pictures of docs/viz.md: ``python docs/make_viz_pictures.py``.

Every picture on the page is made by exactly the code shown above it: this script runs each
```python block of docs/viz.md in an empty folder, and every image the page shows after that
block, ``images/viz_NAME``, is the file ``NAME`` the block wrote, copied to docs/images. Nothing
is drawn by hand or by other code. (The stepper's screenshot is taken of the page the stepper
block writes, when Playwright and Debian's chromium are installed.)
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAGE = ROOT / "docs" / "viz.md"
OUT = ROOT / "docs" / "images"
BLOCK = re.compile(r"^```python\n(.*?)^```\n(.*?)(?=^```|^#)", re.S | re.M)
IMAGE = re.compile(r"!\[[^\]]*\]\(images/viz_([\w.]+)\)")


def pictures() -> list[Path]:
    """Run every block that has pictures after it; copy the pictures. Returns the files written."""
    written = []
    for m in BLOCK.finditer(PAGE.read_text()):
        code, after = m.groups()
        names = IMAGE.findall(after)
        if not names:
            continue
        with tempfile.TemporaryDirectory() as tmp:
            here = os.getcwd()
            os.chdir(tmp)
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    exec(compile(code, str(PAGE), "exec"), {"__name__": "__doc_example__"})
                for name in names:
                    if name.endswith(".png") and name.startswith("stepper"):
                        _stepper_screenshot(Path(tmp) / "stepper.html", OUT / f"viz_{name}")
                        continue
                    written.append(Path(shutil.copy(Path(tmp) / name, OUT / f"viz_{name}")))
            finally:
                os.chdir(here)
    return written


def _stepper_screenshot(page_path: Path, out: Path) -> None:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return
    if not shutil.which("chromium"):
        return
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=shutil.which("chromium"), args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page(viewport={"width": 1100, "height": 560})
        page.goto(page_path.as_uri())
        for _ in range(4):
            page.keyboard.press("ArrowRight")
        page.screenshot(path=str(out))
        browser.close()


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for p in pictures():
        print(p.relative_to(ROOT))


if __name__ == "__main__":
    main()
