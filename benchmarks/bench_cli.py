"""``chainrule graph``'s bounds (issue 11): what the deadline costs, and how fast it answers.

Three measurements, in one process:

1. the cost of drawing in a forked child (``cli.deadline.within``) against drawing in the process
   itself, on the README's expression written to SVG: runs alternate between the two, and CPU
   time counts the children's too;
2. the answer time for ``x*y`` repeated 150 times (301 values, over ``--max-nodes``): refused
   before any layout;
3. the answer time for ``x*y`` repeated 74 times (149 values, under the limit, and a layout that
   takes Graphviz far longer than the ``--timeout``): stopped at the timeout, ``dot`` with it.

    python benchmarks/bench_cli.py --runs 12
"""

from __future__ import annotations

import argparse
import contextlib
import io
import resource
import statistics
import tempfile
import time
from pathlib import Path

from chainrule import cli
from chainrule.cli import graph


def cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def run(argv: list[str]) -> tuple[int, float, float]:
    """(exit status, CPU seconds, wall seconds) of one in-process ``chainrule`` call."""
    c, w = cpu(), time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        code = cli.main(argv)
    return code, cpu() - c, time.perf_counter() - w


def summary(xs: list[float]) -> str:
    return f"median {statistics.median(xs) * 1000:.1f} ms (range {min(xs) * 1000:.1f}-" \
           f"{max(xs) * 1000:.1f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=12)
    args = parser.parse_args()
    out = str(Path(tempfile.mkdtemp()) / "g.svg")
    readme = ["graph", "tanh(x*w + b)", "x=2", "w=-0.5", "b=0.1", "-o", out]
    forked, direct = graph.within, lambda seconds, work: work()
    times: dict[str, list[tuple[float, float]]] = {"forked child": [], "in process": []}
    for i in range(2 * args.runs):
        name, within = (("forked child", forked), ("in process", direct))[i % 2]
        graph.within = within
        code, c, w = run(readme)
        assert code == 0
        times[name].append((c, w))
    graph.within = forked
    for name, xs in times.items():
        print(f"README expression to SVG, {name}: CPU {summary([c for c, _ in xs])}, "
              f"wall {summary([w for _, w in xs])}")
    wide = "+".join(["x*y"] * 150)
    refused = [run(["graph", wide, "x=1", "y=2", "-o", out]) for _ in range(args.runs)]
    assert all(code == 2 for code, _, _ in refused)
    print(f"x*y x150 (301 values, over --max-nodes): wall {summary([w for *_, w in refused])}")
    slow = "+".join(["x*y"] * 74)
    stopped = [run(["graph", slow, "x=1", "y=2", "-o", out]) for _ in range(3)]
    assert all(code == 2 for code, _, _ in stopped)
    print(f"x*y x74 (149 values, default --timeout 10): wall {summary([w for *_, w in stopped])}")


if __name__ == "__main__":
    main()
