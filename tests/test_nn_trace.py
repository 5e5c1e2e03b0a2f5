"""One sample through a network (nn.trace_sample, nn.to_engine) and one neuron's share of its
backward pass (nn.neuron_walkthrough), on both engines, against the engine's own gradients."""

import doctest

import numpy as np
import pytest
from nn_util import leaves_by_label

from chainrule import nn
from chainrule.autograd import Tensor, Value
from chainrule.nn import functional as F
from chainrule.nn import trace as trace_module

X = np.array([[0.4, -1.2], [1.5, 0.3], [-0.7, 0.9]])


@pytest.mark.parametrize("engine", ["scalar", "tensor"])
def test_to_engine_copies_shape_activation_and_weights(engine):
    other = "tensor" if engine == "scalar" else "scalar"
    model = nn.MLP(2, [4, 3], activation="sigmoid", engine=engine, seed=1)
    copy = nn.to_engine(model, other)
    assert copy.engine == other and copy.activation == "sigmoid" and copy.nouts == [4, 3]
    for key, value in model.state_dict().items():
        assert np.array_equal(copy.state_dict()[key], value), key
    np.testing.assert_allclose(nn.predict(copy, X), nn.predict(model, X), rtol=0, atol=1e-12)
    no_bias = nn.to_engine(nn.MLP(2, [2], bias=False, engine=engine, seed=0), other)
    assert list(no_bias.state_dict()) == ["layers.0.weight"]


def test_to_engine_errors():
    with pytest.raises(TypeError, match="copies an nn.MLP, not Linear"):
        nn.to_engine(nn.Linear(2, 3), "scalar")
    with pytest.raises(ValueError, match="engine must be 'scalar' or 'tensor', not 'gpu'"):
        nn.to_engine(nn.MLP(2, [1]), "gpu")


@pytest.mark.parametrize("engine", ["scalar", "tensor"])
def test_trace_sample_gives_the_engines_numbers_and_gradients(engine):
    """The traced sample's scores and every parameter's gradient are those of the model on its
    own engine (for a tensor model: of one batch of one row, backpropagated as a Tensor)."""
    model = nn.MLP(2, [4, 3], activation="tanh", engine=engine, seed=2)
    trace = nn.trace_sample(model, X[1], loss=lambda s: F.cross_entropy([s], [2]))
    assert [len(v) for v in trace.layers] == [2, 4, 3]
    assert [v.label for v in trace.layers[0]] == ["x1", "x2"] and trace.loss.label == "loss"
    assert (trace.model is model) == (engine == "scalar")
    np.testing.assert_allclose(trace.scores, nn.predict(model, X[1:2])[0], rtol=0, atol=1e-12)
    reference = nn.to_engine(model, "tensor")
    F.cross_entropy(reference(Tensor(X[1:2])), [2]).backward()
    for i, layer in enumerate(trace.model.layers):
        w = np.array([[p.grad for p in n.w] for n in layer.neurons])
        b = np.array([n.b.grad for n in layer.neurons])
        np.testing.assert_allclose(w, reference.layers[i].weight.grad, rtol=0, atol=1e-12)
        np.testing.assert_allclose(b, reference.layers[i].bias.grad, rtol=0, atol=1e-12)
    if engine == "tensor":
        assert all(p.grad is None for p in model.parameters())  # the model itself is untouched
    else:  # a second trace sets the grads again (they are the sample's, not a running sum)
        before = [p.grad for p in model.parameters()]
        nn.trace_sample(model, X[1], loss=lambda s: F.cross_entropy([s], [2]))
        assert [p.grad for p in model.parameters()] == before


