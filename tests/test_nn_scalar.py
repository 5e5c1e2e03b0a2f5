"""The first scalar nn (issue 2): micrograd's Neuron, Layer and MLP, its API and behaviour."""

import math

import numpy as np
import pytest
from nn_util import numeric_grads

from chainrule import nn
from chainrule.autograd import Value
from chainrule.nn import functional as F


def test_mlp_337_parameters_and_default_shape():
    m = nn.MLP(2, [16, 16, 1])
    assert m.num_parameters() == 337 == len(m.parameters())
    assert [layer.activation for layer in m.layers] == ["relu", "relu", "linear"]


def test_call_returns_value_for_one_output_else_list():
    m = nn.MLP(2, [4, 1], seed=0)
    assert isinstance(m([1.0, 2.0]), Value)
    assert isinstance(m([Value(1.0), Value(2.0)]), Value)
    out = nn.MLP(2, [4, 3], seed=0)([1.0, 2.0])
    assert isinstance(out, list) and len(out) == 3 and all(isinstance(v, Value) for v in out)
    assert isinstance(nn.Layer(3, 1, seed=0)([1, 2, 3]), Value)  # micrograd's Layer unwraps too


def test_batch_call_gives_one_result_per_sample():
    m = nn.MLP(2, [4, 1], seed=0)
    X = np.array([[1.0, 2.0], [0.5, -1.0], [0.0, 0.0]])
    out = m(X)
    assert len(out) == 3 and all(isinstance(v, Value) for v in out)
    assert [v.data for v in out] == [m(list(r)).data for r in X.tolist()]
    assert len(m([[1.0, 2.0], (3.0, 4.0)])) == 2
    # inputs become Python floats: numpy scalars would slow every op
    assert type(out[0].data) is float


def test_seed_reproduces_and_rng_is_shared():
    a, b = nn.MLP(2, [8, 1], seed=3), nn.MLP(2, [8, 1], seed=3)
    assert [p.data for p in a.parameters()] == [p.data for p in b.parameters()]
    c = nn.MLP(2, [8, 1], seed=4)
    assert [p.data for p in a.parameters()] != [p.data for p in c.parameters()]
    rng = np.random.default_rng(0)
    n1, n2 = nn.Neuron(3, rng=rng), nn.Neuron(3, rng=rng)
    assert [w.data for w in n1.w] != [w.data for w in n2.w]
    with pytest.raises(ValueError, match="not both"):
        nn.Neuron(2, seed=1, rng=rng)
    with pytest.raises(TypeError, match="Generator or an int"):
        nn.Neuron(2, seed="0")


def test_default_init_is_micrograds_uniform_and_zero_bias():
    m = nn.MLP(2, [64, 64, 1], seed=0)
    w = np.concatenate([m.state_dict()[f"layers.{i}.weight"].ravel() for i in range(3)])
    assert w.min() >= -1 and w.max() <= 1 and w.min() < -0.95 and w.max() > 0.95
    assert abs(w.mean()) < 0.05 and abs(w.var() - 1 / 3) < 0.02  # U(-1, 1): variance 1/3
    assert all(p.data == 0.0 for name, p in m.named_parameters() if name.endswith(".b"))


def test_neuron_arithmetic_and_activations():
    x = [2.0, -1.0]
    for act, f in [("relu", lambda z: max(z, 0.0)), ("tanh", math.tanh),
                   ("sigmoid", lambda z: 1 / (1 + math.exp(-z))), ("linear", lambda z: z),
                   ("softplus", lambda z: math.log1p(math.exp(z))),
                   ("leaky_relu", lambda z: z if z > 0 else 0.01 * z)]:
        for w in ([0.5, 3.0], [-0.25, 0.5]):
            n = nn.Neuron(2, activation=act, w=w, b=0.1)
            assert n(x).data == pytest.approx(f(w[0] * 2 - w[1] + 0.1), rel=1e-12)
    n = nn.Neuron(2, nonlin=False, w=[1.0, 1.0], b=0.5)
    assert n(x).data == 1.5 and n.activation == "linear"
    assert nn.Neuron(2, activation="ReLU").activation == "relu"


def test_graph_is_as_fine_grained_as_micrograds():
    n = nn.Neuron(3, w=[1.0, 2.0, 3.0], b=0.0)
    out = n([1.0, 1.0, 1.0])
    assert out.op_name == "relu"
    act = out.parents[0]
    # b + w0 x0 + w1 x1 + w2 x2: three '*' and three '+' nodes
    ops, stack = [], [act]
    while stack:
        v = stack.pop()
        if v.op is not None:
            ops.append(v.op_name)
            stack.extend(v.parents)
    assert sorted(ops) == ["*", "*", "*", "+", "+", "+"]


def test_mlp_gradients_against_finite_differences():
    m = nn.MLP(3, [4, 4, 2], activation="tanh", seed=5)
    X = np.random.default_rng(1).normal(size=(5, 3))
    y = np.array([0, 1, 1, 0, 1])

    def loss():
        return F.cross_entropy(m(X), y)

    m.zero_grad()
    loss().backward()
    numeric = numeric_grads(m, lambda: loss().data)
    for key, g in m.grad_dict().items():
        np.testing.assert_allclose(g, numeric[key], rtol=1e-5, atol=1e-7, err_msg=key)


