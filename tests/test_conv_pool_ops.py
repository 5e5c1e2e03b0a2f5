"""The fused ``conv2d``, ``max_pool2d`` and ``avg_pool2d`` ops: one graph node each, against
PyTorch float64 (values, gradients, second order) over strides, padding, dilation and groups, at
the edges (0, ties, +-inf, nan, huge values), and by finite differences (first and second order).
"""

import numpy as np
import pytest
from tensor_helpers import check
from torch_parity import agree, close

from chainrule import autograd
from chainrule.autograd import Tensor
from chainrule.nn import functional as F
from chainrule.nn import functional_conv

torch = pytest.importorskip("torch")
TF = torch.nn.functional
rng = np.random.default_rng(11)
X = rng.standard_normal((2, 4, 7, 6))
W = rng.standard_normal((6, 4, 3, 2))
WG = rng.standard_normal((6, 2, 2, 3))
B = rng.standard_normal(6)

CONV = {  # name: (keyword arguments, weight)
    "plain": ({}, W),
    "stride": ({"stride": (2, 1)}, W),
    "padding": ({"padding": (2, 1)}, W),
    "dilation": ({"dilation": (2, 3), "padding": 1}, W),
    "groups": ({"groups": 2, "stride": 2, "padding": 1}, WG),
    "same": ({"padding": "same", "dilation": 2}, WG[:, :1].repeat(4, axis=1)),
}


@pytest.mark.parametrize("bias", [True, False], ids=["bias", "no bias"])
@pytest.mark.parametrize("name", list(CONV))
def test_conv2d_matches_pytorch(name, bias):
    kw, w = CONV[name]
    arrays = [X, w, B] if bias else [X, w]
    agree(torch, lambda *a: F.conv2d(*a, **kw), lambda *a: TF.conv2d(*a, **kw), *arrays)


POOLS = {  # name: (ours, theirs)
    "max 2x2 tiles": (lambda x: F.max_pool2d(x[:, :, 1:], 2),
                      lambda x: TF.max_pool2d(x[:, :, 1:], 2)),
    "max 2x2, odd height": (lambda x: F.max_pool2d(x, 2), lambda x: TF.max_pool2d(x, 2)),
    "max 3x2 tiles": (lambda x: F.max_pool2d(x[:, :, :6], (3, 2)),
                      lambda x: TF.max_pool2d(x[:, :, :6], (3, 2))),
    "max overlapping padded": (lambda x: F.max_pool2d(x, 3, 2, 1),
                               lambda x: TF.max_pool2d(x, 3, 2, 1)),
    "max dilation": (lambda x: F.max_pool2d(x, 2, 1, (1, 0), (2, 3)),
                     lambda x: TF.max_pool2d(x, 2, 1, (1, 0), (2, 3))),
    "avg 2x2 tiles": (lambda x: F.avg_pool2d(x[:, :, 1:], 2),
                      lambda x: TF.avg_pool2d(x[:, :, 1:], 2)),
    "avg padded": (lambda x: F.avg_pool2d(x, (3, 2), (2, 1), (1, 1)),
                   lambda x: TF.avg_pool2d(x, (3, 2), (2, 1), (1, 1))),
}


@pytest.mark.parametrize("name", list(POOLS))
def test_pool_matches_pytorch(name):
    ours, theirs = POOLS[name]
    agree(torch, lambda x: ours(x) ** 2, lambda x: theirs(x) ** 2, X)


def test_pools_read_any_memory_layout():
    """A convolution's output is laid out (C, N, H, W) in memory; channels-last too."""
    for perm in ((1, 0, 2, 3), (0, 2, 3, 1)):
        base = np.ascontiguousarray(X.transpose(perm))
        x = base.transpose(np.argsort(perm))
        for ours, theirs in POOLS.values():
            agree(torch, ours, theirs, x, second=False)


EDGES = np.array([0.0, -0.0, 1.0, 1.0, -np.inf, np.inf, np.nan, 1e300, -1e300, 2.0, np.nan,
                  -np.inf, -np.inf, -np.inf, 3.0, 3.0])


def _edge_images() -> list[np.ndarray]:
    """Images made of the edge values: shuffled, tied, whole windows of -inf or of nan."""
    shuffled = rng.permutation(np.tile(EDGES, 8)).reshape(2, 2, 8, 4)
    ties = np.zeros((1, 1, 4, 4))
    ties[0, 0, 1:3, 1:3] = 5.0
    blocks = np.full((1, 2, 4, 4), -np.inf)
    blocks[0, 1, :2, :2] = np.nan
    blocks[0, 1, 2:, 2:] = [[np.nan, 1.0], [np.nan, 2.0]]
    return [shuffled, ties, blocks]


def _first_order(ours, theirs, x) -> None:
    g = np.arange(np.prod(ours(Tensor(x)).shape), dtype=float).reshape(ours(Tensor(x)).shape)
    t, tt = Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    y, yt = ours(t), theirs(tt)
    close(y.data, yt.detach().numpy(), "values")
    y.backward(g + 1.0)
    yt.backward(torch.tensor(g + 1.0))
    close(t.grad, tt.grad.numpy(), "gradient")


@pytest.mark.parametrize("name", list(POOLS))
def test_pools_at_the_edges(name):
    """Ties send the gradient to the first maximum, nan to the last nan, a window of padding
    and -inf to its first real pixel: as PyTorch."""
    ours, theirs = POOLS[name]
    for x in _edge_images():
        _first_order(ours, theirs, x)


