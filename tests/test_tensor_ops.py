"""Every Tensor op's gradient (first and second order) against central finite differences."""

import numpy as np
import pytest
from tensor_helpers import away_from, check

from chainrule import autograd
from chainrule.autograd import Tensor

rng = np.random.default_rng(7)


def randn(*shape):
    return rng.standard_normal(shape)


def positive(*shape):
    return rng.uniform(0.5, 2.0, shape)


# --- elementwise: the shared op table, with broadcasting ---

BROADCAST = [((3, 1), (1, 4)), ((5,), ()), ((2, 3), (3,)), ((), (2, 2)), ((4, 1, 2), (3, 1))]


@pytest.mark.parametrize("sa, sb", BROADCAST)
@pytest.mark.parametrize(
    "name, fn",
    [
        ("+", lambda a, b: a + b),
        ("-", lambda a, b: a - b),
        ("*", lambda a, b: a * b),
        ("/", lambda a, b: a / b),
        ("**", lambda a, b: a**b),
        ("maximum", autograd.maximum),
        ("minimum", autograd.minimum),
    ],
)
def test_binary_broadcasting(name, fn, sa, sb):
    a, b = positive(*sa), positive(*sb)
    if name in ("maximum", "minimum"):  # keep a and b apart: the kink is where they meet
        b = b + 3.0 * (rng.random(sb) < 0.5)
    check(fn, a, b)


@pytest.mark.parametrize(
    "name, fn, domain",
    [
        ("neg", lambda x: -x, randn),
        ("abs", lambda x: abs(x), lambda *s: away_from(randn(*s))),
        ("abs()", lambda x: x.abs(), lambda *s: away_from(randn(*s))),
        ("exp", lambda x: x.exp(), randn),
        ("log", lambda x: x.log(), positive),
        ("sqrt", lambda x: x.sqrt(), positive),
        ("tanh", lambda x: x.tanh(), randn),
        ("sigmoid", lambda x: x.sigmoid(), randn),
        ("relu", lambda x: x.relu(), lambda *s: away_from(randn(*s))),
        ("leaky_relu", lambda x: x.leaky_relu(0.1), lambda *s: away_from(randn(*s))),
        ("softplus", lambda x: x.softplus(), randn),
        ("sin", lambda x: x.sin(), randn),
        ("cos", lambda x: x.cos(), randn),
        ("**3", lambda x: x**3, randn),
        ("**-0.5", lambda x: x**-0.5, positive),
        ("2**x", lambda x: 2.0**x, randn),
        ("scalar ops", lambda x: (1 - x) * 3 / (x + 4) + 2 - x / 5, positive),
        ("clip", lambda x: x.clip(-0.5, 0.7), lambda *s: away_from(randn(*s), (-0.5, 0.7))),
        ("clip lo", lambda x: x.clip(lo=0.2), lambda *s: away_from(randn(*s), (0.2,))),
        ("clip hi", lambda x: x.clip(hi=0.2), lambda *s: away_from(randn(*s), (0.2,))),
    ],
)
@pytest.mark.parametrize("shape", [(), (4,), (2, 3)])
def test_unary(name, fn, domain, shape):
    check(fn, domain(*shape))


def test_where():
    cond = randn(3, 4) > 0
    check(lambda a, b: autograd.where(cond, a, b), randn(3, 1), randn(4))
    check(lambda a: autograd.where(cond, a, 2.0), randn(3, 4))


# --- matmul ---


@pytest.mark.parametrize(
    "sa, sb",
    [
        ((3,), (3,)),  # dot
        ((2, 3), (3,)),  # matrix @ vector
        ((3,), (3, 4)),  # vector @ matrix
        ((2, 3), (3, 4)),
        ((5, 2, 3), (5, 3, 4)),  # batched
        ((5, 2, 3), (3, 4)),  # batch broadcast on the left
        ((2, 3), (5, 3, 4)),  # ... and on the right
        ((2, 1, 2, 3), (4, 3, 2)),  # batch axes broadcast against each other
        ((3,), (2, 3, 4)),  # 1-D against a batch
        ((2, 2, 3), (3,)),
    ],
)
def test_matmul(sa, sb):
    check(lambda a, b: a @ b, randn(*sa), randn(*sb))


