"""A classroom on one playground server: N students training at once, as their pages do.

The server runs as its own process (``python -m chainrule.playground``, as a teacher starts it);
this script plays N students from threads. Each student opens a session (its own seed, the
default set-up: moons, 300 points, a 2-8-8-1 tanh network, batch 10) and then trains for the
whole run the way the page does while playing (``/api/meta``'s ``pace``, app.js ``loop``): one
step request at a time on one kept-alive connection (as a browser tab), each asking for up to
an epoch within the pace's time budget and sending the last answer's ``history_cursor`` (so
only the new loss points come back); the next request starts no sooner than ``frame_ms`` after
the last one did, nor, when the answer says the server was shared with other step requests
(``sharing`` > 1), sooner than ``spread`` times the smoothed round trip (0.7 old + 0.3 new);
then a 16 ms animation frame. Every ``--poll`` seconds a student also asks for a neuron's map (a
pointer resting on the network), and a teacher's page lists all sessions every 2 s.

Reported: errors (any non-2xx answer or failed connection), the step requests' latency (median,
p90, p99, max, from sending to the whole answer read), the batches trained, the server's CPU time
(in all and per step request: the figure to compare on a shared machine) and its resident
memory (start, peak, end; read from /proc), so that memory is seen to stay bounded. Run it on an
otherwise quiet machine; the figures in benchmarks/README.md say what else ran.

    python benchmarks/load_playground.py [--students 30] [--seconds 60]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from chainrule.playground.client import ApiError, Client


def start_server(classroom: bool) -> tuple[subprocess.Popen, str, str | None]:
    """The playground in its own process; returns it, its URL and the teacher's URL."""
    args = [sys.executable, "-m", "chainrule.playground", "--port", "0", "--no-browser"]
    if classroom:
        args.append("--classroom")
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    url = proc.stdout.readline().split(" at ")[1].split()[0]
    teacher = proc.stdout.readline().split(": ", 1)[1].strip() if classroom else None
    return proc, url, teacher


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Student(threading.Thread):
    def __init__(self, k: int, url: str, pace: dict, end: float, poll: float) -> None:
        super().__init__(daemon=True)
        self.k, self.url, self.pace, self.end, self.poll = k, url, pace, end, poll
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.batches = 0

    def run(self) -> None:
        rng = random.Random(self.k)
        c = Client(self.url, timeout=30, keep_alive=True)  # one connection, as a browser tab
        try:
            first = c.create(f"seed={self.k}")
        except (ApiError, OSError) as e:
            self.errors.append(f"create: {e!r}")
            return
        steps = max(1, min(first["setup"]["batches_per_epoch"], self.pace["max_steps"]))
        next_poll = time.monotonic() + rng.uniform(0, self.poll)
        cursor, smoothed = first["snapshot"]["history_cursor"], None
        while time.monotonic() < self.end:
            start = time.monotonic()
            sharing = 1
            try:
                answer = c.step(steps, self.pace["budget_ms"], cursor)
                self.batches += answer["ran"]
                cursor, sharing = answer["snapshot"]["history_cursor"], answer["sharing"]
            except (ApiError, OSError, ValueError) as e:
                self.errors.append(f"step: {e!r}")
            done = time.monotonic()
            self.latencies.append(done - start)
            took = done - start
            smoothed = took if smoothed is None else 0.7 * smoothed + 0.3 * took
            if done >= next_poll:
                next_poll = done + self.poll
                try:
                    c.neuron_map(rng.randrange(2), rng.randrange(8))
                except (ApiError, OSError, ValueError) as e:
                    self.errors.append(f"map: {e!r}")
            interval = self.pace["frame_ms"] / 1000
            if sharing > 1:  # a busy server: ask less often (the page's pace.spread)
                interval = max(interval, self.pace["spread"] * smoothed)
            wait = interval - (time.monotonic() - start)
            time.sleep(max(0.0, wait) + 0.016)  # the page's wait, then an animation frame


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--poll", type=float, default=5.0,
                        help="seconds between a student's neuron-map requests")
    parser.add_argument("--spread", type=float, default=None,
                        help="try another pace.spread than the server's (what-if runs)")
    args = parser.parse_args()
    proc, url, teacher = start_server(classroom=True)
    try:
        meta = Client(url).meta()
        if args.spread is not None:
            meta["pace"]["spread"] = args.spread
        rss = [rss_mb(proc.pid)]
        cpu0 = cpu_seconds(proc.pid)
        end = time.monotonic() + args.seconds
        students = [Student(k, url, meta["pace"], end, args.poll) for k in range(args.students)]
        for s in students:
            s.start()
        token = teacher.split("token=")[1]
        teacher_errors, listings = [], 0
        while time.monotonic() < end:
            time.sleep(2.0)
            rss.append(rss_mb(proc.pid))
            status, _, body = Client(url).raw("GET", "/api/teacher/sessions", None,
                                              {"X-Teacher-Token": token})
            if status != 200:
                teacher_errors.append(status)
            else:
                listings = len(json.loads(body)["sessions"])
        for s in students:
            s.join(60)
        cpu = cpu_seconds(proc.pid) - cpu0
        rss.append(rss_mb(proc.pid))
    finally:
        proc.terminate()
        proc.wait(10)
    lat = sorted(x for s in students for x in s.latencies)
    errors = [e for s in students for e in s.errors]
    q = statistics.quantiles(lat, n=100)
    batches = sum(s.batches for s in students)
    print(f"{args.students} students for {args.seconds:.0f} s on one server "
          f"(pace {meta['pace']}):")
    print(f"  errors                {len(errors) + len(teacher_errors)}"
          + (f"   e.g. {errors[:3]}" if errors else ""))
    print(f"  step requests         {len(lat):,}  ({len(lat) / args.seconds:.1f} per second)")
    print(f"  step latency          median {1000 * statistics.median(lat):.0f} ms, "
          f"p90 {1000 * q[89]:.0f} ms, p99 {1000 * q[98]:.0f} ms, max {1000 * lat[-1]:.0f} ms")
    print(f"  batches trained       {batches:,}  ({batches / args.students / args.seconds:.1f} "
          "per student per second)")
    print(f"  server CPU time       {cpu:.1f} s  ({cpu / args.seconds:.2f} cores, "
          f"{1000 * cpu / len(lat):.2f} ms per step request)")
    print(f"  server memory (RSS)   start {rss[0]:.0f} MB, peak {max(rss):.0f} MB, "
          f"end {rss[-1]:.0f} MB")
    print(f"  teacher's list        {listings} sessions listed")


if __name__ == "__main__":
    main()
