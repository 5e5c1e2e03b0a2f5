"""Lesson 10: deep learning is computationally expensive: what a training step costs, measured.

"Deep learning algorithms can be computationally expensive to train" ("Deep Learning
Explained"). Here is where the cost comes from. A dense layer from n_in to n_out neurons on a
batch of B examples is a matrix product: B * n_in * n_out multiply-adds forward, and twice that
backward (one product for dW = delta^T x, one for the gradient passed down, delta W), so a
training step costs about

    3 * B * sum over layers of n_in * n_out   multiply-adds

(the first layer skips the gradient of the input, which needs none: 2x there). Doubling the width
of the hidden layers multiplies the hidden-to-hidden terms by four; doubling the depth adds as
many layers again, so it doubles them. The lesson times one training step (forward, backward,
Adam update) of tensor-engine MLPs on a batch of 256 digit-sized inputs (64 in, 10 out), first
growing the width of 2 hidden layers from 16 to 1,024, then the depth from 1 to 16 hidden
layers of 256. Times are the CPU time of the process, on one thread when ``threadpoolctl`` is
installed (it comes with scikit-learn), the median of repeated runs, taken in turns (every size
once, then every size again) so that a busy moment of the machine slows all sizes alike.

Small networks cost more than their multiply-adds say: each layer also pays a fixed price in
Python (creating graph nodes, calling numpy) of some microseconds; large ones are dominated by
the matrix products, and their time follows the multiply-adds.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Sequence

import numpy as np

from chainrule import autograd, nn

from ._common import Report, figure, heading, lesson_main, output_dir, save, series_style

N_IN, N_OUT, BATCH = 64, 10, 256
WIDTHS = (16, 32, 64, 128, 256, 512, 1024)
DEPTHS = (1, 2, 4, 8, 16)
WIDTH_DEPTH, DEPTH_WIDTH = 2, 256


def sizes(width: int, depth: int) -> list[int]:
    """Layer sizes: N_IN, then ``depth`` hidden layers of ``width``, then N_OUT."""
    return [N_IN] + [width] * depth + [N_OUT]


def multiply_adds(layers: list[int], batch: int = BATCH) -> int:
    """Multiply-adds of a training step: 1x forward, 2x backward, no gradient for the input."""
    products = [a * b for a, b in zip(layers, layers[1:])]
    return batch * (3 * sum(products) - products[0])


class Step:
    """One model and its Adam optimizer, ready to take timed training steps."""

    def __init__(self, layers: list[int], rng: np.random.Generator) -> None:
        self.model = nn.MLP(layers[0], layers[1:], engine="tensor", seed=0)
        self.opt = nn.optim.Adam(self.model.parameters(), lr=1e-3)
        self.X = rng.random((BATCH, layers[0]))
        self.y = rng.integers(0, layers[-1], BATCH)
        self.macs = multiply_adds(layers)

    def seconds(self) -> float:
        """CPU seconds of one step: zero_grad, forward, loss, backward, update."""
        start = time.process_time()
        nn.train_step(self.model, self.X, self.y, "cross_entropy", self.opt)
        return time.process_time() - start


def one_thread() -> contextlib.AbstractContextManager:
    """numpy's matrix products on one thread, if threadpoolctl is installed (else unchanged).

    Idle BLAS threads spin, and a spinning thread's CPU time counts: on a shared machine, one
    thread gives steadier numbers (and "per core" is what the multiply-add rate means).
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return contextlib.nullcontext()
    return threadpool_limits(1)


def measure(configs: dict[str, list[int]], repeats: int) -> dict[str, dict]:
    """Median and range of the CPU time of a step of each config, measured in turns."""
    rng = np.random.default_rng(0)
    steps = {k: Step(layers, rng) for k, layers in configs.items()}
    times: dict[str, list[float]] = {k: [] for k in configs}
    with autograd.collector_paused(), one_thread():
        for s in steps.values():  # a first step warms up numpy and the caches
            s.seconds()
        for _ in range(repeats):
            for k, s in steps.items():
                times[k].append(s.seconds())
    return {k: {"macs": steps[k].macs, "median": float(np.median(t)), "min": min(t),
                "max": max(t)} for k, t in times.items()}