def test_trace_sample_labels_and_errors():
    model = nn.MLP(3, [2], seed=0)
    trace = nn.trace_sample(model, [1.0, 2.0, 3.0], labels=["a", "b", "c"])
    assert [v.label for v in trace.layers[0]] == ["a", "b", "c"] and trace.loss is None
    with pytest.raises(ValueError, match=r"one sample of 3 numbers, not an array of shape \(2,\)"):
        nn.trace_sample(model, [1.0, 2.0])
    with pytest.raises(ValueError, match="got 2 labels for 3 inputs"):
        nn.trace_sample(model, [1.0, 2.0, 3.0], labels=["a", "b"])
    with pytest.raises(TypeError, match="takes an nn.MLP, not Neuron"):
        nn.trace_sample(nn.Neuron(2), [1.0, 2.0])
    with pytest.raises(ValueError, match=r"with a loss \(trace_sample\(..., loss=...\)\)"):
        nn.neuron_walkthrough(trace, 0, 0)


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "leaky_relu", "softplus"])
@pytest.mark.parametrize("layer, neuron", [(0, 1), (1, 2), (2, 0)])
def test_the_walkthrough_carries_the_samples_gradients(activation, layer, neuron):
    """Backpropagating the neuron's root gives each of its weights and its bias exactly the
    gradient the sample's loss gives them in the whole network; the model keeps its own."""
    model = nn.MLP(2, [3, 3, 1], activation=activation, seed=5)
    trace = nn.trace_sample(model, X[0], loss=lambda s: (s - 0.25) * (s - 0.25))
    cell = model.layers[layer].neurons[neuron]
    kept = [p.grad for p in cell.parameters()]
    root = nn.neuron_walkthrough(trace, layer, neuron)
    root.backward()
    leaves = leaves_by_label(root)
    for p in cell.parameters():
        assert abs(leaves[p.label].grad - p.grad) < 1e-12, p.label
    assert [p.grad for p in cell.parameters()] == kept
    assert root.label == "L (this neuron's share)" and leaves["dL/dout"].data == \
        trace.layers[layer + 1][neuron].grad
    z = root.parents[0] if layer == 2 else root.parents[0].parents[0]
    assert z.label == "z" and (layer == 2 or root.parents[0].label == "out")
    # the previous layer's outputs count from 0, as the weights do: a_i is weighted by w.i
    names = ["x1", "x2"] if layer == 0 else ["a0", "a1", "a2"]
    assert set(names) <= set(leaves) and "a3" not in leaves
    for v, n in zip(trace.layers[layer], names, strict=True):
        assert leaves[n].data == v.data


def test_the_walkthrough_of_a_tensor_model_matches_finite_differences():
    model = nn.MLP(2, [3, 2], activation="tanh", engine="tensor", seed=3)
    trace = nn.trace_sample(model, X[2], loss=lambda s: F.cross_entropy([s], [1]))
    root = nn.neuron_walkthrough(trace, 0, 2)
    root.backward()
    leaves = leaves_by_label(root)
    state, eps = model.state_dict(), 1e-6

    def loss_with(weight):
        m = nn.to_engine(model, "tensor")
        m.load_state_dict({**state, "layers.0.weight": weight})
        return float(F.cross_entropy(m(Tensor(X[2:3])), [1]).data)

    for i in range(2):
        up, down = state["layers.0.weight"].copy(), state["layers.0.weight"].copy()
        up[2, i] += eps
        down[2, i] -= eps
        fd = (loss_with(up) - loss_with(down)) / (2 * eps)
        assert abs(leaves[f"layers.0.neurons.2.w.{i}"].grad - fd) < 1e-7


@pytest.mark.parametrize("layer, neuron, words", [
    (3, 0, "layer must be a whole number from 0 to 1"),
    (True, 0, "layer must be a whole number"),
    (0, 4, r"neuron must be a whole number from 0 to 3 \(layer 0\)"),
    (1, 1, r"from 0 to 0 \(layer 1\)"),
    (1, -1, "neuron must be"),
])
def test_the_walkthrough_refuses_bad_indices(layer, neuron, words):
    model = nn.MLP(2, [4, 1], seed=0)
    trace = nn.trace_sample(model, X[0], loss=lambda s: s * s)
    with pytest.raises(ValueError, match=words):
        nn.neuron_walkthrough(trace, layer, neuron)


def test_the_walkthrough_is_a_standalone_graph():
    model = nn.MLP(2, [2, 1], seed=0)
    trace = nn.trace_sample(model, X[1], loss=lambda s: s * s)
    root = nn.neuron_walkthrough(trace, 0, 0)
    inputs = trace.layers[0]
    assert all(leaf is not v for leaf in leaves_by_label(root).values() for v in inputs)
    assert all(isinstance(v, Value) for v in leaves_by_label(root).values())


def test_the_module_example_runs():
    assert doctest.testmod(trace_module).failed == 0
