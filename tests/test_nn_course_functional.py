"""nn.functional's layer functions against PyTorch (float64: values, gradients, second order)
and finite differences (first and second order) for the convolution and pooling."""

import numpy as np
import pytest
from tensor_helpers import check
from torch_parity import agree, close

from chainrule import nn
from chainrule.autograd import Tensor
from chainrule.nn import functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional
rng = np.random.default_rng(5)
X = rng.standard_normal((2, 4, 6, 5))
W = rng.standard_normal((6, 4, 3, 2))
WG = rng.standard_normal((6, 2, 3, 2))
B = rng.standard_normal(6)
S = rng.standard_normal((2, 3, 9))
K1 = rng.standard_normal((4, 3, 3))
Z = rng.standard_normal((3, 5))
P = 1 / (1 + np.exp(-Z))
Q, KK, V = (rng.standard_normal((2, 2, 4, 3)) for _ in range(3))

CASES = {
    "conv2d": (lambda x, w, b: F.conv2d(x, w, b), lambda x, w, b: TF.conv2d(x, w, b), [X, W, B]),
    "conv2d stride padding": (lambda x, w: F.conv2d(x, w, stride=2, padding=(1, 2)),
                              lambda x, w: TF.conv2d(x, w, stride=2, padding=(1, 2)), [X, W]),
    "conv2d dilation groups": (lambda x, w: F.conv2d(x, w, padding=2, dilation=2, groups=2),
                               lambda x, w: TF.conv2d(x, w, padding=2, dilation=2, groups=2),
                               [X, WG]),
    "conv2d same": (lambda x, w: F.conv2d(x, w, padding="same"),
                    lambda x, w: TF.conv2d(x, w, padding="same"), [X, W]),
    "conv2d one image": (lambda x, w: F.conv2d(x[0], w), lambda x, w: TF.conv2d(x[0], w), [X, W]),
    "conv1d": (lambda s, k: F.conv1d(s, k, stride=2, padding=1),
               lambda s, k: TF.conv1d(s, k, stride=2, padding=1), [S, K1]),
    "max_pool2d": (lambda x: F.max_pool2d(x, 2), lambda x: TF.max_pool2d(x, 2), [X]),
    "max_pool2d overlapping": (lambda x: F.max_pool2d(x, 3, 2, 1) ** 2,
                               lambda x: TF.max_pool2d(x, 3, 2, 1) ** 2, [X]),
    "avg_pool2d": (lambda x: F.avg_pool2d(x, (2, 3), 1, (1, 1)) ** 2,
                   lambda x: TF.avg_pool2d(x, (2, 3), 1, (1, 1)) ** 2, [X]),
    "layer_norm": (lambda x, w, b: F.layer_norm(x, (6, 5), w, b),
                   lambda x, w, b: TF.layer_norm(x, (6, 5), w, b),
                   [X, rng.standard_normal((6, 5)), rng.standard_normal((6, 5))]),
    "batch_norm train": (lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True),
                         lambda x, w, b: TF.batch_norm(x, None, None, w, b, training=True),
                         [X, B[:4], B[2:]]),
    "batch_norm eval": (lambda x: F.batch_norm(x, np.arange(4.0), np.arange(1.0, 5.0)),
                        lambda x: TF.batch_norm(x, torch.arange(4.0).double(),
                                                torch.arange(1.0, 5.0).double()), [X]),
    "embedding": (lambda w: F.embedding(np.array([[0, 2], [2, 1]]), w) ** 2,
                  lambda w: TF.embedding(torch.tensor([[0, 2], [2, 1]]), w) ** 2, [Z]),
    "gelu": (lambda x: F.gelu(x), lambda x: TF.gelu(x), [Z]),
    "gelu tanh": (lambda x: F.gelu(x, approximate="tanh"),
                  lambda x: TF.gelu(x, approximate="tanh"), [Z]),
    "silu": (lambda x: F.silu(x), lambda x: TF.silu(x), [Z]),
    "elu": (lambda x: F.elu(x, 0.7), lambda x: TF.elu(x, 0.7), [Z]),
    "leaky_relu": (lambda x: F.leaky_relu(x, 0.1), lambda x: TF.leaky_relu(x, 0.1), [Z]),
    "softplus beta": (lambda x: F.softplus(x * 9, beta=2.0, threshold=5.0),
                      lambda x: TF.softplus(x * 9, beta=2.0, threshold=5.0), [Z]),
    "hardtanh": (lambda x: F.hardtanh(x, -0.5, 0.8) * x, lambda x: TF.hardtanh(x, -0.5, 0.8) * x,
                 [Z]),
    "binary_cross_entropy": (lambda p: F.binary_cross_entropy(p, P > 0.5),
                             lambda p: TF.binary_cross_entropy(p, torch.tensor(P > 0.5).double()),
                             [P]),
    "binary_cross_entropy sum weight": (
        lambda p: F.binary_cross_entropy(p, P * 0.5, weight=Z[0], reduction="sum"),
        lambda p: TF.binary_cross_entropy(p, torch.tensor(P * 0.5), weight=torch.tensor(Z[0]),
                                          reduction="sum"), [P]),
    "nll_loss": (lambda z: F.nll_loss(z.log_softmax(dim=1), np.array([0, 4, 2])),
                 lambda z: TF.nll_loss(z.log_softmax(dim=1), torch.tensor([0, 4, 2])), [Z]),
    "nll_loss weight ignore": (
        lambda z: F.nll_loss(z.log_softmax(dim=1), np.array([0, 4, 1]), weight=P[0],
                             ignore_index=1),
        lambda z: TF.nll_loss(z.log_softmax(dim=1), torch.tensor([0, 4, 1]),
                              weight=torch.tensor(P[0]), ignore_index=1), [Z]),
    "attention": (lambda q, k, v: F.scaled_dot_product_attention(q, k, v),
                  lambda q, k, v: TF.scaled_dot_product_attention(q, k, v), [Q, KK, V]),
    "attention causal": (lambda q, k, v: F.scaled_dot_product_attention(q, k, v, is_causal=True),
                         lambda q, k, v: TF.scaled_dot_product_attention(q, k, v, is_causal=True),
                         [Q, KK, V]),
    "attention mask": (
        lambda q, k, v: F.scaled_dot_product_attention(q, k, v, attn_mask=Q[0, 0, :, :1] > -9),
        lambda q, k, v: TF.scaled_dot_product_attention(
            q, k, v, attn_mask=torch.tensor(Q[0, 0, :, :1] > -9)), [Q, KK, V]),
}


