"""The Tensor layer against hand-written numpy and PyTorch eager, side by side in one process.

Four workloads, each timed as interleaved repetitions (the sides take turns, in rotating order,
so that a noisy neighbour slows all of them alike); we report medians and ratios.

1. ``mlp``: MLP 784-256-256-10, ReLU, softmax cross-entropy, batch 128, float32, one SGD step
   (forward, backward, update). numpy does the same math by hand with the same BLAS: the plain
   spelling (``@``, ``.sum``, ``.max``: the floor the targets are set against), and a "tuned"
   one with the faster numpy calls that chainrule's ops use, to show the engine's own share.
2. ``deep``: the same step on an overhead-bound MLP: 20 layers 64 wide (64-64-...-64-10), batch 32.
3. ``tiny``: per-op overhead on 2x2 float32 tensors: ``a = x * y + z; a.sum().backward()``.
4. ``moons``: micrograd's moons MLP(2, [16, 16, 1]) (SVM max-margin loss + 1e-4 L2 on all
   parameters, learning rate 1 - 0.9 k / 100) with the 100 points as one batch, float64.

BLAS runs on one thread (OPENBLAS_NUM_THREADS etc. are set before numpy is imported, and torch
gets ``set_num_threads(1)``).

A full collection (``gc.collect()``) runs before each timed repetition, so that no side pays for
another's garbage. The objects that exist before the timings start (the imported modules, with
PyTorch's 160,000 objects, and the workloads) are frozen first (``gc.freeze()``), so that this
collection walks only what the steps left behind. Without the freeze it walked every object of
PyTorch's before each step and evicted every cache, the last level included, so the ratios
depended on whether PyTorch was installed: the 20x64 step took chainrule 1,236-1,270 us and
numpy 918-933 us with torch imported (1.33-1.38x), and 969 against 859-872 us without it
(1.11-1.13x); in a loop of steps, as in training, 571-573 against 469-473 us (1.21-1.22x).
``--no-freeze`` measures the old way.

Run from the repository root:

    python benchmarks/bench_tensor.py [--reps 30] [--only mlp,deep,tiny,moons] [--no-freeze]
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import gc  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from chainrule import autograd, nn  # noqa: E402
from chainrule.autograd import Tensor  # noqa: E402
from chainrule.nn import functional as F  # noqa: E402

try:
    import torch
except ImportError:  # the other sides still run
    torch = None


# --- workloads: data and initial parameters, shared by every side ---


DEEP = (64,) * 20 + (10,)  # the overhead-bound MLP: 20 layers, 64 wide


def mlp_setup(seed: int = 0, batch: int = 128, sizes=(784, 256, 256, 10)) -> dict:
    r = np.random.default_rng(seed)
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:], strict=True):
        params.append((r.standard_normal((fan_in, fan_out)) * np.sqrt(2 / fan_in)).astype("f4"))
        params.append(np.zeros(fan_out, dtype="f4"))
    x = r.standard_normal((batch, sizes[0])).astype("f4")
    y = r.integers(0, sizes[-1], batch)
    return {"params": params, "x": x, "y": y, "lr": 0.01}


def moons_setup(seed: int = 0, n: int = 100) -> dict:
    """Two interleaved half circles with noise (labels -1/+1), and MLP(2, [16, 16, 1]) weights."""
    r = np.random.default_rng(seed)
    t = r.uniform(0, np.pi, n // 2)
    upper = np.c_[np.cos(t), np.sin(t)]
    lower = np.c_[1 - np.cos(t), 0.5 - np.sin(t)]
    x = np.concatenate([upper, lower]) + r.normal(0, 0.1, (n, 2))
    y = np.r_[-np.ones(n // 2), np.ones(n // 2)].reshape(n, 1)
    params = []
    for fan_in, fan_out in ((2, 16), (16, 16), (16, 1)):
        params += [r.uniform(-1, 1, (fan_in, fan_out)), np.zeros(fan_out)]
    return {"params": params, "x": x, "y": y}


# --- hand-written numpy ---


def numpy_mlp_step(s: dict) -> float:
    """The MLP step with every derivative written out (the floor for a numpy engine)."""
    params, x, y, n = s["params"], s["x"], s["y"], len(s["y"])
    hs, h = [], x  # each layer's input
    for i in range(0, len(params), 2):
        hs.append(h)
        z = h @ params[i] + params[i + 1]
        h = np.maximum(z, 0) if i + 2 < len(params) else z
    shifted = z - z.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    total = e.sum(axis=1, keepdims=True)
    logp = shifted - np.log(total)
    loss = -logp[np.arange(n), y].mean()
    d = e / total  # d loss / d logits = (softmax - onehot) / n
    d[np.arange(n), y] -= 1
    d /= n
    grads = []
    for i in range(len(params) - 2, -1, -2):
        grads += [d.sum(0), hs[i // 2].T @ d]
        if i:
            d = (d @ params[i].T) * (hs[i // 2] > 0)  # relu's derivative: its output > 0
    lr = s["lr"]
    for p, g in zip(params, reversed(grads), strict=True):
        p -= lr * g
    return float(loss)


def numpy_mlp_step_tuned(s: dict) -> float:
    """The same step by hand with the numpy calls chainrule's ops now use (``np.dot`` for the
    products, a row-major copy of a small transposed ``W``, sums as products with a vector of
    ones, each row's maximum read at its argmax): not the target's floor, which is the plain
    spelling above, but what is left of chainrule's ratio to it is the engine's own cost."""
    params, x, y, n = s["params"], s["x"], s["y"], len(s["y"])
    hs, h = [], x
    for i in range(0, len(params), 2):
        hs.append(h)
        z = np.dot(h, params[i])
        z += params[i + 1]
        h = np.maximum(z, 0) if i + 2 < len(params) else z
    k = z.shape[1]
    rows = np.arange(n)
    shifted = z - z[rows, z.argmax(axis=1)][:, None]
    e = np.exp(shifted)
    total = np.dot(e, np.ones(k, e.dtype))[:, None]
    loss = (np.log(total[:, 0]) - shifted[rows, y]).mean()
    d = e / total
    d[rows, y] -= 1
    d /= n
    ones = np.ones(n, d.dtype)
    grads = []
    for i in range(len(params) - 2, -1, -2):
        grads += [np.dot(ones, d), np.dot(hs[i // 2].T, d)]
        if i:
            w = params[i]
            wt = np.ascontiguousarray(w.T) if w.nbytes <= 16384 else w.T
            d = np.dot(d, wt) * (hs[i // 2] > 0)
    lr = s["lr"]
    for p, g in zip(params, reversed(grads), strict=True):
        p -= lr * g
    return float(loss)


# --- chainrule ---


def tensors(s: dict) -> list[Tensor]:
    return [Tensor(p, requires_grad=True) for p in s["params"]]


def ours_mlp_step(s: dict, ps: list[Tensor]) -> float:
    """The step as a user writes it with nn.functional on nn.Linear's parameters (weights
    (out, in), as in PyTorch); ``F.linear`` and ``F.cross_entropy`` are one node each."""
    y = s["y"]
    h = s["x"]
    for i in range(0, len(ps), 2):
        h = F.linear(h, ps[i], ps[i + 1])
        if i + 2 < len(ps):
            h = F.relu(h)
    loss = F.cross_entropy(h, y)
    for p in ps:
        p.grad = None
    loss.backward()
    lr = s["lr"]
    for p in ps:
        p.data -= lr * p.grad
    return loss.item()


def ours_mlp_step_raw(s: dict, ps: list[Tensor]) -> float:
    """The same step spelled with primitives: ``h @ W + b`` with W (in, out), and the loss as
    log_softmax, an index and a mean (three nodes a layer, four for the loss)."""
    y = s["y"]
    h = s["x"]
    for i in range(0, len(ps), 2):
        h = h @ ps[i] + ps[i + 1]
        if i + 2 < len(ps):
            h = h.relu()
    loss = -h.log_softmax(axis=1)[np.arange(len(y)), y].mean()
    for p in ps:
        p.grad = None
    loss.backward()
    lr = s["lr"]
    for p in ps:
        p.data -= lr * p.grad
    return loss.item()


def out_in(s: dict) -> list[Tensor]:
    """The MLP's parameters as ``nn.Linear`` layers hold them: each weight (out, in), as in
    PyTorch, stored the way nn.Linear stores it (column-major: see ``nn/layers.py``)."""
    ps = []
    for w, b in zip(s["params"][::2], s["params"][1::2], strict=True):
        layer = nn.Linear(*w.shape, dtype=w.dtype)
        layer.weight.data[...] = w.T
        layer.bias.data[...] = b
        ps += [layer.weight, layer.bias]
    return ps


def ours_moons_step(s: dict, ps: list[Tensor], k: int) -> float:
    w1, b1, w2, b2, w3, b3 = ps
    scores = ((s["x"] @ w1 + b1).relu() @ w2 + b2).relu() @ w3 + b3
    data_loss = (1 - s["y"] * scores).relu().mean()
    reg = 1e-4 * sum((p * p).sum() for p in ps)
    total = data_loss + reg
    for p in ps:
        p.grad = None
    total.backward()
    lr = 1.0 - 0.9 * k / 100
    for p in ps:
        p.data -= lr * p.grad
    return total.item()


def ours_tiny(x: Tensor, y: Tensor, z: Tensor) -> None:
    a = x * y + z
    a.sum().backward()


# --- PyTorch ---


def torch_params(s: dict) -> list:
    return [torch.tensor(p, requires_grad=True) for p in s["params"]]


def torch_out_in(s: dict) -> list:
    """The parameters with weights (out, in), row-major, as torch.nn.Linear stores them."""
    return [torch.tensor(np.ascontiguousarray(p.T) if p.ndim == 2 else p, requires_grad=True)
            for p in s["params"]]


def torch_mlp_step(s: dict, ps: list, x, y) -> float:
    """The step as a PyTorch user writes it: ``F.linear``, ``relu`` and ``F.cross_entropy``."""
    tf = torch.nn.functional
    h = x
    for i in range(0, len(ps), 2):
        h = tf.linear(h, ps[i], ps[i + 1])
        if i + 2 < len(ps):
            h = tf.relu(h)
    loss = tf.cross_entropy(h, y)
    for p in ps:
        p.grad = None
    loss.backward()
    with torch.no_grad():
        for p in ps:
            p -= s["lr"] * p.grad
    return loss.item()


def torch_moons_step(ps: list, x, y, k: int) -> float:
    w1, b1, w2, b2, w3, b3 = ps
    scores = torch.relu(torch.relu(x @ w1 + b1) @ w2 + b2) @ w3 + b3
    data_loss = torch.relu(1 - y * scores).mean()
    reg = 1e-4 * sum((p * p).sum() for p in ps)
    total = data_loss + reg
    for p in ps:
        p.grad = None
    total.backward()
    lr = 1.0 - 0.9 * k / 100
    with torch.no_grad():
        for p in ps:
            p -= lr * p.grad
    return total.item()


def torch_tiny(x, y, z) -> None:
    a = x * y + z
    a.sum().backward()


# --- timing ---


FREEZE = True  # gc.freeze() before timing (see the module's docstring); --no-freeze: False


def interleaved(sides: dict, reps: int, inner: int = 1) -> dict:
    """(median, min) seconds per call of each side; sides take turns in a rotating order."""
    names = list(sides)
    times: dict = {n: [] for n in names}
    for fn in sides.values():  # warm-up
        fn()
    gc.collect()
    if FREEZE:
        gc.freeze()  # what exists now is left out of the collections below
    try:
        for r in range(reps):
            for n in names[r % len(names):] + names[: r % len(names)]:
                fn = sides[n]
                gc.collect()
                t0 = time.process_time()
                for _ in range(inner):
                    fn()
                times[n].append((time.process_time() - t0) / inner)
    finally:
        gc.unfreeze()
    return {n: (statistics.median(t), min(t)) for n, t in times.items()}


def report(title: str, res: dict, base: str) -> None:
    """One line per side: median and fastest time, and both as ratios to ``base``."""
    print(title)
    for n, (med, best) in res.items():
        unit, scale = ("us", 1e6) if res[base][0] < 1e-3 else ("ms", 1e3)
        ratio = "" if n == base else (
            f"   {med / res[base][0]:.2f}x {base} (min {best / res[base][1]:.2f}x)")
        print(f"  {n:30s} median {med * scale:8.2f} {unit}, min {best * scale:8.2f} {unit}{ratio}")


def bench_mlp(reps: int, inner: int = 1, **shape: Any) -> dict:
    s_np, s_us, s_raw = mlp_setup(**shape), mlp_setup(**shape), mlp_setup(**shape)
    s_tuned = mlp_setup(**shape)
    sides = {"numpy (by hand)": lambda: numpy_mlp_step(s_np),
             "numpy (tuned calls)": lambda: numpy_mlp_step_tuned(s_tuned)}
    ps, pr = out_in(s_us), tensors(s_raw)
    sides["chainrule (F.linear)"] = lambda: ours_mlp_step(s_us, ps)
    sides["chainrule (h @ W + b)"] = lambda: ours_mlp_step_raw(s_raw, pr)
    if torch is not None:
        s_p = mlp_setup(**shape)
        pp, xp, yp = torch_out_in(s_p), torch.tensor(s_p["x"]), torch.tensor(s_p["y"])
        sides["pytorch (F.linear)"] = lambda: torch_mlp_step(s_p, pp, xp, yp)
    return interleaved(sides, reps, inner)


def bench_tiny(reps: int) -> dict:
    r = np.random.default_rng(0)
    arrays = [r.standard_normal((2, 2)).astype("f4") for _ in range(3)]
    xs = [Tensor(a, requires_grad=True) for a in arrays]
    sides = {"chainrule": lambda: ours_tiny(*xs)}
    if torch is not None:
        ts = [torch.tensor(a, requires_grad=True) for a in arrays]
        sides["pytorch"] = lambda: torch_tiny(*ts)
    return interleaved(sides, reps, inner=200)


def bench_moons(reps: int) -> dict:
    s_us = moons_setup()
    ps = tensors(s_us)
    counter = {"us": 0, "torch": 0}

    def ours():
        counter["us"] += 1
        ours_moons_step(s_us, ps, counter["us"] % 100)

    sides = {"chainrule": ours}
    if torch is not None:
        s_t = moons_setup()
        pt, xt, yt = torch_params(s_t), torch.tensor(s_t["x"]), torch.tensor(s_t["y"])

        def theirs():
            counter["torch"] += 1
            torch_moons_step(pt, xt, yt, counter["torch"] % 100)

        sides["pytorch"] = theirs
    return interleaved(sides, reps, inner=10)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=30)
    ap.add_argument("--only", default="mlp,deep,tiny,moons")
    ap.add_argument("--steps", type=int, default=1,
                    help="MLP steps per timing (1: each step right after a full collection, "
                         "cold caches; 10: a run of steps as in a training loop)")
    ap.add_argument("--no-freeze", action="store_true",
                    help="do not gc.freeze() the objects that exist before timing (the method "
                         "before session 4: each collection walks PyTorch's objects too)")
    args = ap.parse_args()
    global FREEZE
    FREEZE = not args.no_freeze
    if torch is not None:
        torch.set_num_threads(1)
    try:
        from threadpoolctl import threadpool_info

        blas = ", ".join(f"{i['internal_api']} {i.get('architecture', '')} "
                         f"{i['num_threads']} thread(s)" for i in threadpool_info())
    except ImportError:
        blas = "threadpoolctl not installed"
    print(f"numpy {np.__version__} ({blas}); "
          f"torch {torch.__version__ if torch else 'not installed'}; "
          f"autograd: {autograd.__file__}; gc.freeze before timing: {FREEZE}")
    only = args.only.split(",")
    if "mlp" in only:
        res = bench_mlp(args.reps, args.steps)
        report("MLP 784-256-256-10, batch 128, float32, one SGD step:", res, "numpy (by hand)")
        if "pytorch (F.linear)" in res:
            ours, theirs = res["chainrule (F.linear)"], res["pytorch (F.linear)"]
            print(f"  chainrule / pytorch: median {ours[0] / theirs[0]:.2f}, "
                  f"min {ours[1] / theirs[1]:.2f}")
    if "deep" in only:
        res = bench_mlp(args.reps, args.steps, batch=32, sizes=DEEP)
        report("MLP 20 layers of 64 (64-64-...-64-10), batch 32, float32, one SGD step:", res,
               "numpy (by hand)")
    if "tiny" in only:
        report("2x2 float32: a = x * y + z; a.sum().backward()  (per iteration):",
               bench_tiny(args.reps), "chainrule")
    if "moons" in only:
        report("moons MLP(2, [16, 16, 1]), 100 points as one batch, float64, one step:",
               bench_moons(args.reps), "chainrule")


if __name__ == "__main__":
    main()
