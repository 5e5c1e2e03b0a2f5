"""to_torch / from_torch / to_torch_code: equal outputs and gradients both ways, clear refusals."""

import collections
import sys

import numpy as np
import pytest

from chainrule import nn
from chainrule.autograd import Tensor

torch = pytest.importorskip("torch")

TOL = {np.float64: 1e-12, np.float32: 1e-6}


def _models():
    f32 = np.float32
    return {
        "scalar-mlp": nn.MLP(3, [4, 4, 2], seed=0),
        "mlp-tanh": nn.MLP(3, [5, 2], activation="tanh", engine="tensor", seed=1),
        "mlp-sigmoid-nobias": nn.MLP(3, [5, 2], activation="sigmoid", engine="tensor", seed=2,
                                     bias=False),
        "mlp-linear": nn.MLP(3, [2, 2], activation="linear", engine="tensor", seed=3),
        "mlp-f32-softplus": nn.MLP(3, [4, 2], activation="softplus", engine="tensor", seed=4,
                                   dtype=f32),
        "sequential-all": nn.Sequential(
            nn.Linear(3, 4, seed=5), nn.ReLU(), nn.Linear(4, 4, seed=6), nn.LeakyReLU(0.2),
            nn.Linear(4, 4, seed=7), nn.Softplus(), nn.Linear(4, 4, seed=8), nn.Sigmoid(),
            nn.Identity(), nn.Linear(4, 2, bias=False, seed=9), nn.Tanh()),
        "nested": nn.Sequential(nn.MLP(3, [4, 4], activation="leaky_relu", engine="tensor",
                                       seed=10), nn.Tanh(),
                                nn.Sequential(nn.Linear(4, 2, seed=11))),
    }




def _image_models():
    return {
        "cnn": nn.Sequential(
            nn.Conv2d(2, 4, 3, padding=1, seed=0), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(4, 4, (3, 2), stride=(2, 1), dilation=(1, 2), bias=False, seed=1),
            nn.AvgPool2d(1), nn.Flatten(), nn.LayerNorm(4), nn.Dropout(0.25),
            nn.Linear(4, 3, seed=2)),
        "cnn-f32-groups": nn.Sequential(
            nn.Conv2d(2, 4, 3, groups=2, dtype=np.float32, seed=3), nn.Tanh(), nn.Flatten(),
            nn.LayerNorm(64, elementwise_affine=False, dtype=np.float32),
            nn.Linear(64, 2, dtype=np.float32, seed=4)),
    }


MODELS = {**_models(), **_image_models()}


def _dtype(model):
    return next(iter(model.state_dict().values())).dtype.type


def _input(model, dt):
    images = "Conv2d" in str(nn.bridge.describe(model))
    shape = (2, 2, 6, 6) if images else (6, 3)
    return np.random.default_rng(0).normal(size=shape).astype(dt)


def _ours(model, x):
    """Outputs, input gradient and parameter gradients of sum(out * c) in chainrule."""
    xt = Tensor(x, requires_grad=True)
    if getattr(model, "engine", "tensor") == "scalar":
        model.zero_grad()
        rows = model(x.tolist())
        out = np.array([[v.data for v in r] for r in rows])
        loss = sum(v * float(c) for r in rows for v, c in zip(r, np.arange(1, 3)))
        loss.backward()
        return out, None, model.grad_dict()
    model.zero_grad()
    out = model(xt)
    (out * Tensor(np.arange(1, out.shape[-1] + 1, dtype=x.dtype))).sum().backward()
    return out.data, xt.grad, model.grad_dict()


def _theirs(module, x):
    xt = torch.from_numpy(x).requires_grad_(True)
    module.zero_grad()
    out = module(xt)
    (out * torch.arange(1, out.shape[-1] + 1, dtype=out.dtype)).sum().backward()
    grads = {k: p.grad.numpy() for k, p in module.named_parameters()}
    return out.detach().numpy(), xt.grad.numpy(), grads


def _assert_same(model, module):
    dt = _dtype(model)
    model.eval()  # Dropout passes its input through: both sides compute the same
    module.eval()
    x = _input(model, dt)
    (a, ga, pa), (b, gb, pb) = _ours(model, x), _theirs(module, x)
    tol = TOL[dt]
    np.testing.assert_allclose(a, b, rtol=tol, atol=tol)
    if ga is not None:
        np.testing.assert_allclose(ga, gb, rtol=tol, atol=tol)
    assert pa.keys() == pb.keys()  # the same parameter names on both sides
    for k in pa:
        np.testing.assert_allclose(pa[k], pb[k], rtol=tol, atol=tol, err_msg=k)


@pytest.mark.parametrize("name", MODELS)
def test_to_torch_gives_equal_outputs_and_gradients(name):
    model = MODELS[name]
    module = nn.to_torch(model)
    assert isinstance(module, torch.nn.Module)
    for k, v in model.state_dict().items():
        assert module.state_dict()[k].numpy().dtype == v.dtype
    _assert_same(model, module)


