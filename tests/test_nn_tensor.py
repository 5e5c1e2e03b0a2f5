"""The tensor side of nn: Linear, Sequential, activation modules, the tensor MLP, losses and
optimizers on Tensors, against finite differences and PyTorch."""

import numpy as np
import pytest
from nn_util import numeric_grads

from chainrule import autograd, nn
from chainrule.autograd import Tensor
from chainrule.nn import functional as F

RNG = np.random.default_rng(0)
X = RNG.normal(size=(7, 3))


def test_linear_computes_x_wT_plus_b():
    layer = nn.Linear(3, 4, seed=0)
    W, b = layer.weight.data, layer.bias.data
    assert W.shape == (4, 3) and b.shape == (4,)
    np.testing.assert_allclose(layer(X).data, X @ W.T + b, rtol=1e-15)
    assert layer(X[0]).shape == (4,)
    assert layer(Tensor(X)).shape == (7, 4)
    assert nn.Linear(3, 4, bias=False, seed=0)(X).shape == (7, 4)


def test_linear_default_init_is_pytorchs():
    layer = nn.Linear(400, 300, seed=0)
    bound = 1 / np.sqrt(400)
    for p in (layer.weight.data, layer.bias.data):
        assert np.abs(p).max() <= bound and np.abs(p).max() > 0.95 * bound
    other = nn.Linear(400, 300, init="xavier_uniform", seed=0)
    assert np.all(other.bias.data == 0)
    assert np.array_equal(nn.Linear(3, 2, seed=5).weight.data, nn.Linear(3, 2, seed=5).weight.data)


