"""Property tests: random shapes, broadcasting pairs, axes and index keys, against numpy and
finite differences."""

import hypothesis.extra.numpy as hnp
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from tensor_helpers import check, first_order

from chainrule import autograd
from chainrule.autograd import Tensor

FEW = settings(max_examples=25)
shapes = hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=4)
seeds = st.integers(0, 2**16)


def data(shape, seed, low=None):
    r = np.random.default_rng(seed)
    return r.uniform(low, 2.0, shape) if low is not None else r.standard_normal(shape)


@FEW
@given(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=3), seeds,
       st.sampled_from(["+", "-", "*", "/"]))
def test_broadcasting_binary_ops(shapes, seed, op):
    (sa, sb), result = shapes.input_shapes, shapes.result_shape
    fn = {"+": lambda a, b: a + b, "-": lambda a, b: a - b,
          "*": lambda a, b: a * b, "/": lambda a, b: a / b}[op]
    a, b = data(sa, seed, 0.5), data(sb, seed + 1, 0.5)
    out = fn(Tensor(a), Tensor(b))
    assert out.shape == result
    np.testing.assert_allclose(out.data, fn(a, b))
    first_order(fn, a, b)


@st.composite
def shape_and_axis(draw):
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4))
    axis = draw(st.none() | st.integers(-len(shape), len(shape) - 1)
                | hnp.valid_tuple_axes(len(shape)))
    return shape, axis


@FEW
@given(shape_and_axis(), st.booleans(), seeds,
       st.sampled_from(["sum", "mean", "max", "min", "logsumexp"]))
def test_reductions_match_numpy_and_differences(sa, keepdims, seed, name):
    shape, axis = sa
    x = data(shape, seed)
    got = getattr(Tensor(x), name)(axis=axis, keepdims=keepdims)
    if name == "logsumexp":
        def ref(v, axis, keepdims):
            return np.log(np.exp(v).sum(axis=axis, keepdims=keepdims))
    else:
        ref = getattr(np, name)
    np.testing.assert_allclose(got.data, ref(x, axis=axis, keepdims=keepdims), rtol=1e-12)
    first_order(lambda t: getattr(t, name)(axis=axis, keepdims=keepdims), x)


@FEW
@given(shape_and_axis(), seeds, st.sampled_from(["softmax", "log_softmax"]))
def test_softmax_any_axis(sa, seed, name):
    shape, axis = sa
    axis = 0 if axis is None or isinstance(axis, tuple) else axis
    x = data(shape, seed) * 5
    s = Tensor(x).softmax(axis=axis).data
    np.testing.assert_allclose(s.sum(axis=axis), 1.0)
    check(lambda t: getattr(t, name)(axis=axis), x, second=x.size <= 12)


@FEW
@given(shapes.flatmap(lambda s: st.tuples(st.just(s), hnp.basic_indices(s))), seeds)
def test_basic_indexing(shape_key, seed):
    shape, key = shape_key
    x = data(shape, seed)
    got = Tensor(x)[key]
    np.testing.assert_array_equal(got.data, x[key])
    if got.size:
        first_order(lambda t: t[key], x)


@FEW
@given(hnp.array_shapes(min_dims=1, max_dims=3, max_side=4), seeds, st.data())
def test_integer_array_indexing_accumulates(shape, seed, draw):
    idx = np.array(draw.draw(st.lists(st.integers(-shape[0], shape[0] - 1), min_size=1,
                                      max_size=6)))
    x = Tensor(data(shape, seed), requires_grad=True)
    x[idx].sum().backward()
    expected = np.zeros(shape)
    for i in idx:
        expected[i] += 1
    np.testing.assert_array_equal(x.grad, expected)


@FEW
@given(shapes, seeds, st.data())
def test_transpose_and_reshape(shape, seed, draw):
    perm = tuple(draw.draw(st.permutations(range(len(shape)))))
    x = data(shape, seed)
    np.testing.assert_array_equal(Tensor(x).transpose(perm).data, x.transpose(perm))
    first_order(lambda t: t.transpose(perm).reshape(-1) * np.arange(x.size), x)


@FEW
@given(st.integers(1, 3), st.integers(1, 3), st.integers(1, 3), st.integers(0, 3), seeds)
def test_batched_matmul(b, m, k, n, seed):
    a = data((b, m, k), seed)
    w = data((k, n), seed + 1) if n else data((k,), seed + 1)
    np.testing.assert_allclose((Tensor(a) @ Tensor(w)).data, a @ w)
    first_order(lambda x, y: x @ y, a, w)


@FEW
@given(st.lists(hnp.array_shapes(min_dims=2, max_dims=2, max_side=3), min_size=1, max_size=3),
       seeds)
def test_concatenate_rows(shapes_, seed):
    parts = [data((s[0], 2), seed + i) for i, s in enumerate(shapes_)]
    out = autograd.concatenate([Tensor(p) for p in parts])
    np.testing.assert_array_equal(out.data, np.concatenate(parts))
    first_order(lambda *ts: autograd.concatenate(ts), *parts)
