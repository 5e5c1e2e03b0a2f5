"""The scalar engine against micrograd 0.1.0, side by side in one process.

Workload: micrograd's own demo. MLP(2, [16, 16, 1]) on 100 two-moons points, SVM max-margin
loss plus 1e-4 L2, full batch; one training step = forward, backward, SGD update. Both graphs are
equally fine-grained (every multiply and add of every neuron is a node). Python's garbage collector
stays on, as users run it, and ``gc.collect()`` runs before each timed step so neither side pays for
the other's garbage. Steps alternate between the two libraries; we report medians of CPU time
(``time.process_time``: other jobs on a shared machine do not count) and the ratio.

Also measured: the step's CPU time per graph node by phase (forward, the backward's counting
and reverse passes, freeing the graph), bytes per graph node (tracemalloc over building one
step's graph) and a chain of 1,000,000 ops built and backpropagated.

    python benchmarks/bench_scalar.py [--steps 10] [--chain 1000000]
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from chainrule import nn  # noqa: E402
from chainrule.autograd import Value, topological_order  # noqa: E402


def moons(n: int = 100, noise: float = 0.1, seed: int = 1) -> tuple[list, list]:
    X, y = nn.data.make_moons(n, noise=noise, seed=seed, signed=True)
    return np.asarray(X).tolist(), [int(v) for v in np.asarray(y)]


def step(model, params, V, X, y, k: int) -> float:
    """One step of micrograd's demo, written once for both libraries (V is the Value class)."""
    inputs = [list(map(V, row)) for row in X]
    scores = list(map(model, inputs))
    losses = [(1 + -yi * si).relu() for yi, si in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = 1e-4 * sum(p * p for p in params)
    total = data_loss + reg_loss
    for p in params:
        p.grad = 0.0
    total.backward()
    lr = 1.0 - 0.9 * k / 100
    for p in params:
        p.data -= lr * p.grad
    return total.data


def step_graph(model, params, X, y):
    """The graph of one step (forward only), for counting its nodes."""
    inputs = [list(map(Value, row)) for row in X]
    losses = [(1 + -yi * si).relu() for yi, si in zip(y, map(model, inputs))]
    return sum(losses) * (1.0 / len(losses)) + 1e-4 * sum(p * p for p in params)


class _Seven:
    __slots__ = ("a", "b", "c", "d", "e", "f", "g")


def object_cost(n: int = 200_000) -> float:
    """CPU seconds to create, fill and free one 7-slot object: the physical limit per node."""
    new = object.__new__
    best = float("inf")
    for _ in range(5):
        t0 = time.process_time()
        for _ in range(n):
            o = new(_Seven)
            o.a = o.b = o.c = o.d = o.e = o.f = o.g = None
        best = min(best, (time.process_time() - t0) / n)
    return best


def phases(model, params, X, y, steps: int) -> dict[str, float]:
    """Median CPU ns per graph node of each phase of a chainrule step (the collector as in a step:
    on while the graph is built, paused by the backward pass, which these calls replay)."""
    from chainrule.autograd import _state, backprop, graph

    times: dict[str, list[float]] = {"forward": [], "count": [], "reverse": [], "free": []}
    n = len(topological_order(step_graph(model, params, X, y)))
    clock = time.process_time
    for _ in range(steps):
        gc.collect()
        t0 = clock()
        root = step_graph(model, params, X, y)
        t1 = clock()
        _state._pause()
        graph.count_uses(root, {}, collect=False)  # as backward() calls it
        t2 = clock()
        root.grad = 1.0
        backprop._reverse_pass([root], False, 0.0)
        t3 = clock()
        _state._unpause()
        del root
        t4 = clock()
        for name, dt in zip(times, (t1 - t0, t2 - t1, t3 - t2, t4 - t3)):
            times[name].append(dt / n * 1e9)
    return {name: statistics.median(ts) for name, ts in times.items()}


def micrograd_nodes(root) -> int:
    seen, stack = {id(root)}, [root]
    while stack:
        for p in stack.pop()._prev:
            if id(p) not in seen:
                seen.add(id(p))
                stack.append(p)
    return len(seen)


def bytes_per_node(build, count) -> tuple[float, int]:
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    root, keep = build()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    n = count(root)
    del root, keep
    return (after - before) / n, n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--chain", type=int, default=1_000_000)
    args = ap.parse_args()

    from micrograd import nn as mnn
    from micrograd.engine import Value as MValue

    X, y = moons()
    random.seed(0)
    theirs = mnn.MLP(2, [16, 16, 1])
    ours = nn.MLP(2, [16, 16, 1], seed=0)
    assert len(theirs.parameters()) == len(ours.parameters()) == 337
    tp, op = theirs.parameters(), ours.parameters()

    # one warm-up step each, then interleaved timed steps
    step(theirs, tp, MValue, X, y, 0)
    step(ours, op, Value, X, y, 0)
    t_them, t_us = [], []
    for k in range(1, args.steps + 1):
        gc.collect()
        t0 = time.process_time()
        step(theirs, tp, MValue, X, y, k)
        t_them.append(time.process_time() - t0)
        gc.collect()
        t0 = time.process_time()
        step(ours, op, Value, X, y, k)
        t_us.append(time.process_time() - t0)
    m_them, m_us = statistics.median(t_them), statistics.median(t_us)
    ratios = sorted(a / b for a, b in zip(t_them, t_us))
    n_nodes = len(topological_order(step_graph(ours, op, X, y)))
    print(f"moons step, median of {args.steps} interleaved steps (GC on, CPU time):")
    print(f"  micrograd 0.1.0  {m_them * 1e3:8.1f} ms")
    print(f"  chainrule        {m_us * 1e3:8.1f} ms   ({m_them / m_us:.1f}x faster; per step "
          f"{ratios[0]:.1f}-{ratios[-1]:.1f}x)")
    print(f"  chainrule per graph node: {m_us / n_nodes * 1e9:.0f} ns; CPython's floor, creating "
          f"and freeing one object of 7 slots: {object_cost() * 1e9:.0f} ns")

    def build(model, params, V):
        def go():
            inputs = [list(map(V, row)) for row in X]
            scores = list(map(model, inputs))
            losses = [(1 + -yi * si).relu() for yi, si in zip(y, scores)]
            total = sum(losses) * (1.0 / len(losses)) + 1e-4 * sum(p * p for p in params)
            return total, inputs

        return go

    per = phases(ours, op, X, y, args.steps)
    print("  per graph node by phase (median ns): " + ", ".join(f"{k} {v:.0f}" for k, v in
                                                             per.items()))

    b_them, n_them = bytes_per_node(build(theirs, tp, MValue), micrograd_nodes)
    b_us, n_us = bytes_per_node(build(ours, op, Value), lambda r: len(topological_order(r)))
    print("memory per graph node (one step's graph, tracemalloc):")
    print(f"  micrograd 0.1.0  {b_them:6.0f} bytes  ({n_them} nodes)")
    print(f"  chainrule        {b_us:6.0f} bytes  ({n_us} nodes; {b_us / b_them:.2f} of micrograd)")

    gc.collect()
    t0 = time.process_time()
    x = Value(1.0)
    z = x
    for _ in range(args.chain):
        z = z + 1e-6
    t1 = time.process_time()
    z.backward()
    t2 = time.process_time()
    assert x.grad == 1.0
    print(f"chain of {args.chain:,} ops: build {t1 - t0:.2f} s + backward {t2 - t1:.2f} s "
          f"= {t2 - t0:.2f} s (recursion limit {sys.getrecursionlimit()})")


if __name__ == "__main__":
    main()