@pytest.mark.parametrize("name", MODELS)
def test_from_torch_round_trip(name):
    module = nn.to_torch(MODELS[name])
    back = nn.from_torch(module)
    assert all(p.engine == "tensor" for p in back.parameters())
    _assert_same(back, module)


def test_from_a_plain_pytorch_model():
    torch.manual_seed(0)
    module = torch.nn.Sequential(collections.OrderedDict(
        fc1=torch.nn.Linear(3, 8), act=torch.nn.ReLU(), fc2=torch.nn.Linear(8, 2)))
    model = nn.from_torch(module)
    assert list(model.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    x = np.random.default_rng(1).normal(size=(4, 3)).astype(np.float32)
    np.testing.assert_allclose(model(x).data, module(torch.from_numpy(x)).detach().numpy(),
                               rtol=1e-6, atol=1e-6)
    module64 = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(),
                                   torch.nn.Linear(4, 2)).double()
    _assert_same(nn.from_torch(module64), module64)


class Custom(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(3, 3)

    def forward(self, x):
        return self.fc(x) * 2


@pytest.mark.parametrize("module, message", [
    (torch.nn.Sequential(torch.nn.Linear(3, 3), torch.nn.BatchNorm1d(3), torch.nn.GRU(2, 2)),
     r"at '1' is torch.nn.modules.batchnorm.BatchNorm1d"),
    (torch.nn.Sequential(torch.nn.Sequential(torch.nn.GELU())), r"at '0.0' is .*GELU"),
    (torch.nn.Sequential(torch.nn.Conv2d(1, 1, 3, padding_mode="reflect")), "reflect"),
    (torch.nn.Sequential(torch.nn.MaxPool2d(2, ceil_mode=True)), "ceil_mode"),
    (torch.nn.Sequential(torch.nn.Embedding(3, 2, padding_idx=0)), "padding_idx"),
    (Custom(), "custom module"),
    (torch.nn.Sequential(torch.nn.Softplus(beta=2)), "beta=2"),
])
def test_from_torch_names_the_first_unsupported_layer(module, message):
    with pytest.raises(nn.UnsupportedLayer, match=message) as e:
        nn.from_torch(module)
    if "at '" in message or "custom" in message:
        assert "supported: Sequential, MLP, Linear" in str(e.value)


def test_to_torch_refuses_what_it_cannot_convert():
    class Net(nn.Module):
        def forward(self, x):
            return x

    with pytest.raises(nn.UnsupportedLayer, match="the layer at '1' is a Net"):
        nn.to_torch(nn.Sequential(nn.ReLU(), Net()))
    with pytest.raises(nn.UnsupportedLayer, match="Sequential\\(Linear\\(...\\), ReLU\\(\\)\\)"):
        nn.to_torch(nn.Linear(2, 2, activation="relu"))
    with pytest.raises(TypeError, match="torch.nn.Module"):
        nn.from_torch(nn.MLP(2, [1]))


@pytest.mark.parametrize("name", ["scalar-mlp", "mlp-f32-softplus", "sequential-all", "nested"])
def test_to_torch_code_runs_and_loads_the_file(name, tmp_path, monkeypatch):
    pytest.importorskip("safetensors.torch")
    model = MODELS[name]
    model.save(tmp_path / "model.safetensors")
    code = nn.to_torch_code(model)
    compile(code, "model.py", "exec")
    monkeypatch.chdir(tmp_path)
    scope = {"__name__": "generated"}
    exec(code, scope)
    module = scope["model"]
    assert not module.training
    _assert_same(model, module)


def test_to_torch_code_reads():
    code = nn.to_torch_code(nn.MLP(2, [16, 1], engine="tensor"), "moons.safetensors")
    assert "class MLP(nn.Module):" in code
    assert "x = torch.relu(layer(x))" in code
    assert "model = MLP([2, 16, 1], dtype=torch.float64)" in code
    assert "load_file('moons.safetensors')" in code
    two = nn.to_torch_code(nn.Sequential(nn.MLP(2, [3, 3], activation="tanh", engine="tensor"),
                                         nn.MLP(3, [1], activation="linear", engine="tensor")))
    assert "class MLP_tanh" in two and "class MLP_linear" in two and "x = layer(x)" in two


def test_without_torch_the_error_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)
    with pytest.raises(ImportError, match=r"pip install 'chainrule\[torch\]'"):
        nn.to_torch(nn.MLP(2, [1]))
    assert "MLP" in nn.to_torch_code(nn.MLP(2, [1]))  # writing code needs no torch


def test_embedding_both_ways():
    model = nn.Sequential(nn.Embedding(10, 4, seed=0), nn.Tanh(), nn.Linear(4, 2, seed=1))
    module = nn.to_torch(model)
    idx = np.array([[1, 5, 9], [0, 0, 3]])
    out = model(idx)
    out.sum().backward()
    theirs = module(torch.from_numpy(idx))
    theirs.sum().backward()
    np.testing.assert_allclose(out.data, theirs.detach().numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(model.grad_dict()["0.weight"], module[0].weight.grad.numpy(),
                               rtol=1e-12, atol=1e-12)
    back = nn.from_torch(module)
    np.testing.assert_array_equal(back(idx).data, out.data)
