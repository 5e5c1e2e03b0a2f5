"""What one step request of the playground costs, each saving measured against what it replaced,
both sides interleaved in this one process (CPU time, medians and ranges of --runs runs).

    picture pass   the 11,024 lattice points (100 x 100 map, 32 x 32 thumbnails) through the
                   default 2-8-8-1 tanh network: float64 on the model itself, against the
                   float32 ``pictures.drawing_model``
    step answer    ``Api.handle`` of a one-batch step request with a full loss history (600
                   points): the whole history in every answer, against ``history_since`` (only
                   the new points); the answer's size too
    connection     the server's CPU per request (a server process, read from /proc) for a new
                   connection per request, against one kept-alive connection as a browser keeps;
                   and the kept-alive round trip, which Nagle's algorithm held ~40 ms before the
                   server set TCP_NODELAY

    python benchmarks/playground_request.py [--runs 5] [--requests 300]
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

from chainrule import autograd
from chainrule.playground import config, pictures
from chainrule.playground.api import Api, Request
from chainrule.playground.client import Client

sys.path.insert(0, str(Path(__file__).parent))
from load_playground import cpu_seconds, start_server  # noqa: E402

JSON = {"content-type": "application/json"}


def cpu_ms(fn, n: int) -> float:
    start = time.process_time()
    for _ in range(n):
        fn()
    return 1000 * (time.process_time() - start) / n


def summary(xs: list[float], unit: str = "ms") -> str:
    return f"{statistics.median(xs):.3f} {unit} ({min(xs):.3f}-{max(xs):.3f})"


def picture_pass(runs: int, n: int) -> None:
    t = Api().sessions.create(config.from_query("seed=3")[0]).trainer
    t.step(200)
    feat = tuple(t.config["feat"])
    X64 = pictures.lattice_features(feat, pictures.GRID, pictures.THUMB).astype(np.float64)
    X32 = pictures.lattice_features(feat, pictures.GRID, pictures.THUMB)

    def wide() -> None:
        with autograd.no_grad(), np.errstate(all="ignore"):
            t.model.layer_outputs(X64)

    def narrow() -> None:
        pictures.activations(t, X32)

    a, b = [], []
    for _ in range(runs):
        a.append(cpu_ms(wide, n))
        b.append(cpu_ms(narrow, n))
    print(f"picture pass    float64 {summary(a)}   float32 {summary(b)}   "
          f"{statistics.median(a) / statistics.median(b):.1f}x")


def step_answer(runs: int, n: int) -> None:
    api = Api()
    answer = api.handle(Request("POST", "/api/session", {}, b'{"query": "seed=3"}', JSON))
    sid = json.loads(answer.body)["setup"]["session"]
    path = f"/api/session/{sid}/step"
    cursor = [None]

    def step(delta: bool) -> int:
        body = {"steps": 1, **({"history_since": cursor[0]} if delta and cursor[0] else {})}
        res = api.handle(Request("POST", path, {}, json.dumps(body).encode(), JSON))
        cursor[0] = json.loads(res.body)["snapshot"]["history_cursor"]
        return len(res.body)

    for _ in range(650):  # a full history (it is thinned at 600 points)
        step(False)
    a, b, size_a, size_b = [], [], [], []
    for _ in range(runs):
        a.append(cpu_ms(lambda: size_a.append(step(False)), n))
        b.append(cpu_ms(lambda: size_b.append(step(True)), n))
    print(f"step answer     whole history {summary(a)} ({statistics.median(size_a):,.0f} bytes)"
          f"   new points only {summary(b)} ({statistics.median(size_b):,.0f} bytes)"
          "   (the client's json.loads included)")


def connections(runs: int, n: int) -> None:
    proc, url, _ = start_server(classroom=False)
    try:
        c = Client(url)
        c.create("seed=1")
        path = c._path("/inbox?since=0")
        fresh, kept, trip = [], [], []
        for _ in range(runs):
            cpu = cpu_seconds(proc.pid)
            for _ in range(n):
                c.raw("GET", path)
            fresh.append(1000 * (cpu_seconds(proc.pid) - cpu) / n)
            conn = http.client.HTTPConnection(c.host, c.port)
            cpu, wall = cpu_seconds(proc.pid), time.perf_counter()
            for _ in range(n):
                conn.request("GET", path)
                conn.getresponse().read()
            trip.append(1000 * (time.perf_counter() - wall) / n)
            kept.append(1000 * (cpu_seconds(proc.pid) - cpu) / n)
            conn.close()
    finally:
        proc.terminate()
        proc.wait(10)
    print(f"connection      server CPU: new each time {summary(fresh)}   kept alive "
          f"{summary(kept)}   kept-alive round trip {summary(trip)} (wall)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    picture_pass(args.runs, args.requests)
    step_answer(args.runs, args.requests)
    connections(args.runs, args.requests)


if __name__ == "__main__":
    main()
