"""The scalar engine as users run it: plain training loops, the collector on, nothing paused.

Two measurements (issue 17), each printed as the ratio its target is stated in:

1. ``loop``: micrograd's moons step (``bench_scalar.step``: MLP(2, [16, 16, 1]), 100 points) in a
   plain loop, one child process per library, no ``gc.collect()`` between steps; the processes
   alternate, and each reports the median CPU time of its steps. Target: >= 25x micrograd 0.1.0.
2. ``scaling``: the same step on 2-W-W-1 networks, W = 8 and W = 64 (about 19,000 and 880,000 nodes
   a step), in a plain loop, each W in its own child process (alternating): the CPU time per
   graph node at W=64 over that at W=8. Target: <= 1.3 (the cost per node does not grow with the
   graph). chainrule only; the user does not pause anything.

    python benchmarks/bench_engine.py [--runs 3] [--only loop,scaling]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))


def child(lib: str, width: int, steps: int) -> dict:
    """Run in a fresh process: ``steps`` plain-loop steps; median CPU seconds per step, nodes."""
    from bench_scalar import micrograd_nodes, moons, step

    from chainrule import nn
    from chainrule.autograd import Value, topological_order

    X, y = moons()
    if lib == "micrograd":
        import random

        from micrograd import nn as mnn
        from micrograd.engine import Value as V

        random.seed(0)
        model = mnn.MLP(2, [width, width, 1])
    else:
        V = Value
        model = nn.MLP(2, [width, width, 1], seed=0)
    params = model.parameters()
    times = []
    for k in range(steps + 1):
        t0 = time.process_time()
        step(model, params, V, X, y, k)
        if k:  # the first step warms up
            times.append(time.process_time() - t0)
    inputs = [list(map(V, row)) for row in X]
    losses = [(1 + -yi * si).relu() for yi, si in zip(y, map(model, inputs))]
    root = sum(losses) * (1.0 / len(losses)) + 1e-4 * sum(p * p for p in params)
    nodes = micrograd_nodes(root) if lib == "micrograd" else len(topological_order(root))
    return {"step": statistics.median(times), "nodes": nodes}


def run(lib: str, width: int, steps: int) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", lib, str(width), str(steps)],
        check=True, capture_output=True, text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def spread(xs: list[float]) -> str:
    return f"median {statistics.median(xs):.1f}x (range {min(xs):.1f}-{max(xs):.1f}x)"


def bench_loop(runs: int) -> None:
    ratios = []
    for r in range(runs):
        theirs = run("micrograd", 16, 3)
        ours = run("chainrule", 16, 10)
        ratios.append(theirs["step"] / ours["step"])
        print(f"  run {r + 1}: micrograd {theirs['step'] * 1e3:7.1f} ms, chainrule "
              f"{ours['step'] * 1e3:6.1f} ms ({ours['step'] / ours['nodes'] * 1e9:.0f} ns/node): "
              f"{ratios[-1]:.1f}x")
    print(f"plain loop, moons step, chainrule / micrograd 0.1.0: {spread(ratios)}  (target >= 25x)")


def bench_scaling(runs: int) -> None:
    ratios = []
    for r in range(runs):
        small = run("chainrule", 8, 20)
        large = run("chainrule", 64, 3)
        per = [x["step"] / x["nodes"] * 1e9 for x in (small, large)]
        ratios.append(per[1] / per[0])
        print(f"  run {r + 1}: W=8 {per[0]:.0f} ns/node ({small['nodes']:,} nodes), W=64 "
              f"{per[1]:.0f} ns/node ({large['nodes']:,} nodes): {ratios[-1]:.2f}")
    rs = sorted(ratios)
    print(f"cost per node, W=64 over W=8 (collector on): median {statistics.median(rs):.2f} "
          f"(range {rs[0]:.2f}-{rs[-1]:.2f})  (target <= 1.3)")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        print(json.dumps(child(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))))
        return
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--only", default="loop,scaling")
    args = ap.parse_args()
    only = args.only.split(",")
    if "loop" in only:
        bench_loop(args.runs)
    if "scaling" in only:
        bench_scaling(args.runs)


if __name__ == "__main__":
    main()