def test_linear_gradients_against_finite_differences_and_torch():
    layer = nn.Linear(3, 4, seed=1)
    y = RNG.normal(size=(7, 4))

    def loss():
        return F.mse_loss(layer(X).tanh(), y)

    loss().backward()
    numeric = numeric_grads(layer, lambda: float(loss().data))
    for k, g in layer.grad_dict().items():
        np.testing.assert_allclose(g, numeric[k], rtol=1e-6, atol=1e-9, err_msg=k)
    torch = pytest.importorskip("torch")
    ref = torch.nn.Linear(3, 4).double()
    with torch.no_grad():
        ref.weight.copy_(torch.tensor(layer.weight.data))
        ref.bias.copy_(torch.tensor(layer.bias.data))
    out = torch.nn.functional.mse_loss(ref(torch.tensor(X)).tanh(), torch.tensor(y))
    out.backward()
    assert float(loss().data) == pytest.approx(out.item(), rel=1e-13)
    np.testing.assert_allclose(layer.weight.grad, ref.weight.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(layer.bias.grad, ref.bias.grad.numpy(), rtol=1e-12)


def test_sequential_names_indexing_and_repr():
    seq = nn.Sequential(nn.Linear(3, 5, seed=0), nn.ReLU(), nn.Linear(5, 2, seed=1))
    assert [n for n, _ in seq.named_parameters()] == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert seq[0].weight.label == "0.weight" and seq[-1] is seq[2] and len(seq) == 3
    assert isinstance(list(seq)[1], nn.ReLU)
    out = seq(X)
    np.testing.assert_allclose(out.data, seq[2](seq[0](X).relu()).data)
    text = repr(seq)
    assert "(0): Linear(3 -> 5)" in text and "(1): ReLU()" in text
    with pytest.raises(IndexError, match="index 3 out of range"):
        seq[3]
    with pytest.raises(TypeError, match="Sequential item 0 is a int"):
        nn.Sequential(3)


def test_sequential_keeps_its_length_after_eval():
    seq = nn.Sequential(nn.Linear(2, 3, seed=0), nn.ReLU())
    seq.eval()  # sets a public ``training`` attribute: it is not one of the modules
    assert len(seq) == 2 and [type(m).__name__ for m in seq] == ["Linear", "ReLU"]
    assert seq(np.zeros(2)).shape == (3,)


@pytest.mark.parametrize(
    ("module", "ref"),
    [(nn.ReLU(), "relu"), (nn.Tanh(), "tanh"), (nn.Sigmoid(), "sigmoid"),
     (nn.Softplus(), "softplus"), (nn.LeakyReLU(0.2), "leaky_relu"), (nn.Identity(), "identity")],
)
def test_activation_modules_on_both_engines(module, ref):
    torch = pytest.importorskip("torch")
    tF = torch.nn.functional
    reference = {"relu": tF.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid,
                 "softplus": tF.softplus, "leaky_relu": lambda a: tF.leaky_relu(a, 0.2),
                 "identity": lambda a: a}[ref]
    z = np.linspace(-3, 3, 7)
    t = Tensor(z, requires_grad=True)
    out = module(t)
    out.sum().backward()
    tz = torch.tensor(z, requires_grad=True)
    tout = reference(tz)
    tout.sum().backward()
    np.testing.assert_allclose(out.data, tout.detach().numpy(), rtol=1e-13)
    np.testing.assert_allclose(t.grad, tz.grad.numpy(), rtol=1e-13)
    values = [autograd.Value(float(v)) for v in z]
    np.testing.assert_allclose([v.data for v in module(values)], out.data, rtol=1e-13)


def test_tensor_mlp_shapes_counts_and_dtype():
    m = nn.MLP(2, [16, 16, 1], engine="tensor", seed=0)
    assert m.num_parameters() == 337
    assert m(np.zeros((5, 2))).shape == (5, 1) and m(np.zeros(2)).shape == (1,)
    m32 = nn.MLP(2, [8, 3], engine="tensor", dtype=np.float32, seed=0)
    out = m32(np.ones((4, 2)))
    assert out.dtype == np.float32
    F.cross_entropy(out, [0, 1, 2, 0]).backward()
    assert all(p.grad.dtype == np.float32 for p in m32.parameters())
    opt = nn.optim.Adam(m32.parameters(), lr=0.01)
    opt.step()
    assert all(p.data.dtype == np.float32 for p in m32.parameters())


def test_engine_mismatch_errors():
    s = nn.MLP(2, [3, 1], seed=0)
    t = nn.MLP(2, [3, 1], engine="tensor", seed=0)
    with pytest.raises(TypeError, match="scalar-engine module and got a Tensor"):
        s(Tensor(np.zeros(2)))
    with pytest.raises(TypeError, match="tensor-engine module and got a Value"):
        t.layers[0](autograd.Value(1.0))
    with pytest.raises(ValueError, match=r"expects inputs with 2 features .* got shape \(4, 3\)"):
        t(np.zeros((4, 3)))
    with pytest.raises(TypeError, match="numeric array or a Tensor"):
        t(["a", "b"])


# --- losses on tensors --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "labels", "shape"),
    [("mse_loss", RNG.normal(size=6), (6,)),
     ("hinge_loss", np.array([1, -1, 1, 1, -1, -1]), (6, 1)),
     ("binary_cross_entropy_with_logits", np.array([1, 0, 0, 1, 1, 0]), (6, 1)),
     ("cross_entropy", np.array([0, 2, 1, 1, 0, 2]), (6, 3))],
)
def test_tensor_losses_equal_scalar_losses(name, labels, shape):
    fn = getattr(F, name)
    z = RNG.normal(size=shape) * 2
    t = Tensor(z, requires_grad=True)
    L = fn(t, labels)
    L.backward()
    vals = [[autograd.Value(float(a)) for a in row] for row in z.reshape(len(z), -1)]
    scalar_pred = vals if shape[-1] == 3 else [r[0] for r in vals]
    Ls = fn(scalar_pred, labels)
    Ls.backward()
    assert float(L.data) == pytest.approx(Ls.data, rel=1e-13)
    grads = np.array([[v.grad for v in r] for r in vals]).reshape(shape)
    np.testing.assert_allclose(t.grad, grads, rtol=1e-12, atol=1e-15)