def test_matmul_with_arrays_on_either_side():
    m = randn(3, 2)
    check(lambda a: a @ m, randn(4, 3))
    check(lambda b: m.T @ b, randn(3, 2))


def test_matmul_with_transposed_operands_keeps_row_major_gradients():
    x, w = randn(4, 3), randn(5, 3)
    check(lambda x, w: x @ w.T, x, w)  # nn.Linear's layout: weight (out, in)
    check(lambda a, b: a.T @ b.T, randn(3, 4), randn(2, 3))
    W = Tensor(w, requires_grad=True)
    X = Tensor(x, requires_grad=True)
    (X.T.T @ W.T).sum().backward()
    assert W.grad.flags.c_contiguous and X.grad.flags.c_contiguous


def test_matmul_hands_blas_a_row_major_copy_of_a_small_transposed_right_operand(monkeypatch):
    from chainrule.autograd.tensor import linalg

    copied = []

    def watch(b):
        copied.append(b.shape)
        return np.ascontiguousarray(b)

    monkeypatch.setattr(linalg, "_row_major", watch)
    x, w = randn(500, 8), randn(4, 8)
    np.testing.assert_array_equal(linalg.matmul(x, w.T), x @ w.T)  # the same numbers
    assert copied == [(8, 4)]  # 500 rows, and no bigger than the left operand: copied
    square = randn(64, 64).astype(np.float32)  # 16 KiB and 32 rows on the left: copied
    linalg.matmul(randn(32, 64).astype(np.float32), square.T)
    assert copied[-1] == (64, 64)
    copied.clear()
    big = randn(200, 300)  # bigger than the left operand: left as it is (a copy costs more)
    linalg.matmul(randn(2, 300), big.T)
    linalg.matmul(randn(8, 64).astype(np.float32), square.T)  # too few rows to pay for it
    linalg.matmul(randn(32, 64), randn(10, 64).T)  # small, and 32 rows: the slow path is cheap
    linalg.matmul(x, w.T.copy())  # row-major already
    assert copied == []
    np.testing.assert_allclose((Tensor(x) @ Tensor(w).T).data, x @ w.T, rtol=1e-12)
    check(lambda x, w: x @ w.T, x[:6], w)  # gradients as before (finite differences)


def test_matmul_takes_np_dot_for_two_matrices_and_matmul_otherwise():
    from chainrule.autograd.tensor.linalg import matmul

    r = np.random.default_rng(0)
    cases = [((3, 4), (4, 5)), ((4,), (4, 5)), ((3, 4), (4,)), ((2, 3, 4), (4, 5)),
             ((2, 3, 4), (2, 4, 5)), ((4,), (4,))]
    for sa, sb in cases:
        a, b = r.standard_normal(sa), r.standard_normal(sb)
        np.testing.assert_allclose(matmul(a, b), np.matmul(a, b), rtol=1e-12)
        assert np.shape(matmul(a, b)) == np.matmul(a, b).shape
    ints = np.arange(6).reshape(2, 3)
    assert matmul(ints, ints.T).dtype == np.matmul(ints, ints.T).dtype
    with pytest.raises(ValueError):
        matmul(r.standard_normal((3, 4)), r.standard_normal((5, 6)))


def test_elementwise_backward_gives_each_input_its_own_gradient():
    # the reverse pass calls partials itself for elementwise ops: constants get nothing
    x = Tensor(randn(3, 4), requires_grad=True)
    c = randn(3, 4)
    y = ((x * c) / (c + 3.0) - x.tanh() + x.relu() * x).sum()
    y.backward()
    xd = x.data
    want = c / (c + 3.0) - (1 - np.tanh(xd) ** 2) + 2 * xd * (xd > 0)
    np.testing.assert_allclose(x.grad, want, rtol=1e-10)


# --- reductions and softmax ---


@pytest.mark.parametrize("axis", [None, 0, 1, -1, (0, 2), (-1, 0), ()])
@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("name", ["sum", "mean", "max", "min", "logsumexp"])
def test_reductions(name, axis, keepdims):
    x = randn(2, 3, 4)
    check(lambda t: getattr(t, name)(axis=axis, keepdims=keepdims), x)


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
@pytest.mark.parametrize("axis", [0, 1, -1])
def test_softmax(name, axis):
    check(lambda t: getattr(t, name)(axis=axis), randn(3, 4))