def run(out: str | os.PathLike | None = None, *, quick: bool = False) -> Report:
    """Time a training step as the width, then the depth, grows."""
    folder = output_dir("cost", out)
    report = Report()
    widths, depths, repeats = ((16, 64), (1, 2), 3) if quick else (WIDTHS, DEPTHS, 9)
    by_width = measure({w: sizes(w, WIDTH_DEPTH) for w in widths}, repeats)
    by_depth = measure({d: sizes(DEPTH_WIDTH, d) for d in depths}, repeats)

    for title, results, name in (
            (f"width of {WIDTH_DEPTH} hidden layers", by_width, "width"),
            (f"depth: hidden layers of {DEPTH_WIDTH}", by_depth, "depth")):
        heading(f"one training step, batch {BATCH}, as the {title} grows "
                f"(CPU ms, median of {repeats})")
        print(f"{name:>6} {'multiply-adds':>14} {'ms (median)':>12} {'range':>15} "
              f"{'ns per multiply-add':>20}")
        for k, r in results.items():
            print(f"{k:>6} {r['macs']:>14,} {r['median'] * 1e3:>12.2f} "
                  f"{r['min'] * 1e3:>7.2f}-{r['max'] * 1e3:<7.2f} "
                  f"{r['median'] / r['macs'] * 1e9:>20.3f}")
    w0, w1 = widths[-2], widths[-1]
    growth = {"width": by_width[w1]["median"] / by_width[w0]["median"],
              "width_macs": by_width[w1]["macs"] / by_width[w0]["macs"],
              "depth": by_depth[depths[-1]]["median"] / by_depth[depths[-2]]["median"],
              "depth_macs": by_depth[depths[-1]]["macs"] / by_depth[depths[-2]]["macs"]}
    print(f"\nwidth {w0} -> {w1}: {growth['width_macs']:.1f}x the multiply-adds, "
          f"{growth['width']:.1f}x the time; depth {depths[-2]} -> {depths[-1]}: "
          f"{growth['depth_macs']:.1f}x the multiply-adds, {growth['depth']:.1f}x the time")
    save(_figure(by_width, by_depth, growth, (w0, w1)), folder / "cost.png", report)
    report.results.update(by_width=by_width, by_depth=by_depth, growth=growth)
    return report


def _figure(by_width: dict, by_depth: dict, growth: dict, pair: tuple[int, int]):
    from chainrule.viz.plots import legend_outside, log_axis

    fig, ((a, b),) = figure(1, 2, size=(12, 5))
    for k, (results, label) in enumerate(((by_width, f"width ({WIDTH_DEPTH} hidden layers)"),
                                          (by_depth, f"depth (hidden layers of {DEPTH_WIDTH})"))):
        macs = np.array([r["macs"] for r in results.values()], float)
        ms = np.array([r["median"] for r in results.values()]) * 1e3
        low = np.array([r["min"] for r in results.values()]) * 1e3
        high = np.array([r["max"] for r in results.values()]) * 1e3
        style = series_style(k)
        a.errorbar(macs, ms, yerr=[ms - low, high - ms], linewidth=2, markersize=8, capsize=3,
                   label=label, **style)
        for (name, _), x, y in zip(results.items(), macs, ms, strict=True):
            a.annotate(str(name), (x, y), textcoords="offset points",
                       xytext=(-10, 8) if k == 0 else (8, -16), color=style["color"])
        b.plot(macs, ms * 1e6 / macs, linewidth=2, markersize=8, label=label, **style)
    for ax in (a, b):
        ax.set_xscale("log")
        log_axis(ax, "x")
        ax.set_xlabel("multiply-adds per step (log)")
        ax.grid(alpha=0.3, which="major")
    log_axis(a)
    log_axis(b)
    a.set_ylabel("CPU ms per training step (log)")
    a.set_title(f"labels: the width or the depth (batch {BATCH})")
    b.set_ylabel("ns per multiply-add (log)")
    b.set_title("small networks pay overhead")
    legend_outside(b)
    fig.suptitle(f"a training step's time follows its multiply-adds (width {pair[0]} -> {pair[1]}: "
                 f"{growth['width_macs']:.1f}x the multiply-adds, {growth['width']:.1f}x the time)")
    return fig


def main(argv: Sequence[str] | None = None) -> int:
    return lesson_main(__name__, __doc__, run, argv)


if __name__ == "__main__":
    raise SystemExit(main())
