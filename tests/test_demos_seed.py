"""The seed guide's benefits and challenges, one lesson each: data, cost, interpretability.

Each runs at a tiny size (``quick=True``), writes its pictures (fit for a projector, see
tests/figure_checks.py) and finds what it says; the numbers each rests on are checked against an
independent oracle (finite differences, counting by hand).
"""

import numpy as np
import pytest

pytest.importorskip("matplotlib")
from figure_checks import problems  # noqa: E402  (needs matplotlib)


def _pictures_ok(report, names):
    assert [p.name for p in report.files] == names
    assert all(p.stat().st_size > 1000 for p in report.files)
    for fig in report.figures:
        assert problems(fig) == [], fig.get_suptitle()


def test_data_more_examples_and_overfitting(tmp_path):
    from chainrule.demos import data as L

    report = L.run(tmp_path, quick=True)
    _pictures_ok(report, ["accuracy_vs_examples.png", "overfitting.png"])
    r = report.results
    assert set(r["test_accuracy"]) == {20, 50, 100}
    assert r["test_accuracy"][100] > r["test_accuracy"][20]  # more data, better on unseen
    assert r["train_accuracy"][20] > r["test_accuracy"][20]  # the gap


def test_data_takes_every_digit_in_turn():
    from chainrule.demos.data import first_n, split

    _, ytr, _, yte = split()
    idx = first_n(ytr, 20)
    assert len(set(idx)) == 20 and np.bincount(ytr[idx], minlength=10).tolist() == [2] * 10
    assert len(ytr) + len(yte) == 1797


def test_cost_counts_multiply_adds_and_times_steps(tmp_path):
    from chainrule.demos import cost as L

    # by hand: 64 -> 16 -> 16 -> 10, batch 256: forward 64*16 + 16*16 + 16*10 = 1,440 per
    # example; backward twice that, less the input's gradient (64*16)
    assert L.multiply_adds([64, 16, 16, 10]) == 256 * (3 * 1440 - 64 * 16)
    report = L.run(tmp_path, quick=True)
    _pictures_ok(report, ["cost.png"])
    by_width = report.results["by_width"]
    assert by_width[64]["macs"] > by_width[16]["macs"]
    assert all(r["min"] <= r["median"] <= r["max"] and r["median"] > 0 for r in by_width.values())


def test_interpretability_saliency_is_the_input_gradient(tmp_path):
    from chainrule import nn
    from chainrule.demos import interpretability as L

    report = L.run(tmp_path, quick=True)
    _pictures_ok(report, ["saliency.png", "neurons.png"])
    r = report.results
    assert r["saliency"].shape == (10, 64) and 0 < r["blank_share"] < 1
    assert len(r["neurons"]) == 4 and all(len(n["top"]) == L.TOP for n in r["neurons"])

    # the saliency map is d score / d pixel: central differences on the score agree
    model = nn.MLP(64, [8, 10], engine="tensor", seed=3)
    x = np.random.default_rng(0).random(64)
    g, _ = L.saliency(model, x, 4)
    eps = 1e-6
    for i in range(0, 64, 7):
        e = np.zeros(64)
        e[i] = eps
        hi, lo = nn.predict(model, (x + e)[None])[0, 4], nn.predict(model, (x - e)[None])[0, 4]
        assert abs((hi - lo) / (2 * eps) - g[i]) < 1e-7