@pytest.mark.parametrize("name", list(CASES))
def test_matches_pytorch(name):
    ours, theirs, arrays = CASES[name]
    # PyTorch's fused attention has no second derivative on the CPU: see the test below
    agree(torch, ours, theirs, *arrays, second=not name.startswith("attention"))


def test_attention_second_order_matches_pytorchs_formula():
    def theirs(q, k, v):
        s = q @ k.transpose(-2, -1) / np.sqrt(3.0)
        s = s.masked_fill(~torch.tril(torch.ones(4, 4, dtype=torch.bool)), -torch.inf)
        return s.softmax(-1) @ v

    agree(torch, lambda q, k, v: F.scaled_dot_product_attention(q, k, v, is_causal=True), theirs,
          Q, KK, V)


def test_binary_cross_entropy_at_the_edges():
    """p = 0 and 1 cost 100 (the log is clamped at -100), not inf or nan, as in PyTorch."""
    p = np.array([0.0, 1.0, 0.0, 1.0, 1e-300])
    y = np.array([1.0, 0.0, 0.0, 1.0, 1.0])
    ours = F.binary_cross_entropy(Tensor(p), y, reduction="none")
    close(ours.data, TF.binary_cross_entropy(torch.tensor(p), torch.tensor(y), reduction="none"))


def test_conv_and_pool_second_order_by_finite_differences():
    x, w = X[:1, :2, :4, :4], W[:2, :2, :2, :2]
    check(lambda a, b: F.conv2d(a, b, stride=(1, 2), padding=1, dilation=(2, 1)) ** 2, x, w)
    check(lambda a: F.max_pool2d(a * a, 2, 1), x)
    check(lambda a: F.layer_norm(a, (4,)) * a, x)


def test_dropout_respects_training_and_scales():
    x = Tensor(np.ones((200, 50)))
    y = F.dropout(x, 0.3, True, rng=0)
    kept = y.data != 0
    assert abs(kept.mean() - 0.7) < 0.02 and np.allclose(y.data[kept], 1 / 0.7)
    assert F.dropout(x, 0.3, training=False) is x
    d = nn.Dropout(0.5, seed=1)
    assert (d(x).data == 0).any() and (d.eval()(x).data == 1).all()


def test_one_hot():
    out = F.one_hot(np.array([2, 0]), 4)
    assert out.dtype == np.int64 and out.data.tolist() == [[0, 0, 1, 0], [1, 0, 0, 0]]
    close(F.one_hot(np.array([[1, 3]])).data, TF.one_hot(torch.tensor([[1, 3]])).numpy())


@pytest.mark.parametrize(
    "make, error, pattern",
    [
        (lambda: F.conv2d(Tensor(X), Tensor(W[:, :3])), ValueError, "groups"),
        (lambda: F.conv2d(Tensor(X[0, 0]), Tensor(W)), ValueError, r"\(N, C, H, W\)"),
        (lambda: F.conv2d(Tensor(X), Tensor(W), padding=-1), ValueError, "padding"),
        (lambda: F.conv2d(Tensor(X), Tensor(W), padding="same", stride=2), ValueError, "stride 1"),
        (lambda: F.conv2d(Tensor(X[:, :, :1]), Tensor(W)), ValueError, "kernel spans 3"),
        (lambda: F.max_pool2d(Tensor(X), 2, padding=2), ValueError, "half the kernel"),
        (lambda: F.binary_cross_entropy(Tensor(Z), Z), ValueError, "logits"),
        (lambda: F.nll_loss(Tensor(Z), np.array([0.5, 1, 2])), ValueError, "integer targets"),
        (lambda: F.embedding(np.array([5]), Tensor(Z)), IndexError, r"\[0, 3\)"),
        (lambda: F.dropout(Tensor(Z), 1.5), ValueError, "p must be"),
        (lambda: F.layer_norm(Tensor(Z), (4,)), ValueError, "normalized_shape"),
        (lambda: F.batch_norm(Tensor(Z[:1]), None, None, training=True), ValueError, "more than"),
        (lambda: F.pad(Tensor(Z), (1,)), ValueError, "pair"),
    ],
)
def test_errors_say_what_went_wrong(make, error, pattern):
    with pytest.raises(error, match=pattern):
        make()
