"""The interactive viewer's layout time in headless Chromium, per graph size and level of detail.

For each graph (one sample through a scalar MLP), the page is built once (``viz.render(...,
'.html')``, its Python time measured with CPU time), then the viewer lays out and draws every level
``repeat`` times, the levels interleaved; the medians and ranges (wall time inside the page, as
``performance.now()`` reports it: JavaScript runs single-threaded) are printed as a Markdown table.

    python benchmarks/bench_viewer.py --repeat 5

Needs Playwright and Debian's chromium (the dev extra and the machine's browser).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
import warnings
from pathlib import Path

from chainrule import nn, viz
from chainrule.viz import walk

GRAPHS = {
    "MLP(2, [4, 4, 1])": (2, [4, 4, 1]),
    "MLP(2, [16, 16, 1])": (2, [16, 16, 1]),
    "MLP(2, [110, 1]) (one wide layer)": (2, [110, 1]),
    "MLP(2, [32, 32, 32, 1])": (2, [32, 32, 32, 1]),
    "MLP(2, [70, 70, 1])": (2, [70, 70, 1]),
}
LEVELS = {"model": 0, "layers": 1, "neurons": 2, "every node": None}
MEASURE = """(levels) => { const v = window.viewer, out = {};
  for (const [name, d] of levels) { const t = performance.now(); v.setDepth(d);
    out[name] = [performance.now() - t, document.querySelectorAll('.crv-card').length]; }
  return out; }"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium")
    if chromium is None:
        raise SystemExit("needs Debian's chromium (apt-get install chromium)")
    rows = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        for name, (nin, sizes) in GRAPHS.items():
            model = nn.MLP(nin, sizes, seed=0)
            loss = (model([0.5, -1.0]) - 1.0) ** 2
            loss.backward()
            t0 = time.process_time()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                path = viz.render(loss, Path(tmp) / "g.html", model=model)
            build = time.process_time() - t0
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.goto(path.as_uri())
            times: dict[str, list[float]] = {k: [] for k in LEVELS}
            cards: dict[str, int] = {}
            for _ in range(args.repeat):
                got = page.evaluate(MEASURE, [[k, v] for k, v in LEVELS.items()])
                for k, (ms, n) in got.items():
                    times[k].append(ms)
                    cards[k] = n
            page.close()
            nodes = len(walk.forward_order(loss))
            size = path.stat().st_size
            for k in LEVELS:
                t = times[k]
                rows.append(f"| {name} | {nodes} | {size / 1e6:.2f} MB | {build:.2f} s | {k} | "
                            f"{cards[k]} | {statistics.median(t):.0f} ms | "
                            f"{min(t):.0f}-{max(t):.0f} ms |")
        browser.close()
    print("| graph | nodes | page | page built (CPU) | level | cards | layout+draw median "
          "| range |")
    print("|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
