"""nn.init: each scheme's bounds and variance, gains, re-initialising a built model."""

import math

import numpy as np
import pytest

from chainrule import nn
from chainrule.nn import init

SHAPE = (200, 300)  # (out, in): fan_in 300, fan_out 200


@pytest.mark.parametrize(
    ("name", "bound", "var"),
    [
        ("uniform", 1.0, 1 / 3),
        ("pytorch", 1 / math.sqrt(300), 1 / (3 * 300)),
        ("xavier_uniform", math.sqrt(6 / 500), 2 / 500),
        ("kaiming_uniform", math.sqrt(2) * math.sqrt(3 / 300), 2 / 300),
    ],
)
def test_uniform_schemes(name, bound, var):
    w = init.SCHEMES[name](SHAPE, np.random.default_rng(0))
    assert w.shape == SHAPE
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.99 * bound
    assert w.var() == pytest.approx(var, rel=0.03)


@pytest.mark.parametrize(("name", "var"), [("normal", 1.0), ("xavier_normal", 2 / 500),
                                           ("kaiming_normal", 2 / 300)])
def test_normal_schemes(name, var):
    w = init.SCHEMES[name](SHAPE, np.random.default_rng(0))
    assert w.mean() == pytest.approx(0.0, abs=0.01 * math.sqrt(var) * 10)
    assert w.var() == pytest.approx(var, rel=0.03)


def test_gains_and_fans():
    assert init.calculate_gain("relu") == math.sqrt(2)
    assert init.calculate_gain("tanh") == 5 / 3
    assert init.calculate_gain("sigmoid") == 1.0
    assert init.calculate_gain("leaky_relu", 0.2) == math.sqrt(2 / 1.04)
    assert init.fans((4, 3)) == (3, 4) and init.fans((5,)) == (5, 1)
    with pytest.raises(ValueError, match="no gain for 'swish'"):
        init.calculate_gain("swish")
    with pytest.raises(ValueError, match="shape"):
        init.fans((2, 3, 4))
    w = init.xavier_uniform((10, 10), 0, gain=init.calculate_gain("tanh"))
    assert np.abs(w).max() <= 5 / 3 * math.sqrt(6 / 20)


def test_layers_take_init_and_seed():
    layer = nn.Layer(200, 100, init="kaiming_normal", seed=0)
    w = layer.state_dict()["weight"]
    assert w.var() == pytest.approx(2 / 200, rel=0.05)
    assert np.array_equal(w, init.kaiming_normal((100, 200), np.random.default_rng(0)))
    custom = nn.Layer(2, 3, init=lambda shape, rng: np.full(shape, 0.5))
    assert np.all(custom.state_dict()["weight"] == 0.5)
    with pytest.raises(ValueError, match=r"returned shape \(2,\), expected \(3, 2\)"):
        nn.Layer(2, 3, init=lambda shape, rng: np.zeros(2))


def test_initialize_a_built_model():
    m = nn.MLP(2, [16, 16, 1], seed=0)
    init.initialize(m, "xavier_uniform", "normal", seed=3)
    sd = m.state_dict()
    assert np.abs(sd["layers.1.weight"]).max() <= math.sqrt(6 / 32)
    assert np.any(sd["layers.1.bias"] != 0)
    again = init.initialize(nn.MLP(2, [16, 16, 1], seed=9), "xavier_uniform", "normal", seed=3)
    for k, v in again.state_dict().items():
        np.testing.assert_array_equal(v, sd[k])
    init.initialize(m, bias="pytorch", seed=0)
    assert np.abs(m.state_dict()["layers.1.bias"]).max() <= 1 / 4  # 1/sqrt(fan_in = 16)
    n = init.initialize(nn.Neuron(3, seed=0), "uniform", "uniform", seed=0)
    assert n.b.data != 0.0
