"""Plots: decision boundaries for per-sample and batch models, history, activations."""

from __future__ import annotations

import math

import numpy as np
import pytest
from viz_fakes import FakeMLP

from chainrule import viz
from chainrule.viz import data as D

pytest.importorskip("matplotlib")


def blobs(n=40, seed=0):
    rng = np.random.default_rng(seed)
    X = np.vstack([rng.normal(-1.5, 0.5, (n, 2)), rng.normal(1.5, 0.5, (n, 2))])
    return X, np.repeat([0, 1], n)


def test_scalar_model_is_called_per_sample_and_plotted(tmp_path):
    X, y = blobs(10)
    m = FakeMLP(2, [4, 1], act="tanh")
    assert D.mode(m, X) == "per-sample"
    fig = viz.plot_decision_boundary(m, X, np.where(y == 1, 1, -1), tmp_path / "b.png")
    assert (tmp_path / "b.png").read_bytes()[:4] == b"\x89PNG"
    preds = D.predict(m, X[:3], "per-sample")
    assert preds.shape == (3, 1) and preds[0, 0] == m([X[0, 0], X[0, 1]]).data
    assert "accuracy" in fig.axes[0].get_title()


def test_batch_model_binary_threshold_and_accuracy():
    X, y = blobs()

    def logistic(P):  # a batch model returning probabilities: threshold 0.5
        P = np.asarray(getattr(P, "data", P))
        return 1 / (1 + np.exp(-(P[:, 0] + P[:, 1])))

    assert D.mode(logistic, X) == "batch"
    fig = viz.plot_decision_boundary(logistic, X, y)
    assert fig.axes[0].get_title() == "decision boundary (accuracy 100%)"


def test_multiclass_regions_take_the_argmax(tmp_path):
    rng = np.random.default_rng(1)
    centers = np.array([[0, 3], [-3, -2], [3, -2]])
    X = np.vstack([rng.normal(c, 0.4, (15, 2)) for c in centers])
    y = np.repeat([0, 1, 2], 15)

    class Nearest:
        engine = "tensor"

        def __call__(self, P):
            P = np.asarray(getattr(P, "data", P))
            return -((P[:, None, :] - centers[None]) ** 2).sum(-1)  # (n, 3) scores

    fig = viz.plot_decision_boundary(Nearest(), X, y, tmp_path / "m.svg")
    assert "accuracy 100%" in fig.axes[0].get_title()
    assert (tmp_path / "m.svg").read_text().count("<svg") == 1


def test_into_an_existing_axes_side_by_side():
    from matplotlib.figure import Figure

    X, y = blobs(8)
    fig = Figure()
    left, right = fig.subplots(1, 2)
    assert viz.plot_decision_boundary(lambda P: np.asarray(getattr(P, "data", P))[:, 0],
                                      X, y, ax=right, title="right") is fig
    assert right.get_title() == "right" and left.get_title() == ""


def test_bad_data_is_explained():
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        viz.plot_decision_boundary(lambda P: P, np.zeros((4, 3)), np.zeros(4))
    with pytest.raises(ValueError, match="labels"):
        viz.plot_decision_boundary(lambda P: P, np.zeros((4, 2)), np.zeros(3))


def test_history_from_dict_list_and_object(tmp_path):
    fig = viz.plot_history({"loss": [1.0, 0.5, 0.25], "accuracy": [0.5, 0.75, 1.0]},
                           tmp_path / "h.png")
    assert [a.get_title() for a in fig.axes] == ["training loss", "metrics"]
    assert len(viz.plot_history([3.0, 2.0, 1.0]).axes) == 1

    class History:
        def to_dict(self):
            return {"step": [1, 2], "loss": [0.9, 0.1], "note": "not a series"}

    fig = viz.plot_history(History())
    assert [line.get_label() for line in fig.axes[0].get_lines()] == ["loss"]
    with pytest.raises(ValueError, match="no series"):
        viz.plot_history({"note": "x"})


@pytest.mark.parametrize("name", ["tanh", "sigmoid", "relu", "softplus", "leaky_relu", "sin"])
def test_activation_derivative_is_the_engines_and_matches_finite_differences(name):
    fig = viz.plot_activation(name, lo=-3, hi=3, points=61)
    f_line, d_line = fig.axes[0].get_lines()[-2:]
    xs, fs = f_line.get_data()
    _, ds = d_line.get_data()
    fn = {"tanh": math.tanh, "sigmoid": lambda x: 1 / (1 + math.exp(-x)),
          "relu": lambda x: max(x, 0.0), "softplus": lambda x: math.log1p(math.exp(x)),
          "leaky_relu": lambda x: x if x > 0 else 0.01 * x, "sin": math.sin}[name]
    h = 1e-6
    for x, f, d in zip(xs, fs, ds, strict=True):
        assert math.isclose(f, fn(x), rel_tol=1e-12, abs_tol=1e-12)
        if abs(x) > 1e-3:  # away from relu's kink
            assert math.isclose(d, (fn(x + h) - fn(x - h)) / (2 * h), rel_tol=1e-5, abs_tol=1e-8)
    with pytest.raises(ValueError, match="unknown activation"):
        viz.plot_activation("swish")


def test_missing_matplotlib_says_how_to_install_it(monkeypatch):
    import builtins

    real = builtins.__import__

    def no_mpl(name, *args, **kwargs):
        if name.startswith("matplotlib"):
            raise ImportError("no matplotlib")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_mpl)
    with pytest.raises(ImportError, match=r"pip install matplotlib"):
        viz.plot_activation("tanh")
