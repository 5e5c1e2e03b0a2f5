"""The playground's step: what the server does for one "step" request, and its 50 ms budget.

Workload (issue 7): a 2-8-8-1 tanh network on 500 training points (moons), one full-batch Adam
step, then the decision-boundary heatmap recomputed. "Server-side" is everything the server does
for a step request except the socket: ``session.step(1)`` (forward, BCE loss, backward, update on
the Tensor engine), ``session.snapshot()`` (train and test loss and accuracy, the 64 x 64
boundary map, every neuron's 32 x 32 map, the weights) and ``json.dumps`` of the answer. Also
timed: the two halves alone, a round trip over HTTP on 127.0.0.1, and the engine's share (the
step plus one forward pass over the map lattices) against the same written with PyTorch (float64,
one thread, same data and initial weights) where it is installed, runs interleaved in this
process. Medians over ``--runs`` runs.

    python benchmarks/bench_playground.py [--runs 200]

BLAS runs on one thread (as in ``bench_tensor.py``); if your shell sets ``OPENBLAS_CORETYPE``,
run it with ``env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")  # one BLAS thread on every side, as bench_tensor.py

import numpy as np  # noqa: E402

from chainrule.playground import config as C  # noqa: E402
from chainrule.playground import make_server  # noqa: E402
from chainrule.playground.client import Client  # noqa: E402
from chainrule.playground.features import transform  # noqa: E402
from chainrule.playground.pictures import GRID, THUMB, activations, lattice  # noqa: E402
from chainrule.playground.session import Session  # noqa: E402
from chainrule.playground.uploads import UploadStore  # noqa: E402

# 625 points, 20% held out: 500 training points, all in one batch
QUERY = "data=moons&n=625&test=0.2&layers=8,8&act=tanh&loss=bce&opt=adam&lr=0.01&batch=500"


def ms(seconds: list[float]) -> float:
    return 1000.0 * statistics.median(seconds)


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def torch_step(session: Session):
    """The same step and pictures in PyTorch, from the same data and initial weights."""
    import torch

    t = session.trainer
    X = torch.tensor(t.Xtr)
    y = torch.tensor(t.ytr)
    grid = torch.tensor(transform(np.concatenate([lattice(GRID), lattice(THUMB)]), ("x1", "x2")))
    layers = [torch.nn.Linear(a, b, dtype=torch.float64) for a, b in zip(t.sizes, t.sizes[1:])]
    with torch.no_grad():
        for i, layer in enumerate(layers):
            layer.weight.copy_(torch.tensor(t.model.state_dict()[f"layers.{i}.weight"]))
            layer.bias.copy_(torch.tensor(t.model.state_dict()[f"layers.{i}.bias"]))
    model = torch.nn.Sequential(layers[0], torch.nn.Tanh(), layers[1], torch.nn.Tanh(), layers[2])
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    loss_fn = torch.nn.BCEWithLogitsLoss()

    def step():
        opt.zero_grad()
        loss = loss_fn(model(X)[:, 0], y)
        loss.backward()
        opt.step()
        with torch.no_grad():
            h = grid
            maps = []
            for i, m in enumerate(model):
                h = m(h)
                if i % 2 == 1 or i == len(model) - 1:  # after each tanh, and the output
                    maps.append(h.numpy())
            return maps

    return step


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    session = Session("bench", C.from_query(QUERY)[0], UploadStore())
    assert len(session.trainer.ytr) == 500 and session.trainer.sizes == [2, 8, 8, 1]
    try:
        import torch

        torch.set_num_threads(1)
        reference = torch_step(Session("ref", C.from_query(QUERY)[0], UploadStore()))
    except ImportError:
        reference = None
    grid = transform(np.concatenate([lattice(GRID), lattice(THUMB)]), ("x1", "x2"))

    def engine():
        session.trainer.step(1)
        return activations(session.trainer, grid)

    full, train, pictures, ours, ref = [], [], [], [], []
    for _ in range(10):  # warm up both
        session.step(1)
        json.dumps(session.snapshot())
        if reference:
            reference()
    for _ in range(args.runs):
        full.append(timed(lambda: json.dumps(session.snapshot() | {"ran": session.step(1)})))
        train.append(timed(lambda: session.step(1)))
        pictures.append(timed(session.snapshot))
        if reference:
            ours.append(timed(engine))
            ref.append(timed(reference))
    server = make_server(port=0)
    server.start()
    try:
        client = Client(server.url)
        client.create(QUERY)
        http = [timed(lambda: client.step(1)) for _ in range(args.runs // 2)]
    finally:
        server.stop()
    print(f"playground step, 2-8-8-1 on 500 points (median of {args.runs}):")
    print(f"  server-side step + heatmap + JSON   {ms(full):7.2f} ms   (budget 50 ms)")
    print(f"    training step alone               {ms(train):7.2f} ms")
    print(f"    snapshot (losses, maps, weights)  {ms(pictures):7.2f} ms")
    print(f"  HTTP round trip on 127.0.0.1        {ms(http):7.2f} ms")
    if ref:
        print("  engine share: step + forward over the map lattices (5120 points)")
        print(f"    chainrule (Tensor engine)         {ms(ours):7.2f} ms")
        print(f"    PyTorch 2 (float64, 1 thread)     {ms(ref):7.2f} ms   "
              f"ratio chainrule / torch {ms(ours) / ms(ref):.2f}")
    print(f"  final train loss {session.trainer.evaluate()['train']['loss']:.4f}")


if __name__ == "__main__":
    main()