def test_conv2d_at_the_edges():
    """Edge values in the images (gradients of the kernels) and in the kernels (of the images)."""
    x = rng.permutation(np.tile(EDGES, 4)).reshape(1, 2, 8, 4)
    w = np.array([0.0, 1.0, -1.0, 1e300, 2.0, -0.5, 0.0, 3.0]).reshape(2, 2, 2, 1)
    xs, b = rng.standard_normal(x.shape), w[:, 0, 0, 0]
    for kw in ({}, {"padding": 1, "stride": 2}):
        _first_order(lambda a, kw=kw: F.conv2d(a, Tensor(w), **kw),
                     lambda a, kw=kw: TF.conv2d(a, torch.tensor(w), **kw), x)
        _first_order(lambda k, kw=kw: F.conv2d(Tensor(xs), k, Tensor(b), **kw),
                     lambda k, kw=kw: TF.conv2d(torch.tensor(xs), k, torch.tensor(b), **kw), w)


def test_finite_differences_first_and_second_order():
    x, w, b = X[:1, :2, :5, :4], WG[:2, :1], B[:2]
    check(lambda a, k, c: F.conv2d(a, k, c, stride=(2, 1), padding=1, dilation=(1, 2),
                                   groups=2) ** 2, x, w, b)
    check(lambda a: F.max_pool2d(a * a, (2, 3), 1, 1, (2, 1)), x)
    check(lambda a: F.max_pool2d(a, 2) * a[:, :, :2, :2], x)
    check(lambda a: F.avg_pool2d(a * a, 3, 2, 1), x)


def test_each_is_one_node_with_its_inputs():
    x, w, b = Tensor(X), Tensor(W, requires_grad=True), Tensor(B, requires_grad=True)
    y = F.conv2d(x, w, b, padding=1)
    assert y.op_name == "conv2d" and y.parents == (x, w, b)
    assert F.conv2d(x, w).parents == (x, w)
    for pool, name in ((F.max_pool2d, "max_pool2d"), (F.avg_pool2d, "avg_pool2d")):
        out = pool(y, 2)
        assert out.op_name == name and out.parents == (y,)
    assert len(autograd.topological_order(F.max_pool2d(y.relu(), 2).sum())) == 6


def test_array_input_takes_the_weights_dtype():
    w = Tensor(W.astype(np.float32), requires_grad=True)
    assert F.conv2d(X, w).dtype == np.float32
    assert F.max_pool2d(X.astype(np.float32), 2).dtype == np.float32


def test_arguments_are_checked_once_per_configuration(monkeypatch):
    calls = []
    real = functional_conv._conv_geometry
    monkeypatch.setattr(functional_conv, "_conv_geometry", lambda *a: calls.append(a) or real(*a))
    functional_conv._CHECKED.clear()
    w = Tensor(W)
    for _ in range(3):
        F.conv2d(X, w, stride=(1, 2), padding=1)
    assert len(calls) == 1
    F.conv2d(X, w, stride=[1, 2], padding=1)  # a list cannot be a key: checked every time
    with pytest.raises(ValueError, match="groups"):  # a bad configuration is never cached
        F.conv2d(X, w, groups=2)
    with pytest.raises(ValueError, match="groups"):
        F.conv2d(X, w, groups=2)


@pytest.mark.parametrize("first", ["int", "other"])
def test_a_cached_check_does_not_let_an_equal_non_int_through(first):
    """2.0 == 2 and True == 1 in Python, but only ints are sizes: the answer must not depend on
    which came first (the argument cache keys each value with its type)."""
    x = Tensor(rng.standard_normal((1, 2, 6, 6)), requires_grad=True)
    w = Tensor(rng.standard_normal((2, 2, 3, 3)), requires_grad=True)
    bad = [({"stride": 2.0}, F.conv2d, (x, w)), ({"groups": True}, F.conv2d, (x, w)),
           ({"stride": (2, 2.0)}, F.conv2d, (x, w)), ({"kernel_size": 2.0}, F.max_pool2d, (x,)),
           ({"kernel_size": 2.0}, F.avg_pool2d, (x,))]
    good = [({"stride": 2}, F.conv2d, (x, w)), ({"groups": 1}, F.conv2d, (x, w)),
            ({"stride": (2, 2)}, F.conv2d, (x, w)), ({"kernel_size": 2}, F.max_pool2d, (x,)),
            ({"kernel_size": 2}, F.avg_pool2d, (x,))]
    functional_conv._CHECKED.clear()
    for (bad_kw, fn, args), (good_kw, _, _) in zip(bad, good, strict=True):
        if first == "int":
            fn(*args, **good_kw)
        with pytest.raises((TypeError, ValueError)):
            fn(*args, **bad_kw)
        fn(*args, **good_kw)


def test_the_lessons_picture_shows_the_fused_ops():
    """conv2d joins its Conv2d module's card (a product of data and parameters), and every-node
    pictures draw conv2d and max_pool2d as one node each with their formula as the hover text."""
    from chainrule import viz
    from chainrule.demos.cnn import build

    model = build(0)
    images = rng.random((2, 1, 8, 8))
    loss = F.cross_entropy(model(images), [3, 5])
    closed = viz.draw_graph(loss, model=model, collapse="auto").source
    assert "relu · 80 params" in closed and "(2, 1, 8, 8) → (2, 8, 8, 8)" in closed
    every = viz.draw_graph(loss, model=model, collapse=None).source
    for name in ("conv2d", "max_pool2d"):
        assert every.count(f"= {name}(") == 1  # one node's equation in its hover text
    assert "im2col(x)" in every and "the maximum of each window" in every
