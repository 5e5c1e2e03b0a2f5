"""The ``cnn`` and ``language`` lessons run at a tiny size (``quick=True``) and write their
pictures; their models are the ones the lessons describe."""

import math

import numpy as np

from chainrule.demos import cli, cnn, language


def _pngs_ok(report, names):
    got = sorted(p.name for p in report.files)
    assert got == sorted(names)
    for p in report.files:
        assert p.stat().st_size > 5000 and p.read_bytes()[:4] == b"\x89PNG"


def test_cnn_lesson(tmp_path):
    report = cnn.run(tmp_path, quick=True)
    _pngs_ok(report, ["filters.png", "feature_maps.png", "cnn_vs_mlp.png"])
    r = report.results
    assert r["cnn_parameters"] == 8 * 9 + 8 + 128 * 10 + 10 and r["mlp_parameters"] == 4810
    assert r["cnn_accuracy"] > 0.5  # one epoch on 300 images is already far above chance


def test_language_lesson(tmp_path):
    report = language.run(tmp_path, quick=True)
    _pngs_ok(report, ["losses.png", "attention.png"])
    r = report.results
    for name in ("bigram", "MLP", "attention"):
        assert math.isfinite(r[f"{name}_loss"]) and r[f"{name}_loss"] < math.log(28) + 0.5
        text = r["samples"][name]
        assert text.startswith("the ") and len(text) == 124
        assert set(text) <= set(language.corpus())


def test_attention_model_is_causal():
    """Changing the last character cannot change what the earlier positions attend to."""
    model = language.Attention(28, 0)
    x = np.array([[1, 5, 7, 2, 9, 4, 3, 8]])
    model(x)
    before = model.weights.data.copy()
    x[0, -1] = 11
    model(x)
    np.testing.assert_allclose(model.weights.data[0, :-1], before[0, :-1])
    assert np.allclose(np.triu(model.weights.data[0], 1), 0)


def test_both_lessons_are_listed():
    assert "cnn" in cli.LESSONS and "language" in cli.LESSONS
