"""Tensor nodes in pictures: shape, dtype, values or min/mean/max, and their gradients."""

from __future__ import annotations

import numpy as np
import pytest
from test_viz_draw import cards
from viz_fakes import FakeOp, FakeTensor

from chainrule import autograd, viz
from chainrule.viz import fmt


def small_graph(grads: bool):
    W = FakeTensor(np.array([[1.0, -2.0], [0.5, 4.0], [0, 1]], dtype=np.float32), label="W")
    x = FakeTensor(np.arange(12.0).reshape(4, 3), label="x", requires_grad=False)
    h = FakeTensor(x.data @ W.data, parents=(x, W), op=FakeOp("@"), label="h")
    loss = FakeTensor(h.data.sum(), parents=(h,), op=FakeOp("sum"), label="loss")
    if grads:
        loss.grad = np.array(1.0)
        h.grad = np.ones_like(h.data)
        W.grad = x.data.T @ h.grad
    return loss, W, x, h


def test_tensor_cards_show_shape_dtype_and_values():
    loss, W, x, h = small_graph(grads=False)
    texts = {t for ts in cards(viz.to_svg(loss)).values() for t in ts}
    assert "(3, 2) float32" in texts
    assert "data [[1, -2], [0.5, 4], [0, 1]]" in texts  # 6 elements: written out
    assert "(4, 3) float64" in texts and "(4, 2) float64" in texts
    assert "data min 0.5 \u00b7 mean 13.38 \u00b7 max 33.0" in texts  # 8 elements: summarised
    assert "grad -" in texts  # no backward yet: Tensor grads are None
    assert not any(t.startswith("grad") and "x" in t for t in texts)


def test_tensor_grads_are_summarised_like_data():
    loss, W, x, h = small_graph(grads=True)
    texts = {t for ts in cards(viz.to_svg(loss)).values() for t in ts}
    assert f"grad {fmt.array(W.grad)}" in texts
    assert f"grad {fmt.array(h.grad)}" in texts
    assert "grad 1.0" in texts
    assert "label=\"@\"" in viz.draw_graph(loss).source


def test_array_format():
    assert fmt.array(np.array([1.0, 2.5])) == "[1, 2.5]"
    assert fmt.array(np.arange(7.0)) == "min 0.0 \u00b7 mean 3.0 \u00b7 max 6.0"
    assert fmt.array(np.array(2.0)) == "2.0"
    assert fmt.array(np.zeros((0, 3))) == "[] (empty)"
    assert fmt.magnitude(np.array([-1.0, 3.0])) == 2.0


Tensor = getattr(autograd, "Tensor", None)


def position(nodes, node):
    """The index of ``node`` by identity (``list.index`` would compare tensors elementwise)."""
    return next(i for i, n in enumerate(nodes) if n is node)
needs_tensor = pytest.mark.skipif(Tensor is None, reason="autograd.Tensor has not landed yet")


@needs_tensor
def test_real_tensor_graph_draws_and_replays_backward(tmp_path):
    rng = np.random.default_rng(0)
    W = Tensor(rng.normal(size=(3, 2)), requires_grad=True, label="W")
    x = Tensor(rng.normal(size=(4, 3)), label="x")
    loss = (x @ W).tanh().sum()
    loss.label = "loss"
    from chainrule.viz.steps import backward_steps

    p = backward_steps(loss)
    loss.backward()
    assert np.allclose(p.grads[position(p.nodes, W)], W.grad, rtol=1e-12, atol=1e-12)
    texts = {t for ts in cards(viz.to_svg(loss)).values() for t in ts}
    assert "(3, 2) float64" in texts and f"grad {fmt.array(W.grad)}" in texts
    assert "W.grad += " in viz.explain_backward(loss)
    viz.animate_backward(loss, tmp_path / "t.html")


@needs_tensor
def test_real_tensor_broadcast_gradients_replay_exactly():
    rng = np.random.default_rng(1)
    x = Tensor(rng.normal(size=(5, 3)), label="x")
    W = Tensor(rng.normal(size=(3, 2)), requires_grad=True, label="W")
    b = Tensor(rng.normal(size=(2,)), requires_grad=True, label="b")  # broadcast over rows
    loss = ((x @ W + b).relu() * 2.0).mean()
    loss.label = "loss"
    from chainrule.viz.steps import backward_steps

    p = backward_steps(loss)
    loss.backward()
    for t in (W, b):
        np.testing.assert_allclose(p.grads[position(p.nodes, t)], t.grad, rtol=1e-12, atol=1e-14)
        assert p.grads[position(p.nodes, t)].shape == t.shape


@needs_tensor
def test_real_tensor_stepper_ends_with_every_grad():
    import json
    import re

    W = Tensor(np.array([[0.5, -1.0], [2.0, 0.25]]), requires_grad=True, label="W")
    x = Tensor(np.array([[1.0, 2.0]]), label="x")
    loss = (x @ W).tanh().sum()
    loss.label = "loss"
    html = viz.animate_backward(loss).html
    data = json.loads(re.search(r'id="cr-frames">(.*?)</script>', html, re.S).group(1))
    state = {s[0]: s for f in data["frames"] for s in f["set"]}
    loss.backward()
    i = position(viz.walk.forward_order(loss), W)
    np.testing.assert_allclose(np.array(state[f"n{i}"][4]).reshape(2, 2), W.grad, rtol=1e-12)
    assert state[f"n{i}"][2] == fmt.array(W.grad)


@needs_tensor
def test_decision_boundary_calls_a_tensor_model_once_per_batch():
    pytest.importorskip("matplotlib")
    calls = []
    W = Tensor(np.array([[1.0], [1.0]]))

    def model(P):
        assert isinstance(P, Tensor)
        calls.append(P.shape)
        return P @ W

    X = np.array([[-1.0, -1.0], [1.0, 1.0], [-2.0, 0.5], [2.0, -0.5]])
    fig = viz.plot_decision_boundary(model, X, np.array([-1, 1, -1, 1]), resolution=30)
    assert "accuracy 100%" in fig.axes[0].get_title()
    assert calls[-1] == (30 * 30 + 4, 2)  # the whole grid and the points in one call
