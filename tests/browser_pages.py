"""Headless Debian chromium for the viz browser tests: one browser per test module, pages that
record console errors and requests, checked when the module's browser closes."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"


@contextmanager
def chromium_pages() -> Iterator[Callable[..., Any]]:
    """Yields ``open_(path, width, height)``, which opens a local file in a new page of that
    viewport. On exit every page must have logged no console error or page error and requested
    nothing but local files (no network at run time). Skips without Playwright or chromium."""
    sync = pytest.importorskip("playwright.sync_api")
    if not shutil.which(CHROMIUM):
        pytest.skip("Debian's chromium is not installed")
    with sync.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        pages = []

        def open_(path: Path, width: int, height: int) -> Any:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.set_default_timeout(5000)
            page.errors, page.requests = [], []
            page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: page.errors.append(str(e)))
            page.on("request", lambda r: page.requests.append(r.url))
            page.goto(path.as_uri())
            pages.append(page)
            return page

        yield open_
        for p in pages:
            assert not p.errors
            assert all(u.startswith("file://") for u in p.requests)
        browser.close()
