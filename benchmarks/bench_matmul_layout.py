"""The numpy calls behind the tensor engine's products and reductions, side by side.

``autograd/tensor/linalg.py``'s ``matmul`` and ``autograd/rows.py`` choose between numpy calls
that give the same numbers at different speeds. This script measures each choice on the shapes
an MLP step meets (one BLAS thread; each variant timed in turns, 9 rounds of a batch of calls,
CPU time; the median per call in microseconds):

- ``a @ B`` for a column-major (transposed) ``B``: as it is (BLAS's transposed path), after a
  row-major copy of ``B`` (the copy included), and with ``B`` row-major already (the bound);
- ``np.matmul`` against ``np.dot`` for two matrices;
- sums and maxima along an axis: numpy's reduction against a product with a vector of ones,
  and the row maximum read at the row's argmax.

Run from the repository root: ``python benchmarks/bench_matmul_layout.py``.
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import statistics  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402

import numpy as np  # noqa: E402

# (rows of a, inner size, columns of B): the layers of the benchmarks' MLPs, the playground's
# maps (11024 points through 8-wide layers) and a few around them
SHAPES = [(32, 64, 64), (32, 64, 10), (8, 64, 64), (1, 64, 64), (256, 64, 64), (100, 16, 16),
          (128, 10, 256), (128, 256, 10), (64, 128, 128), (32, 256, 256), (128, 256, 256),
          (11024, 8, 8)]


def per_call(variants: dict[str, Callable[[], object]], rounds: int = 9) -> dict[str, float]:
    """Median CPU microseconds per call of each variant; the variants take turns."""
    number = {}
    for name, fn in variants.items():  # a batch of calls that takes about 2 ms
        t0 = time.process_time()
        fn()
        number[name] = max(1, min(2000, int(0.002 / max(time.process_time() - t0, 1e-7))))
    times: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(rounds):
        for name, fn in variants.items():
            t0 = time.process_time()
            for _ in range(number[name]):
                fn()
            times[name].append((time.process_time() - t0) / number[name] * 1e6)
    return {name: statistics.median(t) for name, t in times.items()}


def main() -> None:
    rng = np.random.default_rng(0)
    print("a @ B with B column-major, us per call: as it is | row-major copy first | "
          "B row-major already (bound)")
    for dtype in ("float32", "float64"):
        for m, k, n in SHAPES:
            a = rng.standard_normal((m, k)).astype(dtype)
            b = np.asfortranarray(rng.standard_normal((k, n)).astype(dtype))
            c = np.ascontiguousarray(b)
            t = per_call({"as is": lambda a=a, b=b: a @ b,
                          "copy": lambda a=a, b=b: a @ np.ascontiguousarray(b),
                          "bound": lambda a=a, c=c: a @ c})
            best = "copy" if t["copy"] < t["as is"] else "as is"
            print(f"  {dtype} ({m:5d}, {k:3d}) @ ({k:3d}, {n:3d}): {t['as is']:8.2f} | "
                  f"{t['copy']:8.2f} | {t['bound']:8.2f}   faster: {best}")
    print("np.matmul against np.dot, two row-major float32 matrices, us per call:")
    for m, k, n in [(32, 64, 64), (32, 64, 10), (128, 256, 10)]:
        a = rng.standard_normal((m, k)).astype("float32")
        b = rng.standard_normal((k, n)).astype("float32")
        t = per_call({"matmul": lambda a=a, b=b: np.matmul(a, b),
                      "dot": lambda a=a, b=b: np.dot(a, b)})
        print(f"  ({m}, {k}) @ ({k}, {n}): matmul {t['matmul']:.2f}, dot {t['dot']:.2f}")
    print("reductions of float32 matrices, us per call:")
    for m, k in [(32, 64), (32, 10), (128, 10), (128, 256)]:
        g = rng.standard_normal((m, k)).astype("float32")
        ones_m, ones_k = np.ones(m, "float32"), np.ones(k, "float32")
        starts = np.arange(0, m * k, k)
        t = per_call({
            "sum0": lambda g=g: g.sum(axis=0),
            "1ᵀg": lambda g=g, o=ones_m: np.dot(o, g),
            "sum1": lambda g=g: g.sum(axis=1, keepdims=True),
            "g1": lambda g=g, o=ones_k: np.dot(g, o).reshape(-1, 1),
            "max1": lambda g=g: g.max(axis=1, keepdims=True),
            "argmax": lambda g=g, s=starts: g.ravel().take(g.argmax(axis=1) + s).reshape(-1, 1),
        })
        print(f"  ({m}, {k}): column sums {t['sum0']:.2f} -> 1ᵀ·g {t['1ᵀg']:.2f}; row sums "
              f"{t['sum1']:.2f} -> g·1 {t['g1']:.2f}; row max {t['max1']:.2f} -> at argmax "
              f"{t['argmax']:.2f}")


if __name__ == "__main__":
    main()