def test_cross_entropy_composite():
    y = np.array([0, 2, 1])

    def loss(logits):
        return -logits.log_softmax(axis=1)[np.arange(3), y].mean()

    check(loss, randn(3, 4))


# --- shape ops and indexing ---


@pytest.mark.parametrize(
    "name, fn, shape",
    [
        ("reshape", lambda t: t.reshape(3, 4), (2, 6)),
        ("reshape tuple", lambda t: t.reshape((4, -1)), (2, 6)),
        ("transpose", lambda t: t.transpose(), (2, 3, 4)),
        ("transpose axes", lambda t: t.transpose(1, 2, 0), (2, 3, 4)),
        ("T", lambda t: t.T, (2, 3)),
        ("swapaxes", lambda t: t.swapaxes(0, -1), (2, 3, 4)),
        ("flatten", lambda t: t.flatten(), (2, 3, 2)),
        ("flatten(1)", lambda t: t.flatten(1), (2, 3, 2)),
        ("squeeze", lambda t: t.squeeze(), (1, 3, 1)),
        ("squeeze axis", lambda t: t.squeeze(0), (1, 3, 1)),
        ("expand_dims", lambda t: t.expand_dims((0, -1)), (2, 3)),
        ("broadcast_to", lambda t: t.broadcast_to(4, 2, 3), (2, 1)),
        ("int index", lambda t: t[1], (3, 4)),
        ("slices", lambda t: t[1:, ::2], (3, 4)),
        ("None and ...", lambda t: t[None, ..., 0], (3, 4)),
        ("negative", lambda t: t[-1, -2], (3, 4)),
        ("mask", lambda t: t[np.array([True, False, True])], (3, 4)),
        ("int array", lambda t: t[[2, 0]], (3, 4)),
        ("repeated ints", lambda t: t[[1, 1, 0, 1]], (3, 4)),
        ("paired arrays", lambda t: t[np.array([0, 2, 2]), np.array([1, 3, 3])], (3, 4)),
        ("mixed", lambda t: t[:, [0, 0, 3]], (3, 4)),
    ],
)
def test_shape_ops(name, fn, shape):
    check(fn, randn(*shape))


def test_concatenate_and_stack():
    check(lambda a, b: autograd.concatenate([a, b], axis=1), randn(2, 3), randn(2, 2))
    check(lambda a, b, c: autograd.concatenate((a, b, c), axis=-1), randn(3), randn(1), randn(2))
    check(lambda a, b: autograd.stack([a, b, a]), randn(2, 3), randn(2, 3))
    check(lambda a, b: autograd.stack([a, b], axis=-1), randn(2, 3), randn(2, 3))


def test_a_graph_of_many_ops():
    def f(x, w):
        h = (x @ w).tanh()
        z = autograd.concatenate([h, h[:, :1] ** 2], axis=1)
        return autograd.where(z.data > 0, z, 0.5 * z).logsumexp(axis=1).mean()

    check(f, randn(4, 3), randn(3, 2))


def test_value_and_tensor_agree_on_a_scalar_expression():
    def f(x, y):
        return ((x * y + x.exp() / y).tanh() ** 2 - y.log() + (x - y).sigmoid()).softplus()

    xv, yv = autograd.Value(0.7), autograd.Value(1.3)
    xt, yt = Tensor(0.7, requires_grad=True), Tensor(1.3, requires_grad=True)
    fv, ft = f(xv, yv), f(xt, yt)
    assert ft.item() == pytest.approx(fv.data, rel=1e-12)
    gv = autograd.grad(fv, [xv, yv], create_graph=True)
    gt = autograd.grad(ft, [xt, yt], create_graph=True)
    for a, b in zip(gv, gt, strict=True):
        assert b.item() == pytest.approx(a.data, rel=1e-12)
    hv = autograd.grad(gv[0], [xv, yv])
    ht = autograd.grad(gt[0], [xt, yt])
    for a, b in zip(hv, ht, strict=True):
        assert float(b) == pytest.approx(a, rel=1e-10)
