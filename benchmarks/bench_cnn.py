"""A small CNN's training step on the 8x8 digits: chainrule vs hand-written numpy vs PyTorch eager.

The network (the ``cnn`` lesson's): Conv2d(1, 8, 3, padding=1) -> ReLU -> MaxPool2d(2) ->
Flatten -> Linear(128, 10), softmax cross-entropy, one SGD step (forward, backward, update) on a
batch of 64 images, float32. numpy does the same math by hand: im2col and one matrix product for
the convolution, a reshape-max for the pooling, and the gradients written out. PyTorch runs eager
on one thread. BLAS runs on one thread for all (set before numpy is imported).

The section conv -> ReLU -> max pool is timed on its own too (forward, backward from a fixed
gradient of the pooled maps, the convolution's SGD update): the part the fused ``conv2d`` and
``max_pool2d`` ops serve, apart from the Linear layer and the loss.

The three sides take turns in rotating order within each round (interleaved, so a noisy
neighbour slows all alike); each round times ``--steps`` calls of each side in CPU time. We
report the median and range over rounds of the time per call. Run from the repository root:

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
# the section's update uses a tiny rate: its fixed upstream gradient pushes the same way every call,
# and the weights must stay ordinary numbers for thousands of calls (same work as any rate)
SECTION_LR = 1e-6


def data(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    X, y = nn.data.load_digits()
    idx = np.random.default_rng(seed).permutation(len(y))[:BATCH]
    return X[idx].reshape(-1, 1, 8, 8).astype(np.float32), y[idx]


def chainrule_side(X: np.ndarray, y: np.ndarray, G: np.ndarray):
    model = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1, dtype=np.float32, seed=0), nn.ReLU(),
                          nn.MaxPool2d(2), nn.Flatten(),
                          nn.Linear(128, 10, dtype=np.float32, seed=1))
    opt = nn.optim.SGD(model.parameters(), lr=LR)
    conv, relu, pool = model[0], model[1], model[2]
    conv_opt = nn.optim.SGD(conv.parameters(), lr=SECTION_LR)

    def step() -> float:
        loss = F.cross_entropy(model(X), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        return float(loss.data)

    def section() -> float:  # conv -> relu -> pool, backward from G, the conv's update
        out = pool(relu(conv(X)))
        conv_opt.zero_grad()
        out.backward(G)
        conv_opt.step()
        return float(out.data[0, 0, 0, 0])

    return step, section


def _dense_softmax(h: np.ndarray, W2: np.ndarray, b2: np.ndarray, y: np.ndarray,
                   onehot: np.ndarray) -> tuple:
    """The Linear layer and the mean softmax cross-entropy by hand: the loss, its gradient dz
    with respect to the logits, and the layer's gradients."""
    z = h @ W2.T + b2
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    sm = e / e.sum(axis=1, keepdims=True)
    loss = float(-np.log(sm[np.arange(len(y)), y]).mean())
    dz = (sm - onehot) / len(y)
    return loss, dz, dz.T @ h, dz.sum(0)


def numpy_side(X: np.ndarray, y: np.ndarray, G: np.ndarray):
    r = np.random.default_rng(0)
    W1 = r.uniform(-1 / 3, 1 / 3, (8, 9)).astype(np.float32)
    b1 = np.zeros(8, np.float32)
    W2 = r.uniform(-0.09, 0.09, (10, 128)).astype(np.float32)
    b2 = np.zeros(10, np.float32)
    n = len(y)
    onehot = np.eye(10, dtype=np.float32)[y]
    Gl = G.transpose(0, 2, 3, 1).reshape(n, 4, 1, 4, 1, 8)  # the section's upstream gradient

    def forward_conv():
        # im2col every step, as for a new batch (and as chainrule does)
        xp = np.pad(X[:, 0], ((0, 0), (1, 1), (1, 1)))
        s = xp.strides
        cols = np.lib.stride_tricks.as_strided(xp, (n, 8, 8, 3, 3),
                                               (s[0], s[1], s[2], s[1], s[2]))
        cols = np.ascontiguousarray(cols).reshape(n * 64, 9)
        a = np.maximum(cols @ W1.T + b1, 0).reshape(n, 4, 2, 4, 2, 8)  # channels last
        p = a.max(axis=(2, 4))  # (n, 4, 4, 8)
        return cols, a, p

    def backward_conv(cols, a, p, dp, lr=LR):
        nonlocal W1, b1
        da = (a == p.reshape(n, 4, 1, 4, 1, 8)) * dp  # the max's place gets the gradient
        da = da.reshape(n * 64, 8)
        dW1, db1 = da.T @ cols, da.sum(0)
        W1 -= lr * dW1
        b1 -= lr * db1

    def step() -> float:
        nonlocal W2, b2
        cols, a, p = forward_conv()
        h = p.reshape(n, 128)
        loss, dz, dW2, db2 = _dense_softmax(h, W2, b2, y, onehot)
        dp = (dz @ W2).reshape(n, 4, 1, 4, 1, 8)
        backward_conv(cols, a, p, dp)
        W2 -= LR * dW2
        b2 -= LR * db2
        return loss

    def section() -> float:
        cols, a, p = forward_conv()
        backward_conv(cols, a, p, Gl, SECTION_LR)
        return float(p[0, 0, 0, 0])

    return step, section


