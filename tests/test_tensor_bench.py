"""The Tensor benchmark's sides compute the same thing (else its ratios would mean nothing)."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

PATH = Path(__file__).resolve().parent.parent / "benchmarks" / "bench_tensor.py"
spec = importlib.util.spec_from_file_location("bench_tensor", PATH)
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)


def test_mlp_step_matches_the_hand_written_numpy_step():
    s_np, s_raw, s_us = (bench.mlp_setup(batch=16) for _ in range(3))
    pr, ps = bench.tensors(s_raw), bench.out_in(s_us)
    for _ in range(2):
        loss_np = bench.numpy_mlp_step(s_np)
        assert bench.ours_mlp_step_raw(s_raw, pr) == pytest.approx(loss_np, rel=1e-5)
        assert bench.ours_mlp_step(s_us, ps) == pytest.approx(loss_np, rel=1e-5)
    for p_np, p, q in zip(s_np["params"], pr, ps, strict=True):
        assert p.dtype == np.float32 and p.grad.dtype == np.float32 and q.grad.dtype == np.float32
        np.testing.assert_allclose(p.data, p_np, rtol=1e-4, atol=1e-6)
        np.testing.assert_allclose(q.data.T, p_np, rtol=1e-4, atol=1e-6)
        assert q.grad.strides == q.data.strides  # laid out as the parameter: a contiguous update


@pytest.mark.parametrize("shape", [{"batch": 16}, {"batch": 33, "sizes": (64, 64, 64, 10)}])
def test_the_tuned_numpy_step_computes_the_plain_one(shape):
    s_np, s_tuned = bench.mlp_setup(**shape), bench.mlp_setup(**shape)
    for _ in range(3):
        assert bench.numpy_mlp_step_tuned(s_tuned) == pytest.approx(
            bench.numpy_mlp_step(s_np), rel=1e-5)
    for p, q in zip(s_np["params"], s_tuned["params"], strict=True):
        np.testing.assert_allclose(q, p, rtol=1e-4, atol=1e-6)


def test_mlp_step_matches_torch():
    torch = pytest.importorskip("torch")
    s_us, s_t = bench.mlp_setup(batch=8, sizes=(6, 5, 3)), bench.mlp_setup(batch=8, sizes=(6, 5, 3))
    ps, pt = bench.out_in(s_us), bench.torch_out_in(s_t)
    x, y = torch.tensor(s_t["x"]), torch.tensor(s_t["y"])
    for _ in range(2):
        assert bench.ours_mlp_step(s_us, ps) == pytest.approx(
            bench.torch_mlp_step(s_t, pt, x, y), rel=1e-5)
    for p, q in zip(ps, pt, strict=True):
        np.testing.assert_allclose(p.data, q.detach().numpy(), rtol=1e-5, atol=1e-6)


def test_moons_step_matches_torch():
    torch = pytest.importorskip("torch")
    s_us, s_t = bench.moons_setup(), bench.moons_setup()
    ps = bench.tensors(s_us)
    pt = bench.torch_params(s_t)
    x, y = torch.tensor(s_t["x"]), torch.tensor(s_t["y"])
    for k in range(3):
        ours = bench.ours_moons_step(s_us, ps, k)
        theirs = bench.torch_moons_step(pt, x, y, k)
        assert ours == pytest.approx(theirs, rel=1e-12)
    for p, q in zip(ps, pt, strict=True):
        np.testing.assert_allclose(p.data, q.detach().numpy(), rtol=1e-12, atol=1e-14)


def test_benchmark_runs(capsys, monkeypatch):
    monkeypatch.setattr(bench, "torch", None)  # the numpy-only path: the timing loop, the report
    med = bench.bench_tiny(reps=2)
    bench.report("tiny", med, "chainrule")
    assert "chainrule" in capsys.readouterr().out


def test_the_timing_freezes_what_exists_and_unfreezes_after(monkeypatch):
    import gc

    counts = []
    sides = {"a": lambda: counts.append(gc.get_freeze_count()), "b": lambda: None}
    res = bench.interleaved(sides, reps=2)
    assert set(res) == {"a", "b"} and all(len(v) == 2 for v in res.values())
    assert counts[0] == 0 and all(c > 0 for c in counts[1:])  # warm-up, then frozen while timed
    assert gc.get_freeze_count() == 0
    monkeypatch.setattr(bench, "FREEZE", False)
    counts.clear()
    bench.interleaved(sides, reps=2)
    assert counts == [0, 0, 0]
    monkeypatch.setattr(bench, "FREEZE", True)
    calls = []

    def fails_when_timed():
        calls.append(1)
        if len(calls) > 1:
            raise RuntimeError("a side failed")

    with pytest.raises(RuntimeError):
        bench.interleaved({"x": fails_when_timed}, reps=1)
    assert gc.get_freeze_count() == 0  # a side that fails leaves nothing frozen
