"""What ``nn`` costs on top of the engine: one training step through ``nn.fit`` against the same
step written by hand (micrograd's style), on the scalar and on the tensor engine, in one process.

Workload: micrograd's demo, MLP(2, [16, 16, 1]) on 100 two-moons points, hinge loss + 1e-4 L2,
full batch, SGD with lr 1 - 0.9 k / 100 (k counted modulo 100, as the runs go on). The
hand-written step uses the same model and the same Values or Tensors, with no nn machinery (no
loss functions, no optimizer object, no History).
Runs of a few steps alternate between the two ways (``nn.fit(epochs=n)`` against n hand-written
steps); the medians per step and their ratio are reported. GC stays on, with ``gc.collect()``
before each timed run.

    python benchmarks/bench_nn.py [--rounds 7]
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from chainrule import nn  # noqa: E402


def by_hand_scalar(model, params, X, y, k):
    scores = [model(row) for row in X.tolist()]
    losses = [(1 + -yi * si).relu() for yi, si in zip(y.tolist(), scores, strict=True)]
    total = sum(losses) * (1.0 / len(losses)) + 1e-4 * sum(p * p for p in params)
    for p in params:
        p.grad = 0.0
    total.backward()
    lr = 1.0 - 0.9 * (k % 100) / 100
    for p in params:
        p.data -= lr * p.grad


def by_hand_tensor(model, params, X, y, k):
    s = model(X)[:, 0]
    total = (1.0 - y * s).relu().mean() + 1e-4 * sum((p * p).sum() for p in params)
    for p in params:
        p.grad = None
    total.backward()
    lr = 1.0 - 0.9 * (k % 100) / 100
    for p in params:
        p.data = p.data - lr * p.grad


def compare(engine, rounds, n, X, y):
    a = nn.MLP(2, [16, 16, 1], seed=0, engine=engine)
    b = nn.MLP(2, [16, 16, 1], seed=0, engine=engine)
    opt = nn.optim.SGD(a.parameters(), lr=lambda k: 1.0 - 0.9 * (k % 100) / 100)
    hand = by_hand_scalar if engine == "scalar" else by_hand_tensor
    pb = b.parameters()
    t_fit, t_hand = [], []
    k = 0
    for r in range(rounds + 1):
        gc.collect()
        t0 = time.perf_counter()
        nn.fit(a, X, y, loss="hinge", optimizer=opt, epochs=n, l2=1e-4, metrics=(), verbose=False)
        t1 = time.perf_counter()
        gc.collect()
        t2 = time.perf_counter()
        for _ in range(n):
            hand(b, pb, X, y, k)
            k += 1
        t3 = time.perf_counter()
        if r:  # round 0 is a warm-up
            t_fit.append((t1 - t0) / n)
            t_hand.append((t3 - t2) / n)
    same = all(np.allclose(v, b.state_dict()[key], rtol=0, atol=1e-9)
               for key, v in a.state_dict().items())
    m_fit, m_hand = statistics.median(t_fit), statistics.median(t_hand)
    print(f"{engine:6} engine, {rounds} interleaved rounds of {n} steps, median per step:")
    print(f"  by hand   {m_hand * 1e3:9.2f} ms")
    print(f"  nn.fit    {m_fit * 1e3:9.2f} ms   ({m_fit / m_hand:.2f}x the hand-written step; "
          f"same parameters afterwards: {same})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=7)
    args = ap.parse_args()
    X, y = nn.data.make_moons(100, noise=0.1, signed=True, seed=1)
    compare("scalar", args.rounds, 2, X, y)
    compare("tensor", args.rounds, 200, X, y)


if __name__ == "__main__":
    main()
