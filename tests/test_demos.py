"""Every lesson runs (at a tiny size, ``quick=True``), writes its pictures and finds what it says.

The main job's own tests (file list, entry points, the neuron it draws) are in test_demos_main.py;
the tour notebook's in test_demos_notebook.py.
"""

import math
import sys

import numpy as np
import pytest

from chainrule.demos import cli

pytest.importorskip("matplotlib")
from figure_checks import problems  # noqa: E402  (needs matplotlib)


def _files_ok(report, names):
    """The files are written, and every figure is fit for a projector (tests/figure_checks.py):
    text of 12 pt at the size shown, no legend over data, log axes with ticks, palette colours."""
    assert [p.name for p in report.files] == names
    for p in report.files:
        assert p.is_file() and p.stat().st_size > 500, p
    assert len(report.figures) == len([p for p in names if not p.endswith((".svg", ".html"))])
    for fig in report.figures:
        assert problems(fig) == [], fig.get_suptitle()


def test_forward_backward_matches_the_hand_formula(tmp_path):
    from chainrule.demos import forward_backward as L

    report = L.run(tmp_path, quick=True)
    _files_ok(report, ["layer_graph.svg", "dW_shapes.png"])
    r = report.results
    for key in ("forward_diff", "dW_diff", "db_diff", "dX_diff"):
        assert r[key] < 1e-12, key
    assert r["loss_after_step"] < r["loss"]  # the step along -dW lowers the loss


def test_dw_shapes_numbers_stay_readable_on_dark_cells():
    """Each number's colour is the palette's ink for its cell (white on the deep ends)."""
    from chainrule.demos.forward_backward import _shapes_figure
    from chainrule.viz import palette

    rng = np.random.default_rng(0)
    hand = {"delta": rng.normal(size=(2, 4)), "dW": rng.normal(size=(2, 3))}
    fig = _shapes_figure(hand, rng.normal(size=(3, 4)))
    whites = 0
    for ax in fig.axes:
        a = ax.images[0].get_array()
        lim = float(np.abs(a).max())
        for text in ax.texts:
            x, y = text.get_position()
            cell = palette.diverging(a[int(y), int(x)] / lim)
            assert text.get_color() == palette.ink_on(cell), text.get_text()
            assert palette.contrast(text.get_color(), cell) >= 3.0, text.get_text()
            whites += text.get_color() == "#FFFFFF"
    assert whites  # the deep cells do get white numbers


def test_hand_formula_is_the_finite_difference_gradient():
    """An oracle independent of the engine: dW = ((dy * f'(z)) x^T) / m by central differences."""
    from chainrule.demos.forward_backward import by_hand

    rng = np.random.default_rng(5)
    W, b = rng.normal(size=(2, 3)), rng.normal(size=(2, 1))
    X, T = rng.normal(size=(3, 4)), rng.normal(size=(2, 4))
    dW = by_hand(W, b, X, T)["dW"]
    eps = 1e-6
    for i, k in np.ndindex(W.shape):
        E = np.zeros_like(W)
        E[i, k] = eps
        fd = (by_hand(W + E, b, X, T)["loss"] - by_hand(W - E, b, X, T)["loss"]) / (2 * eps)
        assert abs(fd - dW[i, k]) < 1e-8


def test_why_nonlinearity(tmp_path):
    from chainrule.demos import why_nonlinearity as L

    report = L.run(tmp_path, quick=True)
    _files_ok(report, ["boundaries.png"])
    r = report.results
    assert r["stack_diff"] < 1e-12
    assert r["product"].shape == (3, 2)
    assert r["accuracy"]["XOR/linear"] < 0.9  # no line separates XOR


def test_activations_derivatives_match_formulas(tmp_path):
    from chainrule.demos import activations as L

    report = L.run(tmp_path, quick=True)
    _files_ok(report, ["activations.png"])
    errors = report.results["derivative_errors"]
    assert set(errors) == {"tanh", "sigmoid", "relu", "leaky_relu", "softplus"}
    assert max(errors.values()) < 1e-12


def test_depth_sigmoid_gradient_vanishes(tmp_path):
    from chainrule.demos import depth as L

    report = L.run(tmp_path, quick=True)
    _files_ok(report, ["gradient_per_layer.png", "training_by_depth.png"])
    ratio = report.results["first_over_last"]  # depth 5 in the quick run
    assert ratio["sigmoid"] < 0.2 < ratio["tanh"]
    norms = report.results["norms"]["sigmoid"]
    assert len(norms[5]) == 5 and norms[5][0] < norms[2][0]


def test_digits_reaches_95_percent(tmp_path, monkeypatch):
    from chainrule.demos import digits as L

    monkeypatch.setitem(sys.modules, "sklearn", None)  # its data ships with chainrule

    report = L.run(tmp_path)  # the full lesson: it takes about a second of training
    _files_ok(report, ["examples.png", "confusion_matrix.png", "misclassified.png"])
    r = report.results
    assert r["test_accuracy"] >= 0.95
    assert r["seconds"] < 30


