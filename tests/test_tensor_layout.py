"""Memory layout and fast reductions of the tensor hot path (session 4 of the engine speed issue).

``nn.Linear`` keeps its weight column-major, so that ``x·Wᵀ`` is BLAS's plain product; the
linear op gives ``dW`` in the weight's own layout; products of two matrices go through
``np.dot``; the bias gradient and softmax's row sums and maxima come from ``autograd/rows.py``.
Each must give the numbers the plain numpy spelling gives, edges included, and keep the layout
through training, saving and loading.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from chainrule import autograd, nn
from chainrule.autograd import Tensor, rows
from chainrule.autograd.tensor import fused

F = nn.functional
rng = np.random.default_rng(23)


def _column_major(t: Tensor) -> bool:
    return t.data.flags.f_contiguous and not t.data.flags.c_contiguous


# --- rows.py -------------------------------------------------------------------------------------

EDGES = [0.0, -0.0, 1.0, -1.0, 1e30, -1e30, np.inf, -np.inf, np.nan, 3.5]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(1, 1), (3, 1), (1, 5), (7, 10), (32, 64), (0, 4)])
def test_row_reductions_match_numpy(dtype, shape):
    a = rng.standard_normal(shape).astype(dtype)
    np.testing.assert_allclose(rows.column_sums(a), a.sum(axis=0), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(rows.row_sums(a), a.sum(axis=1, keepdims=True), rtol=1e-5,
                               atol=1e-5)
    if shape[1]:
        np.testing.assert_array_equal(rows.row_max(a), a.max(axis=1, keepdims=True))
    for got in (rows.column_sums(a), rows.row_sums(a)):
        assert got.dtype == dtype


@given(hnp.arrays(np.float64, hnp.array_shapes(min_dims=2, max_dims=2, max_side=6),
                  elements=st.sampled_from(EDGES)))
def test_row_reductions_on_edge_values_propagate_inf_and_nan_as_numpy(a):
    with np.errstate(invalid="ignore", over="ignore"):
        expected = [a.sum(axis=0), a.sum(axis=1, keepdims=True)]
        got = [rows.column_sums(a), rows.row_sums(a)]
        # BLAS adds in another order: a sum may differ by rounding, at most a few ulps of the
        # sum of magnitudes (1e30 - 1e30 + 1 + 1 is 2 one way and 0 another)
        bounds = [np.abs(a).sum(axis=0), np.abs(a).sum(axis=1, keepdims=True)]
    for g, e, bound in zip(got, expected, bounds, strict=True):
        assert g.shape == e.shape
        np.testing.assert_array_equal(np.isnan(g), np.isnan(e))
        finite = np.isfinite(e)
        np.testing.assert_array_equal(np.isinf(g) & ~finite, np.isinf(e))
        assert np.all(np.abs(g[finite] - e[finite]) <= 1e-14 * bound[finite])
    if a.shape[1]:
        np.testing.assert_array_equal(rows.row_max(a), a.max(axis=1, keepdims=True))


def test_row_reductions_of_other_layouts_and_dtypes():
    a = rng.standard_normal((6, 4))
    for view in (a.T, a[::2], np.asfortranarray(a), a.astype(np.float16), a.astype(np.int64)):
        np.testing.assert_allclose(rows.column_sums(view), view.sum(axis=0), rtol=1e-3)
        np.testing.assert_allclose(rows.row_sums(view), view.sum(axis=1, keepdims=True),
                                   rtol=1e-3)
        np.testing.assert_array_equal(rows.row_max(view), view.max(axis=1, keepdims=True))
    with pytest.raises(ValueError):  # no columns: numpy's own error, as z.max(axis=1) gives
        rows.row_max(np.zeros((3, 0)))


def test_the_cached_vectors_are_read_only_and_bounded():
    for n in range(1, 200):
        rows.column_sums(np.ones((n, 2)))
    assert len(rows._ones) <= rows._CACHE_SIZE
    ones = next(iter(rows._ones.values()))
    with pytest.raises(ValueError):
        ones[0] = 5.0


# --- the linear layer's weight layout ------------------------------------------------------------


def test_linear_keeps_its_weight_column_major_with_the_same_numbers():
    layer = nn.Linear(5, 3, seed=4)
    assert layer.weight.shape == (3, 5) and _column_major(layer.weight)
    again = nn.Linear(5, 3, seed=4)
    np.testing.assert_array_equal(layer.weight.data, again.weight.data)
    assert layer.weight.data.tobytes() == np.ascontiguousarray(layer.weight.data).tobytes()


@pytest.mark.parametrize("xshape", [(6, 5), (5,), (2, 3, 5)])
def test_linear_gradients_are_the_same_numbers_in_the_weights_layout(xshape):
    x = rng.standard_normal(xshape)
    w, b = rng.standard_normal((3, 5)), rng.standard_normal(3)
    results = []
    for data in (w, np.asfortranarray(w)):
        X, W, B = Tensor(x, requires_grad=True), Tensor(w, requires_grad=True), Tensor(b,
                                                                                       requires_grad=True)
        W.data = data
        y = fused.linear(X, W, B)
        (y * y).sum().backward()
        assert W.grad.strides == W.data.strides and W.grad.shape == (3, 5)
        assert X.grad.shape == x.shape and B.grad.shape == (3,)
        results.append((y.data, X.grad, W.grad, B.grad))
    for row_major, column_major in zip(*results, strict=True):
        np.testing.assert_allclose(column_major, row_major, rtol=1e-12, atol=1e-12)


def test_linear_with_a_column_major_weight_against_finite_differences():
    x, b = rng.standard_normal((4, 3)), rng.standard_normal(2)
    w = np.asfortranarray(rng.standard_normal((2, 3)))
    proj = rng.standard_normal((4, 2))
    X, W, B = (Tensor(a, requires_grad=True) for a in (x, w, b))
    W.data = w
    assert autograd.gradcheck(lambda x, w, b: (fused.linear(x, w, b) * proj).sum(), [X, W, B],
                              atol=1e-6, rtol=1e-5)


@pytest.mark.parametrize("make", [
    lambda ps: nn.optim.SGD(ps, lr=0.1),
    lambda ps: nn.optim.SGD(ps, lr=0.1, momentum=0.9),
    lambda ps: nn.optim.Adam(ps, lr=0.01),
])
def test_training_saving_and_loading_keep_the_layout(make, tmp_path):
    model = nn.Sequential(nn.Linear(4, 8, seed=0), nn.ReLU(), nn.Linear(8, 3, seed=1))
    opt = make(model.parameters())
    x, y = rng.standard_normal((10, 4)), rng.integers(0, 3, 10)
    for _ in range(3):
        opt.zero_grad()
        F.cross_entropy(model(x), y).backward()
        opt.step()
    weights = [model[0].weight, model[2].weight]
    assert all(_column_major(w) for w in weights)
    path = tmp_path / "model.safetensors"
    model.save(path)
    other = nn.Sequential(nn.Linear(4, 8, seed=5), nn.ReLU(), nn.Linear(8, 3, seed=6))
    other.load(path)
    for mine, theirs in zip(weights, (other[0].weight, other[2].weight), strict=True):
        np.testing.assert_array_equal(theirs.data, mine.data)
        assert _column_major(theirs)
    np.testing.assert_array_equal(other(x).data, model(x).data)


def test_linear_matches_torch_with_the_column_major_weight():
    torch = pytest.importorskip("torch")
    layer = nn.Linear(7, 4, seed=2)
    x = rng.standard_normal((5, 7))
    X = Tensor(x, requires_grad=True)
    (layer(X) ** 2).sum().backward()
    W = torch.tensor(np.ascontiguousarray(layer.weight.data), requires_grad=True)
    b = torch.tensor(layer.bias.data, requires_grad=True)
    xt = torch.tensor(x, requires_grad=True)
    (torch.nn.functional.linear(xt, W, b) ** 2).sum().backward()
    np.testing.assert_allclose(layer.weight.grad, W.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(layer.bias.grad, b.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(X.grad, xt.grad.numpy(), rtol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16])
def test_a_broadcast_bias_gets_its_batch_sum(dtype):
    x = rng.standard_normal((9, 4)).astype(dtype)
    w = rng.standard_normal((4, 3)).astype(dtype)
    b = Tensor(np.zeros(3, dtype), requires_grad=True)
    y = Tensor(x) @ Tensor(w) + b
    g = rng.standard_normal((9, 3)).astype(dtype)
    y.backward(g)
    assert b.grad.dtype == dtype and b.grad.shape == (3,)
    np.testing.assert_allclose(b.grad, g.sum(axis=0), rtol=1e-2 if dtype == np.float16 else 1e-6)


def _exact_cases() -> dict:
    """For each op marked ``Op.exact``: builders of (output, *inputs) over its configurations."""

    def leaf(*shape):
        return Tensor(rng.standard_normal(shape), requires_grad=True)

    def linear(xshape, bias):
        x, w, b = leaf(*xshape), leaf(4, 3), leaf(4)
        return (fused.linear(x, w, b), x, w, b) if bias else (fused.linear(x, w), x, w)

    def cross_entropy(reduction):
        z = leaf(6, 4)
        return fused.cross_entropy(z, np.arange(6) % 4, reduction=reduction), z

    def conv2d():
        x, w, b = leaf(2, 2, 6, 6), leaf(4, 2, 3, 3), leaf(4)
        return F.conv2d(x, w, b, stride=2, padding=1), x, w, b

    def pool(fn, k, stride):
        x = leaf(2, 3, 6, 6)
        return fn(x, k, stride=stride), x

    return {
        "linear": [lambda: linear((5, 3), True), lambda: linear((3,), False),
                   lambda: linear((2, 5, 3), True)],
        "cross_entropy": [lambda r=r: cross_entropy(r) for r in ("mean", "sum", "none")],
        "conv2d": [conv2d],
        "max_pool2d": [lambda k=k: pool(F.max_pool2d, k, None) for k in (2, 3)],
        "avg_pool2d": [lambda k=k: pool(F.avg_pool2d, k, 1) for k in (2, 3)],
    }


def test_ops_marked_exact_give_every_input_a_gradient_of_its_own_shape():
    """The reverse pass skips the broadcast check for ``Op.exact`` ops: their vjps must give
    each input's gradient in that input's shape, in every configuration they take."""
    from chainrule.autograd.ops import base

    cases = _exact_cases()
    marked = {cls.name for cls in base._REGISTRY.values() if cls.exact}
    assert marked == set(cases)  # an op newly marked exact needs its cases here
    for make in (m for ms in cases.values() for m in ms):
        out, *inputs = make()
        out.backward(np.ones(out.shape))
        for x in inputs:
            assert x.grad.shape == x.shape