def test_tensor_losses_never_broadcast_n1_against_n():
    s = Tensor(np.array([[0.5], [-2.0], [3.0]]), requires_grad=True)
    assert float(F.hinge_loss(s, [1, 1, -1]).data) == pytest.approx((0.5 + 3 + 4) / 3)
    with pytest.raises(ValueError, match=r"predictions have shape \(3, 1\), targets \(2,\)"):
        F.mse_loss(s, [1.0, 2.0])
    with pytest.raises(ValueError, match="logits of shape"):
        F.cross_entropy(Tensor(np.zeros(3)), [0])


def test_penalties_on_tensors():
    m = nn.MLP(2, [3, 1], engine="tensor", seed=0)
    expected = sum(float((v**2).sum()) for v in m.state_dict().values())
    assert float(F.l2_penalty(m.parameters()).data) == pytest.approx(expected)
    F.l2_penalty(m.parameters()).backward()
    np.testing.assert_allclose(m.layers[0].weight.grad, 2 * m.layers[0].weight.data)


# --- optimizers on tensors ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01}),
     ("Adam", {"lr": 0.01, "weight_decay": 0.1}), ("AdamW", {"lr": 0.01, "weight_decay": 0.1})],
)
def test_tensor_parameters_match_torch(name, kwargs):
    torch = pytest.importorskip("torch")
    start = [RNG.normal(size=(3, 2)), RNG.normal(size=4)]
    ours = [Tensor(a, requires_grad=True) for a in start]
    theirs = [torch.tensor(a, requires_grad=True) for a in start]
    opt = getattr(nn.optim, name)(ours, **kwargs)
    ref = getattr(torch.optim, name)(theirs, **kwargs)
    for _ in range(5):
        grads = [RNG.normal(size=a.shape) for a in start]
        for p, q, g in zip(ours, theirs, grads, strict=True):
            p.grad, q.grad = g, torch.tensor(g)
        opt.step()
        ref.step()
        for p, q in zip(ours, theirs, strict=True):
            np.testing.assert_allclose(p.data, q.detach().numpy(), rtol=1e-13, atol=1e-15)


def test_optimizer_skips_tensors_without_grad_and_zero_grad_sets_none():
    a, b = Tensor(np.ones(2), requires_grad=True), Tensor(np.ones(2), requires_grad=True)
    opt = nn.optim.SGD([a, b], lr=0.5)
    (a * 2).sum().backward()
    opt.step()
    np.testing.assert_array_equal(a.data, [0.0, 0.0])
    np.testing.assert_array_equal(b.data, [1.0, 1.0])
    opt.zero_grad()
    assert a.grad is None


def test_fit_on_the_tensor_engine_with_mini_batches():
    X, y = nn.data.make_circles(120, noise=0.05, seed=0)
    m = nn.MLP(2, [16, 1], activation="tanh", engine="tensor", dtype=np.float32, seed=0)
    opt = nn.optim.Adam(m.parameters(), lr=0.05)
    h = nn.fit(m, X, y, loss="bce", optimizer=opt, epochs=40, batch_size=32, verbose=False)
    assert len(h) == 40 * 4 and h["epoch"][-1] == 39
    assert F.accuracy(nn.predict(m, X), y) > 0.95
    assert m.layers[0].weight.data.dtype == np.float32


def test_layer_outputs_on_tensors_match_the_scalar_model():
    s = nn.MLP(2, [4, 3, 2], activation="tanh", seed=0)
    t = nn.MLP(2, [4, 3, 2], activation="tanh", engine="tensor")
    t.load_state_dict(s.state_dict())
    X = np.array([[1.0, -2.0], [0.5, 0.5], [0.0, 3.0]])
    for so, to in zip(s.layer_outputs(X), t.layer_outputs(X), strict=True):
        np.testing.assert_allclose([[v.data for v in row] for row in so], to.data, atol=1e-12)
