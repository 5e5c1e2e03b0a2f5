"""One model, two engines: state dicts move a model between them with equal outputs and gradients;
micrograd's moons demo and a 3-class spiral are learned."""

import numpy as np
import pytest

from chainrule import nn
from chainrule.nn import functional as F


def _pair(nouts, activation="relu", seed=0):
    scalar = nn.MLP(2, nouts, activation=activation, seed=seed)
    tensor = nn.MLP(2, nouts, activation=activation, engine="tensor", seed=seed + 100)
    return scalar, tensor


def test_same_keys_and_shapes():
    s, t = _pair([16, 16, 1])
    ss, ts = s.state_dict(), t.state_dict()
    assert list(ss) == list(ts)
    assert {k: v.shape for k, v in ss.items()} == {k: v.shape for k, v in ts.items()}
    assert s.num_parameters() == t.num_parameters() == 337


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "leaky_relu", "softplus"])
@pytest.mark.parametrize("direction", ["scalar->tensor", "tensor->scalar"])
def test_moved_model_gives_equal_outputs_and_gradients(activation, direction):
    s, t = _pair([8, 6, 1], activation)
    if direction == "scalar->tensor":
        t.load_state_dict(s.state_dict())
    else:
        s.load_state_dict(t.state_dict())
    X, y = nn.data.make_moons(40, noise=0.2, signed=True, seed=3)
    out_s, out_t = s(X), t(X)
    np.testing.assert_allclose([v.data for v in out_s], out_t.data[:, 0], rtol=0, atol=1e-12)
    Ls = F.hinge_loss(out_s, y) + 1e-3 * F.l2_penalty(s.parameters())
    Lt = F.hinge_loss(out_t, y) + 1e-3 * F.l2_penalty(t.parameters())
    Ls.backward()
    Lt.backward()
    assert abs(Ls.data - float(Lt.data)) < 1e-12
    gs, gt = s.grad_dict(), t.grad_dict()
    for k in gs:
        np.testing.assert_allclose(gs[k], gt[k], rtol=0, atol=1e-12, err_msg=k)


def test_multiclass_cross_entropy_on_both_engines():
    s, t = _pair([5, 3], "tanh", seed=4)
    t.load_state_dict(s.state_dict())
    X, y = nn.data.make_spirals(30, n_classes=3, seed=2)
    Ls, Lt = F.cross_entropy(s(X), y), F.cross_entropy(t(X), y)
    Ls.backward()
    Lt.backward()
    assert abs(Ls.data - float(Lt.data)) < 1e-12
    for k, g in s.grad_dict().items():
        np.testing.assert_allclose(g, t.grad_dict()[k], rtol=0, atol=1e-12, err_msg=k)
    np.testing.assert_allclose(nn.predict(s, X), nn.predict(t, X), rtol=0, atol=1e-12)


def test_same_seed_and_init_give_the_same_numbers_on_both_engines():
    s = nn.MLP(2, [4, 3, 1], seed=7, init="xavier_uniform")
    t = nn.MLP(2, [4, 3, 1], seed=7, init="xavier_uniform", engine="tensor")
    for k, v in s.state_dict().items():
        np.testing.assert_array_equal(v, t.state_dict()[k])


def test_save_on_one_engine_load_on_the_other(tmp_path):
    s, t = _pair([4, 1])
    t.save(tmp_path / "t.npz")
    s.load(tmp_path / "t.npz")
    X = np.random.default_rng(0).normal(size=(5, 2))
    np.testing.assert_allclose(nn.predict(s, X), nn.predict(t, X), rtol=0, atol=1e-12)


def test_a_tensor_model_loads_into_a_float32_model():
    s = nn.MLP(2, [4, 1], seed=0)
    t32 = nn.MLP(2, [4, 1], engine="tensor", dtype=np.float32)
    t32.load_state_dict(s.state_dict())
    assert t32.layers[0].weight.data.dtype == np.float32
    np.testing.assert_allclose(t32.state_dict()["layers.0.weight"],
                               s.state_dict()["layers.0.weight"], rtol=1e-7)


# --- the proofs ---------------------------------------------------------------------------------


def _micrograd_demo(model, X, y, steps):
    """micrograd's demo: hinge loss + 1e-4 L2, full batch, SGD with lr 1 - 0.9 k / 100."""
    opt = nn.optim.SGD(model.parameters(), lr=lambda k: 1.0 - 0.9 * k / 100)
    return nn.fit(model, X, y, loss="hinge", optimizer=opt, epochs=steps, l2=1e-4, verbose=False)


def test_micrograd_moons_demo_reaches_100_percent():
    """The tensor engine runs all 100 steps (0.5 s); the scalar engine (about 0.3 s a step here)
    runs the first 5 and must follow the same trajectory, to 1e-12. The full 100 scalar steps are
    test_nn_train.py::test_micrograd_moons_demo_scalar_engine_full (CHAINRULE_SLOW=1)."""
    X, y = nn.data.make_moons(100, noise=0.1, signed=True, seed=0)
    scalar = nn.MLP(2, [16, 16, 1], seed=0)  # micrograd's init: U(-1, 1) weights, zero biases
    start = scalar.state_dict()
    tensor = nn.MLP(2, [16, 16, 1], engine="tensor")
    tensor.load_state_dict(start)
    h_tensor = _micrograd_demo(tensor, X, y, 100)
    assert F.accuracy(nn.predict(tensor, X), y) == 1.0
    assert h_tensor.loss[-1] < 0.05
    h_scalar = _micrograd_demo(scalar, X, y, 5)
    np.testing.assert_allclose(h_scalar.loss, h_tensor.loss[:5], rtol=0, atol=1e-12)
    replay = nn.MLP(2, [16, 16, 1], engine="tensor")
    replay.load_state_dict(start)
    _micrograd_demo(replay, X, y, 5)
    for k, v in replay.state_dict().items():
        np.testing.assert_allclose(scalar.state_dict()[k], v, rtol=0, atol=1e-12, err_msg=k)


def test_three_class_spiral_with_cross_entropy():
    X, y = nn.data.make_spirals(300, n_classes=3, seed=0)
    model = nn.MLP(2, [32, 32, 3], engine="tensor", seed=0)
    opt = nn.optim.Adam(model.parameters(), lr=0.02)
    h = nn.fit(model, X, y, loss="cross_entropy", optimizer=opt, epochs=300, verbose=False)
    assert F.accuracy(nn.predict(model, X), y) >= 0.95
    assert h.seconds < 10
    linear = nn.MLP(2, [3], engine="tensor", seed=0)  # a linear model cannot separate spirals
    nn.fit(linear, X, y, loss="cross_entropy", optimizer=nn.optim.Adam(linear.parameters(), 0.05),
           epochs=200, verbose=False)
    assert F.accuracy(nn.predict(linear, X), y) < 0.7