def test_newton_converges_quadratically_and_hvp_checks(tmp_path):
    from chainrule.demos import newton as L

    report = L.run(tmp_path, quick=True)
    _files_ok(report, ["newton.png"])
    r = report.results
    assert abs(r["d2"] - r["d2_exact"]) < 1e-12
    assert r["newton_steps"] is not None and r["newton_steps"] <= 6
    assert r["gd_steps"] is None  # 8 gradient steps are far from 1e-12
    assert r["hvp_rel"] < 1e-6
    err = [abs(x - L.X_STAR) for x in r["newton"][1:5]]
    assert err[2] < err[1] ** 2  # each error about the square of the one before


def test_newton_hvp_matches_torch():
    torch = pytest.importorskip("torch")
    from chainrule.demos.newton import hessian_vector_product, hvp_problem

    model, X, y, v = hvp_problem(quick=True)
    ours = hessian_vector_product(model, X, y, v)["hv"]
    state = model.state_dict()
    params = tuple(torch.tensor(state[k], dtype=torch.float64) for k in state)
    Xt, yt = torch.tensor(X), torch.tensor(y, dtype=torch.float64)

    def loss(W0, b0, W1, b1, W2, b2):
        h = torch.tanh(Xt @ W0.T + b0)
        h = torch.tanh(h @ W1.T + b1)
        z = (h @ W2.T + b2)[:, 0]
        return (torch.nn.functional.softplus(z) - yt * z).mean()

    vt = tuple(torch.tensor(a) for a in v)
    _, hv = torch.autograd.functional.hvp(loss, params, vt)
    theirs = np.concatenate([h.numpy().ravel() for h in hv])
    assert np.allclose(ours, theirs, rtol=1e-9, atol=1e-12)


def test_scalar_vs_tensor_agree(tmp_path):
    from chainrule.demos import scalar_vs_tensor as L

    report = L.run(tmp_path, quick=True)
    _files_ok(report, ["tensor_graph.svg", "speed.png"])
    r = report.results
    assert r["output_diff"] < 1e-12 and r["grad_diff"] < 1e-12 and r["loss_diff"] < 1e-12
    assert r["nodes"]["scalar"] > 100 * r["nodes"]["tensor"]
    assert all(math.isfinite(s) and s > 0 for s in r["seconds"].values())


def test_cli_lists_every_lesson(capsys):
    assert cli.main([]) == 0
    out = capsys.readouterr().out
    for name in cli.LESSONS:
        assert name in out
    import importlib

    for name in cli.LESSONS:  # every listed lesson exists, with run and main
        module = importlib.import_module(f"chainrule.demos.{name}")
        assert callable(module.run) and callable(module.main)


def test_cli_unknown_lesson(capsys):
    assert cli.main(["mnist"]) == 2
    assert "no lesson named 'mnist'" in capsys.readouterr().err


def test_cli_runs_a_lesson_with_out(tmp_path, capsys):
    assert cli.main(["activations", "--out", str(tmp_path / "a"), "--quick"]) == 0
    out = capsys.readouterr().out
    assert "files written:" in out and str(tmp_path / "a" / "activations.png") in out


def test_out_must_be_a_folder(tmp_path, capsys):
    f = tmp_path / "file.txt"
    f.write_text("x")
    assert cli.main(["activations", "--out", str(f), "--quick"]) == 2
    assert "is a file" in capsys.readouterr().err


def test_chainrule_command_dispatches_to_demo(capsys):
    from chainrule.cli import main

    assert main(["demo"]) == 0
    assert "forward_backward" in capsys.readouterr().out


def test_notebooks_lesson_copies_the_course_and_keeps_answers(tmp_path, capsys):
    from chainrule.demos import notebooks as L

    report = L.run(tmp_path)
    names = [p.name for p in report.files]
    assert len(names) == 6 and names[0] == "01_slope.ipynb" and names[-1] == "06_tensors.ipynb"
    first = report.files[0]
    first.write_text(first.read_text().replace("slope = ...", "slope = 1.0"))
    L.run(tmp_path)  # a second run keeps the student's copy
    assert "slope = 1.0" in first.read_text()
    assert "kept your copy" in capsys.readouterr().out


def test_depth_says_what_each_run_did():
    from chainrule.demos.depth import verdict

    ln2 = math.log(2)
    assert verdict([0.8, ln2 + 0.002]) == "stuck at ln 2"
    assert verdict([0.7, 0.3, 0.01]) == "learned"
    assert verdict([0.7, 0.3, 0.9, 0.4]).startswith("partly learned, erratic")
    assert "jumped up by 0.60" in verdict([0.7, 0.3, 0.9, 0.4])


def test_activations_derivatives_differ_without_colour(tmp_path):
    """In the derivatives panel, every line has its own style and marker; relu is drawn over
    leaky_relu (where both are 1) and narrower, so both show."""
    from chainrule.demos import activations as L

    fig = L.run(tmp_path, quick=True).figures[0]
    lines = {line.get_label(): line for line in fig.axes[5].get_lines() if line.get_label()
             in L.ACTIVATIONS}
    assert set(lines) == set(L.ACTIVATIONS)
    looks = {(str(line.get_linestyle()), line.get_linewidth(), line.get_marker())
             for line in lines.values()}
    assert len(looks) == len(lines)
    relu, leaky = lines["relu"], lines["leaky_relu"]
    assert relu.get_zorder() > leaky.get_zorder() and relu.get_linewidth() < leaky.get_linewidth()
