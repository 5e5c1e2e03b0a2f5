"""How long viz takes to draw and lay out: ``python benchmarks/bench_viz.py [--repeat N]``.

Cases (one sample through an MLP on the scalar engine, with nn's parameter labels):

- every node drawn (``collapse=None``) for graphs of about 50, 500, 2,000 and 10,000 drawn shapes
  (values and ops), and the one-wide-layer ``MLP(2, [110, 1])`` (about 2,000 shapes);
- the default picture of a big graph without modules: a chain of 5,100 ops
  (``y = tanh(0.999 * y + 0.01)``, 1,700 times: about 10,000 shapes, every one drawn);
- each level of ``MLP(2, [16, 16, 1])``: the default (``auto``), neurons, layers, the whole model;
- for comparison, Graphviz's ``dot`` laying out the 500- and 2,000-shape graphs itself (what viz
  did before placing big graphs itself; run once each, it is slow).

Each case runs ``draw_graph`` and renders SVG with the system ``dot`` and with the embedded
(WebAssembly) Graphviz, interleaved (above 400 shapes viz places the nodes and writes the SVG
itself, ``viz/svgdraw.py``, so both columns time the same path), ``--repeat`` times. Times are
CPU seconds of this process and its children (the system ``dot``), median and range. The
embedded engine's one-off compile is done before timing.
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import statistics
import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from chainrule import viz  # noqa: E402
from chainrule.autograd import Value  # noqa: E402
from chainrule.viz import place, rendering  # noqa: E402


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


def sample(sizes):
    model = MLP((2, *sizes))
    loss = (1 - model([0.5, -1.2])).relu()
    loss.label = "loss"
    loss.backward()
    return model, loss


def chain(ops):
    """A module-less expression: ``y = tanh(0.999 * y + 0.01)``, ``ops // 3`` times."""
    y = Value(0.5, label="x")
    for _ in range(ops // 3):
        y = (y * 0.999 + 0.01).tanh()
    y.label = "y"
    y.backward()
    return y


def cpu() -> float:
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def timed(fn) -> float:
    start = cpu()
    fn()
    return cpu() - start


def shapes(root, **kw) -> int:
    g = viz.draw_graph(root, **kw)
    return sum(1 for line in g.source.splitlines() if line.startswith("\t") and " [label=" in line
               and "->" not in line)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--quick", action="store_true", help="skip the 10,000-shape graph and dot")
    args = ap.parse_args()
    warnings.simplefilter("ignore", viz.LevelWarning)
    graphs = {"~50": (3, 1), "~500": (8, 8, 1), "~2,000": (18, 18, 1),
              "wide MLP(2, [110, 1])": (110, 1)}
    if not args.quick:
        graphs["~10,000"] = (42, 42, 1)
    cases = {}
    for name, sizes in graphs.items():
        model, loss = sample(sizes)
        n = shapes(loss, model=model, collapse=None)
        cases[f"every node, {name} ({n} shapes)"] = (loss, dict(model=model, collapse=None))
    if not args.quick:
        y = chain(5100)
        cases[f"default, a chain of 5,100 ops ({shapes(y)} shapes)"] = (y, {})
    model, loss = sample((16, 16, 1))
    for level in ("auto", "neuron", "layer", "model"):
        n = shapes(loss, model=model, collapse=level)
        cases[f"MLP(2, [16, 16, 1]) collapse={level!r} ({n} shapes)"] = (
            loss, dict(model=model, collapse=level))
    renderers = ["embedded"] + (["system"] if shutil.which("dot") else [])
    rendering.run_embedded("digraph { a }")  # the one-off compile, not timed
    times: dict[tuple[str, str], list[float]] = {}
    for _ in range(args.repeat):
        for name, (root, kw) in cases.items():
            times.setdefault((name, "draw_graph"), []).append(
                timed(lambda root=root, kw=kw: viz.draw_graph(root, **kw)))
            for r in renderers:
                times.setdefault((name, r), []).append(
                    timed(lambda root=root, kw=kw, r=r: viz.to_svg(root, renderer=r, **kw)))
    print(f"{'case':<52} {'step':<11} {'median':>8}  range (CPU s, {args.repeat} runs)")
    for (name, step), ts in times.items():
        print(f"{name:<52} {step:<11} {statistics.median(ts):8.3f}  {min(ts):.3f}-{max(ts):.3f}")
    if not args.quick and shutil.which("dot"):
        limit = place.DOT_LIMIT
        place.DOT_LIMIT = 10**9  # let dot lay out everything, as before
        try:
            for name in ("~500", "~2,000"):
                model, loss = sample(graphs[name])
                t = timed(lambda m=model, lo=loss: viz.to_svg(lo, model=m, collapse=None,
                                                              renderer="system"))
                print(f"{'dot lays out every node, ' + name:<52} {'system':<11} {t:8.3f}  (once)")
        finally:
            place.DOT_LIMIT = limit


if __name__ == "__main__":
    main()
