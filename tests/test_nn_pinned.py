"""What a seed builds, pinned: the same seed gives the same weights, names and shapes release after
release (a saved lesson or a test that quotes numbers must not drift when nn is reorganised).

The numbers below were taken from nn before the layer contract (issue 10) and must never change.
"""

import hashlib

import numpy as np
import pytest

from chainrule import nn


def _digest(model) -> str:
    """A short fingerprint of a model's state dict: its keys, in order, and every float64 bit."""
    h = hashlib.sha256()
    for key, value in model.state_dict().items():
        h.update(key.encode())
        h.update(np.ascontiguousarray(value, dtype=np.float64).tobytes())
    return h.hexdigest()[:16]


def test_scalar_mlp_seed_0_weights():
    sd = nn.MLP(2, [3, 1], seed=0).state_dict()
    assert list(sd) == ["layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias"]
    np.testing.assert_allclose(sd["layers.0.weight"], [[0.273923, -0.460427],
                                                       [-0.918053, -0.966945],
                                                       [0.62654, 0.825511]], atol=1e-6)
    np.testing.assert_allclose(sd["layers.1.weight"], [[0.213272, 0.458993, 0.08725]], atol=1e-6)
    assert not sd["layers.0.bias"].any() and not sd["layers.1.bias"].any()


def test_tensor_mlp_seed_0_weights():
    sd = nn.MLP(2, [3, 1], engine="tensor", seed=0).state_dict()
    np.testing.assert_allclose(sd["layers.0.weight"], [[0.193693, -0.325571],
                                                       [-0.649161, -0.683733],
                                                       [0.443031, 0.583725]], atol=1e-6)
    np.testing.assert_allclose(sd["layers.0.bias"], [0.150806, 0.324557, 0.061695], atol=1e-6)
    np.testing.assert_allclose(sd["layers.1.weight"], [[0.502378, 0.364716, -0.574188]], atol=1e-6)
    np.testing.assert_allclose(sd["layers.1.bias"], [0.412695], atol=1e-6)


@pytest.mark.parametrize(
    ("kwargs", "digest"),
    [
        ({}, "d7211a06afcaa857"),
        ({"activation": "tanh"}, "d7211a06afcaa857"),
        ({"engine": "tensor"}, "56f746c49e44c2b9"),
        ({"init": "xavier_uniform"}, "744b675fe09abb2e"),
        ({"engine": "tensor", "init": "kaiming_normal"}, "f9f3b9e84e192e65"),
        ({"bias": False}, "fad361639d069747"),
        ({"engine": "tensor", "bias": False}, "dcf3da73a6c7bb53"),
        ({"engine": "tensor", "dtype": np.float32}, "dcb9077168e09423"),
    ],
)
def test_moons_model_weights_are_pinned(kwargs, digest):
    assert _digest(nn.MLP(2, [16, 16, 1], seed=3, **kwargs)) == digest


def test_layers_drawing_from_one_generator_are_pinned():
    g = np.random.default_rng(5)
    digests = [_digest(nn.Layer(3, 4, rng=g)), _digest(nn.Linear(3, 4, rng=g)),
               _digest(nn.Neuron(3, rng=g))]
    assert digests == ["bb73b8a1f6cb7905", "7b88ec43dc34069f", "a34cce932d01da8e"]


def test_parameter_order_and_names_are_pinned():
    scalar = [n for n, _ in nn.MLP(2, [2, 1], seed=0).named_parameters()]
    assert scalar == ["layers.0.neurons.0.w.0", "layers.0.neurons.0.w.1", "layers.0.neurons.0.b",
                      "layers.0.neurons.1.w.0", "layers.0.neurons.1.w.1", "layers.0.neurons.1.b",
                      "layers.1.neurons.0.w.0", "layers.1.neurons.0.w.1", "layers.1.neurons.0.b"]
    tensor = [n for n, _ in nn.MLP(2, [2, 1], engine="tensor", seed=0).named_parameters()]
    assert tensor == ["layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias"]


def test_scalar_repr_and_summary_are_pinned():
    m = nn.MLP(2, [3, 1], seed=0)
    assert repr(m) == (
        "MLP(\n"
        "  2 -> [3, 1], activation='relu', engine='scalar'\n"
        "  (layers.0): Layer(\n"
        "    2 -> 3, relu\n"
        "    (neurons.0-2): 3 x Neuron(2, relu)\n"
        "  )\n"
        "  (layers.1): Layer(\n"
        "    3 -> 1, linear\n"
        "    (neurons.0): Neuron(3, linear)\n"
        "  )\n"
        ")"
    )
    assert m.summary().splitlines()[3:7] == [
        "-----------------------------------------------",
        "layers.0  Layer(2 -> 3, relu)         3       9",
        "layers.1  Layer(3 -> 1, linear)       1       4",
        "-----------------------------------------------",
    ]
