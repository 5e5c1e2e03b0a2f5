"""The layer contract (nn.Dense): Neuron, Layer and Linear answer the same questions with the same
names, MLP only stacks layers, and nn asks a node its engine with ``node.engine``."""

import ast
import inspect

import numpy as np
import pytest

from chainrule import nn
from chainrule.autograd import Tensor, Value
from chainrule.nn import _arrays, mlp

# (layer, engine, in, out, activation, state-dict shapes)
CASES = [
    (lambda: nn.Neuron(3, activation="tanh", seed=0), "scalar", 3, 1, "tanh",
     {"weight": (3,), "bias": ()}),
    (lambda: nn.Layer(3, 4, seed=0), "scalar", 3, 4, "relu",
     {"weight": (4, 3), "bias": (4,)}),
    (lambda: nn.Layer(3, 2, nonlin=False, bias=False, seed=0), "scalar", 3, 2, "linear",
     {"weight": (2, 3)}),
    (lambda: nn.Linear(3, 4, seed=0), "tensor", 3, 4, "linear",
     {"weight": (4, 3), "bias": (4,)}),
    (lambda: nn.Linear(3, 2, activation="sigmoid", bias=False, seed=0), "tensor", 3, 2, "sigmoid",
     {"weight": (2, 3)}),
]


@pytest.mark.parametrize(("make", "engine", "nin", "nout", "act", "shapes"), CASES)
def test_every_layer_answers_the_same_questions(make, engine, nin, nout, act, shapes):
    layer = make()
    assert isinstance(layer, nn.Dense) and isinstance(layer, nn.Module)
    assert layer.engine == type(layer).engine == engine
    assert (layer.in_features, layer.out_features, layer.activation) == (nin, nout, act)
    assert (layer.nin, layer.nout) == (nin, nout)  # micrograd's names for the same numbers
    assert all(p.engine == engine for p in layer.parameters())
    assert {k: v.shape for k, v in layer.state_dict().items()} == shapes
    assert layer.num_parameters() == sum(int(np.prod(s)) for s in shapes.values())


@pytest.mark.parametrize(("make", "engine", "nin", "nout", "act", "shapes"), CASES)
def test_forward_is_to_batch_forward_batch_from_batch(make, engine, nin, nout, act, shapes):
    layer = make()
    X = np.random.default_rng(1).normal(size=(5, nin))
    for x in (X, X[0]):
        batch, single = layer.to_batch(x)
        assert single == (x.ndim == 1)
        out = layer.from_batch(layer.forward_batch(batch), single)
        np.testing.assert_array_equal(nn.predict(layer, x), _arrays.numbers(out))
    # the batch format has out_features per sample on both engines
    outs = layer.forward_batch(layer.to_batch(X)[0])
    assert _arrays.numbers(outs).shape == (5, nout)


def test_a_layer_applies_its_activation_on_both_engines():
    X = np.random.default_rng(2).normal(size=(6, 3))
    scalar = nn.Layer(3, 4, activation="tanh", seed=0)
    tensor = nn.Linear(3, 4, activation="tanh")
    tensor.load_state_dict(scalar.state_dict())
    np.testing.assert_allclose(nn.predict(tensor, X), nn.predict(scalar, X), rtol=0, atol=1e-14)
    z = X @ tensor.weight.data.T + tensor.bias.data
    np.testing.assert_allclose(nn.predict(tensor, X), np.tanh(z), rtol=0, atol=1e-14)
    assert repr(tensor) == "Linear(3 -> 4, tanh)" and repr(nn.Linear(3, 4)) == "Linear(3 -> 4)"


@pytest.mark.parametrize("engine", ["scalar", "tensor"])
def test_mlp_is_its_layers_stacked(engine):
    m = nn.MLP(3, [5, 4, 2], activation="tanh", engine=engine, seed=0)
    assert m.engine == engine and all(type(layer) is mlp.LAYERS[engine] for layer in m.layers)
    assert [layer.activation for layer in m.layers] == ["tanh", "tanh", "linear"]
    assert [(layer.in_features, layer.out_features) for layer in m.layers] == [(3, 5), (5, 4),
                                                                             (4, 2)]
    assert (m.in_features, m.out_features) == (3, 2)
    X = np.random.default_rng(0).normal(size=(4, 3))
    by_hand = X
    for layer in m.layers:
        by_hand = nn.predict(layer, by_hand)
    np.testing.assert_allclose(nn.predict(m, X), by_hand, rtol=0, atol=1e-14)


def test_mlp_source_never_branches_on_the_engine_or_reaches_into_a_layer():
    tree = ast.parse(inspect.getsource(mlp.MLP))
    engines = {"scalar", "tensor"}
    compared = [ast.unparse(n) for n in ast.walk(tree) if isinstance(n, ast.Compare)
                and engines & {c.value for c in ast.walk(n) if isinstance(c, ast.Constant)}]
    assert compared == [], f"MLP compares engine names: {compared}"
    private = [n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)
               and n.attr.startswith("_") and not n.attr.startswith("__")]
    assert private == [], f"MLP uses private attributes: {private}"


def test_scalar_layers_take_only_float64():
    assert nn.Layer(2, 2, dtype=np.float64, seed=0).nout == 2
    with pytest.raises(ValueError, match="dtype= is for engine='tensor'"):
        nn.MLP(2, [3, 1], dtype=np.float32)


def test_an_empty_batch_gives_an_empty_result_on_both_engines():
    assert nn.MLP(2, [3, 1], seed=0)(np.zeros((0, 2))) == []
    assert nn.MLP(2, [3, 1], engine="tensor", seed=0)(np.zeros((0, 2))).shape == (0, 1)


def test_a_middle_layer_of_one_neuron_passes_its_batch_on():
    X = np.random.default_rng(3).normal(size=(4, 2))
    s = nn.MLP(2, [1, 3], seed=0)
    t = nn.MLP(2, [1, 3], engine="tensor")
    t.load_state_dict(s.state_dict())
    assert len(s(X)) == 4 and len(s(X)[0]) == 3
    np.testing.assert_allclose(nn.predict(s, X), nn.predict(t, X), rtol=0, atol=1e-14)


# --- engine detection ---------------------------------------------------------------------------


def test_is_tensor_asks_the_engine_even_for_a_numpy_scalar_result():
    dot = Tensor([1.0, 2.0]) @ Tensor([3.0, 4.0])  # a 0-d result
    assert _arrays.is_tensor(dot) and dot.engine == "tensor"
    assert not _arrays.is_tensor(Value(1.0)) and not _arrays.is_tensor(np.zeros(2))
    assert not _arrays.is_tensor(nn.MLP(2, [1], engine="tensor"))  # a model is not a node


def test_engine_mismatch_is_told_by_the_engine_not_the_data():
    dot = Tensor([1.0, 2.0]) @ Tensor([3.0, 4.0])
    with pytest.raises(TypeError, match="scalar-engine module and got a Tensor"):
        nn.Neuron(1, seed=0)(dot)
    with pytest.raises(TypeError, match="tensor-engine module and got a Value"):
        nn.Linear(1, 1, seed=0)(Value(1.0))
