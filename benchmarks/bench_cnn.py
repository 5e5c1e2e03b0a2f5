"""A small CNN's training step on the 8x8 digits: chainrule vs hand-written numpy vs PyTorch eager.

The network (the ``cnn`` lesson's): Conv2d(1, 8, 3, padding=1) -> ReLU -> MaxPool2d(2) ->
Flatten -> Linear(128, 10), softmax cross-entropy, one SGD step (forward, backward, update) on a
batch of 64 images, float32. numpy does the same math by hand: im2col and one matrix product for
the convolution, a reshape-max for the pooling, and the gradients written out. PyTorch runs eager
on one thread. BLAS runs on one thread for all (set before numpy is imported).

The three sides take turns in rotating order within each round (interleaved, so a noisy
neighbour slows all alike); each round times ``--steps`` steps of each side in CPU time. We
report the median and range over rounds of the time per step. Run from the repository root:

    python benchmarks/bench_cnn.py [--rounds 9] [--steps 40]
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from chainrule import nn  # noqa: E402
from chainrule.nn import functional as F  # noqa: E402

try:
    import torch
except ImportError:  # the other sides still run
    torch = None

BATCH, LR = 64, 0.1


def data(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    X, y = nn.data.load_digits()
    idx = np.random.default_rng(seed).permutation(len(y))[:BATCH]
    return X[idx].reshape(-1, 1, 8, 8).astype(np.float32), y[idx]


def chainrule_side(X: np.ndarray, y: np.ndarray):
    model = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1, dtype=np.float32, seed=0), nn.ReLU(),
                          nn.MaxPool2d(2), nn.Flatten(),
                          nn.Linear(128, 10, dtype=np.float32, seed=1))
    opt = nn.optim.SGD(model.parameters(), lr=LR)

    def step() -> float:
        loss = F.cross_entropy(model(X), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        return float(loss.data)

    return step


def numpy_side(X: np.ndarray, y: np.ndarray):
    r = np.random.default_rng(0)
    W1 = r.uniform(-1 / 3, 1 / 3, (8, 9)).astype(np.float32)
    b1 = np.zeros(8, np.float32)
    W2 = r.uniform(-0.09, 0.09, (10, 128)).astype(np.float32)
    b2 = np.zeros(10, np.float32)
    n = len(y)
    onehot = np.eye(10, dtype=np.float32)[y]

    def step() -> float:
        nonlocal W1, b1, W2, b2
        # im2col every step, as for a new batch (and as chainrule does)
        xp = np.pad(X[:, 0], ((0, 0), (1, 1), (1, 1)))
        s = xp.strides
        cols = np.lib.stride_tricks.as_strided(xp, (n, 8, 8, 3, 3),
                                               (s[0], s[1], s[2], s[1], s[2]))
        cols = np.ascontiguousarray(cols).reshape(n * 64, 9)
        a = np.maximum(cols @ W1.T + b1, 0).reshape(n, 4, 2, 4, 2, 8)  # channels last
        p = a.max(axis=(2, 4))  # (n, 4, 4, 8)
        h = p.reshape(n, 128)
        z = h @ W2.T + b2
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        sm = e / e.sum(axis=1, keepdims=True)
        loss = float(-np.log(sm[np.arange(n), y]).mean())
        dz = (sm - onehot) / n
        dW2, db2 = dz.T @ h, dz.sum(0)
        dp = (dz @ W2).reshape(n, 4, 1, 4, 1, 8)
        da = (a == p.reshape(n, 4, 1, 4, 1, 8)) * dp  # the max's place gets the gradient
        da = da.reshape(n * 64, 8)
        dW1, db1 = da.T @ cols, da.sum(0)
        W1 -= LR * dW1
        b1 -= LR * db1
        W2 -= LR * dW2
        b2 -= LR * db2
        return loss

    return step


def torch_side(X: np.ndarray, y: np.ndarray):
    torch.set_num_threads(1)
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Conv2d(1, 8, 3, padding=1), torch.nn.ReLU(),
                                torch.nn.MaxPool2d(2), torch.nn.Flatten(),
                                torch.nn.Linear(128, 10))
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    xt, yt = torch.tensor(X), torch.tensor(y)

    def step() -> float:
        loss = torch.nn.functional.cross_entropy(model(xt), yt)
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss.item()

    return step


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=9)
    ap.add_argument("--steps", type=int, default=40)
    args = ap.parse_args(argv)
    X, y = data()
    sides = {"chainrule": chainrule_side(X, y), "numpy": numpy_side(X, y)}
    if torch is not None:
        sides["torch"] = torch_side(X, y)
    losses = {name: [step() for _ in range(3)] for name, step in sides.items()}  # warm up
    times: dict[str, list[float]] = {name: [] for name in sides}
    names = list(sides)
    for r in range(args.rounds):
        for name in names[r % len(names):] + names[: r % len(names)]:
            step = sides[name]
            t = time.process_time()
            for _ in range(args.steps):
                step()
            times[name].append((time.process_time() - t) / args.steps * 1e6)
    print(f"small CNN step on 8x8 digits, batch {BATCH}, float32, one thread; "
          f"{args.rounds} rounds x {args.steps} steps, CPU microseconds per step:")
    med = {n: statistics.median(ts) for n, ts in times.items()}
    for name, ts in times.items():
        print(f"  {name:<10} median {med[name]:8.0f}   range {min(ts):.0f} - {max(ts):.0f}   "
              f"(first losses {losses[name][0]:.3f} -> {losses[name][-1]:.3f})")
    print(f"  chainrule / numpy: {med['chainrule'] / med['numpy']:.2f}x")
    if "torch" in med:
        print(f"  chainrule / torch: {med['chainrule'] / med['torch']:.2f}x")
    return med


if __name__ == "__main__":
    main()
