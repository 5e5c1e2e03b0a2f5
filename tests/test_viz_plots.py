"""Plots: decision boundaries for per-sample and batch models, history, activations."""

from __future__ import annotations

import math

import numpy as np
import pytest
from viz_fakes import FakeMLP

from chainrule import viz
from chainrule.viz import data as D
from chainrule.viz import palette
from chainrule.viz.plots import min_font_size, readable

pytest.importorskip("matplotlib")
from figure_checks import problems, small_texts  # noqa: E402  (needs matplotlib)


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
    # each series on its own axis (issue 13: a learning rate never shares the accuracy's panel)
    assert [a.get_title() for a in fig.axes] == ["training loss", "accuracy (this step's batch)"]
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


def test_history_never_mixes_series_and_names_a_constant_one():
    steps = 60
    hist = {"step": list(range(steps)), "loss": list(np.geomspace(2.0, 0.01, steps)),
            "lr": [1 - 0.9 * k / steps for k in range(steps)],
            "accuracy": list(np.linspace(0.4, 1.0, steps))}
    fig = viz.plot_history(hist)
    assert [a.get_ylabel() for a in fig.axes] == ["loss", "lr", "accuracy"]
    assert all(len(a.get_lines()) == 1 for a in fig.axes[1:])
    assert fig.axes[0].get_yscale() == "log"
    assert problems(fig) == []
    hist["lr"] = [0.05] * steps  # a flat learning rate: no panel, named in the title
    fig = viz.plot_history(hist)
    assert [a.get_ylabel() for a in fig.axes] == ["loss", "accuracy"]
    assert fig.axes[0].get_title() == "training loss (lr 0.05 throughout)"


@pytest.mark.parametrize("lo, hi", [(0.2, 0.7), (0.03, 0.9), (1e-5, 3.0), (1e-13, 1.0),
                                    (0.31, 0.34)])
def test_a_log_loss_axis_has_at_least_three_labelled_ticks(lo, hi):
    fig = viz.plot_history({"loss": list(np.geomspace(hi, lo, 50)) + [hi * 30]})
    assert fig.axes[0].get_yscale() == "log"
    assert problems(fig) == []


def test_fonts_are_12pt_at_the_size_shown():
    from matplotlib.figure import Figure
    from matplotlib.text import Text

    fig = Figure(figsize=(13, 4))  # 1,248 px at 96 dpi, shown 1,024 wide: scaled by 0.82
    assert min_font_size(fig) == pytest.approx(12 * 13 * 96 / 1024)
    assert min_font_size(Figure(figsize=(6, 4))) == 12
    ax = fig.subplots()
    ax.plot([0, 1], [0, 1], label="a line")
    ax.set_title("title", fontsize=8)
    ax.legend(fontsize=6)
    ax.text(0.5, 0.5, "note", fontsize=30)
    readable(fig)
    assert small_texts(fig) == []
    sizes = {t.get_text(): t.get_fontsize() for t in fig.findobj(Text)}
    assert sizes["title"] == pytest.approx(min_font_size(fig)) and sizes["note"] == 30


def test_plots_take_the_palettes_colours_and_keep_data_clear():
    X, y = blobs(30)
    fig = viz.plot_decision_boundary(lambda P: np.asarray(getattr(P, "data", P))[:, :1], X, y)
    faces = [c.get_facecolor()[0] for c in fig.axes[0].collections if len(c.get_offsets()) == 30]
    from matplotlib.colors import to_hex

    assert [to_hex(f).upper() for f in faces] == list(palette.CLASS_COLORS[:2])
    assert problems(fig) == []
    fig = viz.plot_activation("relu")
    styles = [line.get_linestyle() for line in fig.axes[0].get_lines()[-2:]]
    assert styles[0] != styles[1]  # function and derivative differ without colour
    assert problems(fig) == []