def _micrograd_copy(model):
    mg_nn = pytest.importorskip("micrograd.nn")
    sizes = [len(model.layers[0].neurons[0].w)] + [layer.nout for layer in model.layers]
    mg = mg_nn.MLP(sizes[0], sizes[1:])
    state = model.state_dict()
    for i, layer in enumerate(mg.layers):
        for j, neuron in enumerate(layer.neurons):
            for k, w in enumerate(neuron.w):
                w.data = float(state[f"layers.{i}.weight"][j, k])
            neuron.b.data = float(state[f"layers.{i}.bias"][j])
    return mg


def test_same_numbers_as_micrograd_on_its_demo():
    """micrograd itself as the oracle: its demo's loss and gradients, and two SGD steps."""
    m = nn.MLP(2, [16, 16, 1], seed=2)
    mg = _micrograd_copy(m)
    X, y = nn.data.make_moons(20, noise=0.1, signed=True, seed=1)
    opt = nn.optim.SGD(m.parameters(), lr=lambda k: 1.0 - 0.9 * k / 100)
    for k in range(2):
        # micrograd's demo loss, written its way
        scores = [mg(list(map(float, x))) for x in X]
        losses = [(1 + -float(yi) * s).relu() for yi, s in zip(y, scores, strict=True)]
        mg_loss = sum(losses) * (1.0 / len(losses)) + 1e-4 * sum(p * p for p in mg.parameters())
        mg.zero_grad()
        mg_loss.backward()
        for p in mg.parameters():
            p.data -= (1.0 - 0.9 * k / 100) * p.grad
        # chainrule's
        opt.zero_grad()
        loss = F.hinge_loss(m(X), y) + 1e-4 * F.l2_penalty(m.parameters())
        loss.backward()
        opt.step()
        assert loss.data == pytest.approx(mg_loss.data, rel=1e-12)
    ours = [p.data for p in m.parameters()]
    theirs = [p.data for p in mg.parameters()]
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-14)


def test_state_dict_of_scalar_layers_is_tensor_shaped():
    m = nn.MLP(2, [3, 1], seed=0)
    sd = m.state_dict()
    assert list(sd) == ["layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias"]
    assert sd["layers.0.weight"].shape == (3, 2) and sd["layers.1.bias"].shape == (1,)
    assert sd["layers.0.weight"][2, 1] == m.layers[0].neurons[2].w[1].data
    n = nn.Neuron(4, seed=0)
    assert {k: v.shape for k, v in n.state_dict().items()} == {"weight": (4,), "bias": ()}


def test_bias_false_and_init_choice():
    layer = nn.Layer(3, 2, bias=False, init="zeros")
    assert layer.num_parameters() == 6 and list(layer.state_dict()) == ["weight"]
    assert layer([1.0, 2.0, 3.0])[0].data == 0.0
    assert nn.Neuron(2, bias=False, w=[1.0, 2.0])([3.0, 4.0]).data == 11.0


@pytest.mark.parametrize(
    ("make", "x", "error", "match"),
    [
        (lambda: nn.MLP(2, [3, 1]), [1.0, 2.0, 3.0], ValueError, "expects 2 inputs per sample"),
        (lambda: nn.MLP(2, [3, 1]), [[1.0, 2.0], [1.0]], ValueError, "sample 1 has 1"),
        (lambda: nn.MLP(2, [3, 1]), "ab", TypeError, "not str"),
        (lambda: nn.MLP(2, [3, 1]), np.zeros((2, 2, 2)), ValueError, r"shape \(2, 2, 2\)"),
        (lambda: nn.Neuron(2), 3.0, TypeError, "list of 2 floats"),
        (lambda: nn.Layer(2, 2), [1.0], ValueError, "expects 2 inputs"),
    ],
)
def test_bad_inputs_are_named(make, x, error, match):
    with pytest.raises(error, match=match):
        make()(x)


def test_bad_constructor_arguments():
    with pytest.raises(ValueError, match="positive int"):
        nn.Neuron(0)
    with pytest.raises(ValueError, match="non-empty list"):
        nn.MLP(2, 16)
    with pytest.raises(ValueError, match="unknown activation 'swish'"):
        nn.MLP(2, [4, 1], activation="swish")
    with pytest.raises(ValueError, match="engine must be"):
        nn.MLP(2, [4, 1], engine="gpu")
    with pytest.raises(ValueError, match="unknown init"):
        nn.Layer(2, 2, init="glorot")
    with pytest.raises(ValueError, match="2 starting weights"):
        nn.Neuron(2, w=[1.0])


def test_layer_outputs_show_every_layer():
    m = nn.MLP(2, [4, 3, 1], seed=0)
    X = np.array([[1.0, -2.0], [0.5, 0.5]])
    outs = m.layer_outputs(X)
    assert [len(o[0]) for o in outs] == [4, 3, 1] and all(len(o) == 2 for o in outs)
    assert all(v.data >= 0 for v in outs[0][0])  # relu
    assert outs[-1][1][0].data == m(X[1]).data
    first = m.layers[0](X[0])
    assert [v.data for v in outs[0][0]] == [v.data for v in first]
