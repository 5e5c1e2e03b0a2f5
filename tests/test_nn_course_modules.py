"""The course's layers have PyTorch's state-dict keys and layouts: weights copied across give the
same outputs and gradients (float64)."""

import numpy as np
import pytest

from chainrule import nn
from chainrule.autograd import Tensor

torch = pytest.importorskip("torch")
tnn = torch.nn
rng = np.random.default_rng(2)


def _pair(ours, theirs, x, *, train=True, **kwargs):
    """Copy our state into theirs (keys and shapes must match), run both, compare."""
    theirs = theirs.double()
    state = ours.state_dict()
    ref = theirs.state_dict()
    assert list(state) == list(ref)
    assert all(state[k].shape == tuple(ref[k].shape) for k in state)
    theirs.load_state_dict({k: torch.tensor(v) for k, v in state.items()})
    ours.train(train)
    theirs.train(train)
    xt = torch.tensor(x, requires_grad=True)
    xo = Tensor(x, requires_grad=True)
    y, yt = ours(xo, **kwargs), theirs(xt, **kwargs)
    if isinstance(y, tuple):
        y, yt = y[0], yt[0]
    np.testing.assert_allclose(y.data, yt.detach().numpy(), rtol=1e-10, atol=1e-12)
    w = rng.standard_normal(y.shape)
    (y * w).sum().backward()
    (yt * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(xo.grad, xt.grad.numpy(), rtol=1e-9, atol=1e-12)
    for (name, p), (_, pt) in zip(ours.named_parameters(), theirs.named_parameters(),
                                  strict=True):
        np.testing.assert_allclose(p.grad, pt.grad.numpy(), rtol=1e-9, atol=1e-12, err_msg=name)
    return ours, theirs


IMAGES = rng.standard_normal((3, 4, 7, 6))


def test_conv2d():
    _pair(nn.Conv2d(4, 6, 3, stride=2, padding=1, seed=0), tnn.Conv2d(4, 6, 3, 2, 1), IMAGES)
    _pair(nn.Conv2d(4, 2, (2, 3), dilation=2, groups=2, bias=False, seed=0),
          tnn.Conv2d(4, 2, (2, 3), dilation=2, groups=2, bias=False), IMAGES)


def test_pools_and_flatten():
    _pair(nn.MaxPool2d(2), tnn.MaxPool2d(2), IMAGES)
    _pair(nn.AvgPool2d(3, 1, 1), tnn.AvgPool2d(3, 1, 1), IMAGES)
    _pair(nn.Flatten(), tnn.Flatten(), IMAGES)


def test_layer_norm():
    m = nn.LayerNorm((7, 6))
    m.weight.data = rng.standard_normal((7, 6))
    _pair(m, tnn.LayerNorm((7, 6)), IMAGES)


@pytest.mark.parametrize("ours, theirs, shape", [
    (nn.BatchNorm2d, tnn.BatchNorm2d, (3, 4, 7, 6)),
    (nn.BatchNorm1d, tnn.BatchNorm1d, (5, 4)),
    (nn.BatchNorm1d, tnn.BatchNorm1d, (5, 4, 3)),
])
def test_batch_norm_training_then_eval(ours, theirs, shape):
    m, t = _pair(ours(4), theirs(4), rng.standard_normal(shape))
    for k, v in m.state_dict().items():  # the running statistics moved the same way
        np.testing.assert_allclose(v, t.state_dict()[k].numpy(), rtol=1e-12, err_msg=k)
    assert m.state_dict()["num_batches_tracked"] == 1
    assert len(m.parameters()) == 2  # the buffers are state, not parameters
    _pair(m, t, rng.standard_normal(shape), train=False)


def test_embedding():
    m, t = nn.Embedding(10, 3, seed=0), tnn.Embedding(10, 3).double()
    t.load_state_dict({k: torch.tensor(v) for k, v in m.state_dict().items()})
    idx = np.array([[1, 5, 1], [9, 0, 2]])
    y, yt = m(idx), t(torch.tensor(idx))
    np.testing.assert_allclose(y.data, yt.detach().numpy())
    (y ** 2).sum().backward()
    (yt ** 2).sum().backward()
    np.testing.assert_allclose(m.weight.grad, t.weight.grad.numpy())


def test_multihead_attention():
    x = rng.standard_normal((2, 5, 8))
    ours = nn.MultiheadAttention(8, 2, seed=0)
    theirs = tnn.MultiheadAttention(8, 2, batch_first=True).double()
    state = ours.state_dict()
    assert {k: v.shape for k, v in state.items()} == {
        k: tuple(v.shape) for k, v in theirs.state_dict().items()}
    theirs.load_state_dict({k: torch.tensor(v) for k, v in state.items()})
    xo, xt = Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    y, w = ours(xo, xo, xo, is_causal=True)
    mask = torch.tensor(np.triu(np.ones((5, 5), dtype=bool), 1))  # PyTorch: True = may NOT see
    yt, wt = theirs(xt, xt, xt, attn_mask=mask)
    np.testing.assert_allclose(y.data, yt.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(w.data, wt.detach().numpy(), rtol=1e-10, atol=1e-12)
    g = rng.standard_normal(y.shape)
    (y * g).sum().backward()
    (yt * torch.tensor(g)).sum().backward()
    np.testing.assert_allclose(xo.grad, xt.grad.numpy(), rtol=1e-9, atol=1e-12)
    for name, p in ours.named_parameters():
        pt = dict(theirs.named_parameters())[name]
        np.testing.assert_allclose(p.grad, pt.grad.numpy(), rtol=1e-9, atol=1e-12, err_msg=name)
    out, w1 = ours(Tensor(x[0]))  # one sequence, no mask: weights are rows of probabilities
    assert out.shape == (5, 8) and np.allclose(w1.data.sum(-1), 1.0)


def test_layers_print_like_pytorch():
    assert repr(nn.Conv2d(1, 4, 3, padding=1)).startswith("Conv2d(1, 4, kernel_size=(3, 3)")
    assert "p=0.2" in repr(nn.Dropout(0.2)) and "kernel_size=2" in repr(nn.MaxPool2d(2))