def _fused_forward(X: np.ndarray, Wb: np.ndarray) -> tuple:
    """conv -> relu -> 2x2 max pool by hand with the fused ops' algorithm (taps-by-pixels im2col
    with a row of ones for the bias, pooling rows first by running comparisons). Returns the
    pooled maps p, (8 * n * 4, 4) laid out (C, N, H, W), and what the backward needs."""
    n = len(X)
    xp = np.zeros((n, 1, 10, 10), np.float32)
    xp[:, :, 1:9, 1:9] = X
    s = xp.strides
    cols = np.empty((10, n * 64), np.float32)
    cols[9] = 1
    cols[:9].reshape(1, 3, 3, n, 8, 8)[...] = np.lib.stride_tricks.as_strided(
        xp, (1, 3, 3, n, 8, 8), (s[1], s[2], s[3], s[0], s[2], s[3]))
    a = np.maximum(Wb @ cols, 0)  # (8, n * 64): channels first
    pairs = a.reshape(-1, 2)
    right = pairs[:, 1] > pairs[:, 0]
    rows = np.maximum(pairs[:, 0], pairs[:, 1]).reshape(-1, 2, 4)
    lower = rows[:, 1] > rows[:, 0]
    p = np.maximum(rows[:, 0], rows[:, 1])
    return p, (cols, a, pairs, right, rows, lower)


def _fused_backward(g: np.ndarray, saved: tuple) -> np.ndarray:
    """The gradient of [w | b] from g, the gradient of the pooled maps as ``_fused_forward``
    lays them out: the max's place gets it, relu's mask, one product with the windows."""
    cols, a, pairs, right, rows, lower = saved
    grows = np.empty(rows.shape, np.float32)
    np.multiply(g, lower, out=grows[:, 1])
    np.multiply(g, ~lower, out=grows[:, 0])
    ga = np.empty(pairs.shape, np.float32)
    flat = grows.reshape(-1)
    np.multiply(flat, right, out=ga[:, 1])
    np.multiply(flat, ~right, out=ga[:, 0])
    da = ga.reshape(a.shape) * (a > 0)
    return da @ cols.T


def _fused_weights() -> tuple[np.ndarray, np.ndarray]:
    """[w | b] of the convolution and the Linear layer's weight, drawn as the numpy side does."""
    r = np.random.default_rng(0)
    Wb = np.concatenate([r.uniform(-1 / 3, 1 / 3, (8, 9)), np.zeros((8, 1))], 1).astype(np.float32)
    return Wb, r.uniform(-0.09, 0.09, (10, 128)).astype(np.float32)


def numpy_fused_section(X: np.ndarray, y: np.ndarray, G: np.ndarray):
    """The section by hand with the algorithm of chainrule's fused ops: what the ops cost without
    the engine around them."""
    Wb = _fused_weights()[0]
    n = len(y)
    g = np.ascontiguousarray(G.transpose(1, 0, 2, 3)).reshape(8 * n * 4, 4)  # (C, N, 4, 4)

    def section() -> float:
        nonlocal Wb
        p, saved = _fused_forward(X, Wb)
        Wb -= SECTION_LR * _fused_backward(g, saved)
        return float(p[0, 0])

    return section


