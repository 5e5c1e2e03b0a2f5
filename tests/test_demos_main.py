"""The main job (``make demo`` = ``python -m chainrule.demos`` = ``chainrule demo moons``)."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from chainrule import nn
from chainrule.demos import moons

pytest.importorskip("matplotlib")

ROOT = Path(__file__).resolve().parent.parent
FILES = ["sample_graph.svg", "neuron_backprop.html", "neuron_graph.svg", "decision_boundary.png",
         "decision_boundary.svg", "loss_curve.png"]


def test_main_job_writes_every_picture(tmp_path):
    report = moons.run(tmp_path / "out", quick=True)
    assert [p.name for p in report.files] == FILES
    assert all(p.parent == tmp_path / "out" and p.stat().st_size > 1000 for p in report.files)
    sample = (tmp_path / "out" / "sample_graph.svg").read_text()
    # the 16 neurons of a hidden layer fold into one card (viz's default when collapsed)
    assert "layers.0.neurons \u00d7 16" in sample and "layers.2.neurons.0" in sample
    neuron = (tmp_path / "out" / "neuron_graph.svg").read_text()
    assert "dL/dout" in neuron and "relu" in neuron
    page = (tmp_path / "out" / "neuron_backprop.html").read_text()
    assert page.startswith("<!DOCTYPE html>") and "ChainruleViewer" in page  # draws its SVG
    assert len(report.results["loss"]) == 3  # three quick steps


def test_the_neuron_picture_carries_the_samples_gradients():
    """The rebuilt neuron's backward pass gives its weights the very gradients that the sample's
    loss gives them in the whole network."""
    X, y = nn.data.make_moons(24, noise=0.1, signed=True, seed=0)
    model = nn.MLP(2, moons.SIZES, seed=0)
    sample = moons.one_sample(model, X, y)
    assert sample["loss"].data > 0
    root, j = moons.neuron_root(model, sample)
    root.backward()
    cell = model.layers[0].neurons[j]
    z = root.parents[0].parents[0]  # root = out * g, out = relu(z)
    ws = {v.label: v for v in _leaves(z)}
    for w in cell.w:
        assert ws[w.label].grad != 0
        assert abs(ws[w.label].grad - w.grad) < 1e-12
    assert abs(ws[cell.b.label].grad - cell.b.grad) < 1e-12


def _leaves(node):
    seen, stack, out = set(), [node], []
    while stack:
        n = stack.pop()
        if id(n) in seen:
            continue
        seen.add(id(n))
        if n.parents:
            stack.extend(n.parents)
        else:
            out.append(n)
    return out


def test_python_dash_m_demos_writes_to_chainrule_out(tmp_path):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), *sys.path]), MPLBACKEND="Agg")
    done = subprocess.run([sys.executable, "-m", "demos", "--quick"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    folder = Path("chainrule-out") / "moons"
    for name in FILES:
        assert (tmp_path / folder / name).is_file()
    tail = done.stdout.strip().splitlines()[-len(FILES) - 1:]
    assert tail[0] == "files written:"
    assert [line.strip() for line in tail[1:]] == [str(folder / n) for n in FILES]
    assert "training accuracy:" in done.stdout


@pytest.mark.skipif(not os.environ.get("CHAINRULE_SLOW"), reason="set CHAINRULE_SLOW=1: ~20-40 s")
def test_the_full_main_job_reaches_100_percent_within_a_minute(tmp_path):
    start = time.perf_counter()
    report = moons.run(tmp_path)
    assert time.perf_counter() - start < 60
    assert report.results["accuracy"] == 1.0
    assert report.results["loss"][-1] < 0.05
