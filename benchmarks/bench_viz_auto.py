"""What the default ("auto") level costs against drawing at the level it picks.

For each graph (one sample through a scalar MLP, and its loss), three views are timed with their
default level and with the level that default picks passed explicitly (``depth=``), all six calls
interleaved in one process, CPU time (``time.process_time``): ``draw_graph`` (the static picture),
``graph_model`` (the viewer's data, what ``viz.render(..., '.html')`` embeds) and
``animate_backward`` (the stepper's page). Medians and ranges of ``--repeat`` runs are printed as a
Markdown table with the ratio of the medians (auto / given).

    python benchmarks/bench_viz_auto.py --repeat 7
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
import warnings

from chainrule import nn, viz
from chainrule.viz import walk

GRAPHS = {
    "MLP(2, [4, 4, 1])": (2, [4, 4, 1]),
    "MLP(2, [16, 16, 1])": (2, [16, 16, 1]),
    "MLP(2, [32, 32, 32, 1])": (2, [32, 32, 32, 1]),
}


def views(loss, model):
    """name -> (call with the default level, call with the level the default picks)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        static = viz.draw_graph(loss, model=model).viewer_input[1]["depth"]
    viewer = viz.viewer.graph_model(loss, model=model)["depth"]
    stepper = viewer  # the stepper opens where the viewer does (same graph_model, show_grad)

    def draw(**kw):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return viz.draw_graph(loss, model=model, **kw)

    return {
        f"`draw_graph` (picks depth {static})": (lambda: draw(), lambda: draw(depth=static)),
        f"`graph_model` (picks depth {viewer})": (
            lambda: viz.viewer.graph_model(loss, model=model),
            lambda: viz.viewer.graph_model(loss, model=model, depth=viewer)),
        f"`animate_backward` (picks depth {stepper})": (
            lambda: viz.animate_backward(loss, model=model, max_nodes=10**5),
            lambda: viz.animate_backward(loss, model=model, depth=stepper, max_nodes=10**5)),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    print("| graph | nodes | view | auto (ms) | given level (ms) | auto / given |")
    print("|---|---|---|---|---|---|")
    for name, (nin, sizes) in GRAPHS.items():
        model = nn.MLP(nin, sizes, seed=0)
        loss = (model([0.5, -1.0]) - 1.0) ** 2
        loss.backward()
        count = len(walk.forward_order(loss))
        cases = views(loss, model)
        times = {(v, k): [] for v in cases for k in (0, 1)}
        for _ in range(args.repeat):
            for v, pair in cases.items():
                for k, fn in enumerate(pair):
                    gc.collect()
                    t = time.process_time()
                    fn()
                    times[(v, k)].append(time.process_time() - t)
        for v in cases:
            a, g = (statistics.median(times[(v, k)]) for k in (0, 1))
            ra, rg = (f"{1000 * min(times[(v, k)]):.1f}-{1000 * max(times[(v, k)]):.1f}"
                      for k in (0, 1))
            print(f"| {name} | {count:,} | {v} | {1000 * a:.1f} ({ra}) | {1000 * g:.1f} ({rg}) "
                  f"| {a / g:.2f} |")


if __name__ == "__main__":
    main()