def numpy_fused_step(X: np.ndarray, y: np.ndarray):
    """The whole step by hand with the fused ops' algorithm (the section above, then the Linear
    layer and the loss as the plain numpy side writes them): the fastest numpy we know for this
    network, so ``chainrule / numpy-fused`` is the engine's whole cost."""
    Wb, W2 = _fused_weights()
    b2 = np.zeros(10, np.float32)
    n = len(y)
    onehot = np.eye(10, dtype=np.float32)[y]

    def step() -> float:
        nonlocal Wb, W2, b2
        p, saved = _fused_forward(X, Wb)
        h = p.reshape(8, n, 16).transpose(1, 0, 2).reshape(n, 128)  # PyTorch's flatten order
        loss, dz, dW2, db2 = _dense_softmax(h, W2, b2, y, onehot)
        g = np.ascontiguousarray((dz @ W2).reshape(n, 8, 16).transpose(1, 0, 2)).reshape(-1, 4)
        Wb -= LR * _fused_backward(g, saved)
        W2 -= LR * dW2
        b2 -= LR * db2
        return loss

    return step


def torch_side(X: np.ndarray, y: np.ndarray, G: np.ndarray):
    torch.set_num_threads(1)
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Conv2d(1, 8, 3, padding=1), torch.nn.ReLU(),
                                torch.nn.MaxPool2d(2), torch.nn.Flatten(),
                                torch.nn.Linear(128, 10))
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    conv_opt = torch.optim.SGD(model[0].parameters(), lr=SECTION_LR)
    xt, yt, gt = torch.tensor(X), torch.tensor(y), torch.tensor(G)

    def step() -> float:
        loss = torch.nn.functional.cross_entropy(model(xt), yt)
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss.item()

    def section() -> float:
        out = model[2](model[1](model[0](xt)))
        conv_opt.zero_grad()
        out.backward(gt)
        conv_opt.step()
        return out[0, 0, 0, 0].item()

    return step, section


def measure(sides: dict, rounds: int, steps: int) -> dict[str, list[float]]:
    """CPU microseconds per call of each side, one list entry per round; the sides take turns in
    rotating order within each round."""
    times: dict[str, list[float]] = {name: [] for name in sides}
    names = list(sides)
    for r in range(rounds):
        for name in names[r % len(names):] + names[: r % len(names)]:
            fn = sides[name]
            t = time.process_time()
            for _ in range(steps):
                fn()
            times[name].append((time.process_time() - t) / steps * 1e6)
    return times


def report(title: str, times: dict[str, list[float]], note: dict[str, str]) -> dict:
    print(title)
    med = {n: statistics.median(ts) for n, ts in times.items()}
    for name, ts in times.items():
        print(f"  {name:<11} median {med[name]:8.0f}   range {min(ts):.0f} - {max(ts):.0f}"
              f"   {note.get(name, '')}")
    for other in ("numpy", "torch", "numpy-fused"):
        if other in med:
            print(f"  chainrule / {other}: {med['chainrule'] / med[other]:.2f}x")
    return med


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=9)
    ap.add_argument("--steps", type=int, default=40)
    args = ap.parse_args(argv)
    X, y = data()
    G = np.random.default_rng(1).standard_normal((BATCH, 8, 4, 4)).astype(np.float32)
    makers = {"chainrule": chainrule_side, "numpy": numpy_side}
    if torch is not None:
        makers["torch"] = torch_side
    # a model of its own for the section, so that neither measurement changes the other's weights
    steps = {name: make(X, y, G)[0] for name, make in makers.items()}
    sections = {name: make(X, y, G)[1] for name, make in makers.items()}
    steps["numpy-fused"] = numpy_fused_step(X, y)
    sections["numpy-fused"] = numpy_fused_section(X, y, G)
    losses = {name: [step() for _ in range(3)] for name, step in steps.items()}  # warm up
    for section in sections.values():
        section()
    step_times = measure(steps, args.rounds, args.steps)
    section_times = measure(sections, args.rounds, args.steps)
    head = f"batch {BATCH}, float32, one thread; {args.rounds} rounds x {args.steps} calls"
    note = {n: f"(first losses {ls[0]:.3f} -> {ls[-1]:.3f})" for n, ls in losses.items()}
    med = report(f"small CNN step on 8x8 digits, {head}, CPU microseconds per step:",
                 step_times, note)
    sec = report(f"its conv -> relu -> max pool section (forward, backward from a given "
                 f"gradient, the conv's SGD update), {head}, CPU microseconds per call:",
                 section_times, {})
    return {"step": med, "section": sec}


if __name__ == "__main__":
    main()
