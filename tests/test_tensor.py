"""The Tensor object: construction, dtypes, attributes, backward rules and error messages."""

import numpy as np
import pytest

from chainrule import autograd
from chainrule.autograd import Tensor


def test_docstring_examples_run():
    import doctest
    import importlib

    # the module, not the function autograd.tensor(...) that shadows it as an attribute
    module = importlib.import_module("chainrule.autograd.tensor")
    assert doctest.testmod(module).failed == 0


def test_construction_and_attributes():
    t = Tensor([[1, 2, 3], [4, 5, 6]], dtype=np.float32, label="x")
    assert isinstance(t.data, np.ndarray) and t.dtype == np.float32
    assert (t.shape, t.ndim, t.size, len(t)) == ((2, 3), 2, 6, 2)
    assert t.grad is None and t.op is None and t.parents == () and t.label == "x"
    assert not t.requires_grad and t.is_leaf
    assert t.T.shape == (3, 2) and t.T.op is None  # nothing to record: t needs no gradient
    w = Tensor(t.data, requires_grad=True)
    assert w.T.op_name == "transpose" and w.T.parents == (w,)
    assert np.asarray(t) is t.data and t.numpy() is t.data
    assert np.array(t, dtype=np.float64).dtype == np.float64
    assert Tensor(2.5).item() == 2.5 and float(Tensor([[3.0]])) == 3.0
    assert [float(r.sum()) for r in t] == [6.0, 15.0]


def test_dtypes_follow_numpy():
    assert Tensor(1.5).dtype == np.float64
    assert Tensor([1, 2]).dtype == np.int64
    assert Tensor([True, False]).dtype == np.bool_
    assert Tensor(np.ones(2, np.float32)).dtype == np.float32
    assert autograd.tensor([1, 2], dtype="float32").dtype == np.float32


def test_data_is_copied():
    a = np.ones(3)
    t = Tensor(a)
    a[0] = 5.0
    assert t.data[0] == 1.0


def test_repr_shows_values_shape_dtype_and_op():
    w = Tensor([[1.0], [2.0]], requires_grad=True)
    y = Tensor([[1.0]]) @ w.T
    assert repr(y) == "Tensor([[1., 2.]], shape=(1, 2), dtype=float64, op='@')"
    assert repr(w) == (
        "Tensor([[1.],\n        [2.]], shape=(2, 1), dtype=float64, requires_grad=True)"
    )
    assert "label='b'" in repr(Tensor(0.0, label="b"))


def test_creation_helpers_are_seedable():
    assert Tensor.zeros((2, 3)).data.sum() == 0 and Tensor.ones(4).data.sum() == 4
    a = Tensor.randn((3, 2), rng=np.random.default_rng(1))
    b = Tensor.randn((3, 2), rng=1)
    np.testing.assert_array_equal(a.data, b.data)
    u = Tensor.uniform(1000, -2.0, 3.0, rng=0, dtype=np.float32, requires_grad=True)
    assert u.dtype == np.float32 and u.requires_grad and -2 <= u.data.min() < u.data.max() < 3
    assert not np.array_equal(Tensor.randn(5, rng=1).data, Tensor.randn(5, rng=2).data)


def test_float32_is_kept_with_python_and_numpy_scalars():
    x = Tensor(np.array([0.5, 1.5, 2.5], np.float32), requires_grad=True)
    ys = [
        x * 2.0, 2.0 * x, x + 1, 1 - x, x / 3.0, 3.0 / x, x**2, x**0.5, 2.0**x, -x, abs(x),
        x * np.float64(2.0), x.exp(), x.log(), x.sqrt(), x.tanh(), x.sigmoid(), x.relu(),
        x.leaky_relu(), x.softplus(), x.sin(), x.cos(), x.clip(0.7, 2.0), x.sum(), x.mean(),
        x.max(), x.min(), x.logsumexp(), x.softmax(), x.log_softmax(), x @ x, x.reshape(3, 1),
        x[[0, 0]], autograd.maximum(x, 1.0), autograd.minimum(1.0, x),
        autograd.where(x.data > 1, x, 0.0), autograd.concatenate([x, x]), autograd.stack([x]),
    ]
    for y in ys:
        assert y.dtype == np.float32, y
        x.grad = None
        y.sum().backward()
        assert x.grad.dtype == np.float32 and x.grad.shape == (3,), y
    (h,) = autograd.grad((x.tanh() * x).sum(), [x], create_graph=True)
    (h2,) = autograd.grad(h.sum(), [x])
    assert h.dtype == np.float32 and h2.dtype == np.float32


def test_numpy_arrays_work_on_either_side():
    t = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    for y in (np.ones(3) * t, t * np.ones(3), np.ones(3) - t, np.ones((2, 3)) + t):
        assert isinstance(y, Tensor)
    y = np.arange(6.0).reshape(2, 3) @ t
    assert isinstance(y, Tensor) and y.shape == (2,)
    y.sum().backward()
    np.testing.assert_array_equal(t.grad, [3.0, 5.0, 7.0])


def test_backward_on_one_element_and_with_a_grad():
    x = Tensor([[2.0]], requires_grad=True)
    (x * x).backward()
    assert x.grad.tolist() == [[4.0]]
    v = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    (v * v).backward(np.array([1.0, 0.0, -1.0]))
    np.testing.assert_array_equal(v.grad, [2.0, 0.0, -6.0])
    with pytest.raises(RuntimeError, match=r"shape \(3,\) needs a grad"):
        (v * v).backward()
    with pytest.raises(ValueError, match=r"grad has shape \(2,\) but the tensor has shape \(3,\)"):
        (v * v).backward(np.ones(2))


def test_gradients_accumulate_and_only_where_required():
    w = Tensor([1.0, -2.0], requires_grad=True)
    c = Tensor([3.0, 4.0])
    (w * c).sum().backward()
    (w * c).sum().backward()
    np.testing.assert_array_equal(w.grad, [6.0, 8.0])
    assert c.grad is None


def test_no_grad_and_detach():
    w = Tensor([1.0, 2.0], requires_grad=True)
    with autograd.no_grad():
        y = (w * 3).sum()
    assert not y.requires_grad and y.op is None
    d = (w * 2).detach()
    assert d.is_leaf and not d.requires_grad
    z = (d * w).sum()
    z.backward()
    np.testing.assert_array_equal(w.grad, [2.0, 4.0])


def test_detect_anomaly_names_the_op():
    x = Tensor([1.0, 0.0], requires_grad=True)
    with autograd.detect_anomaly(), pytest.raises(FloatingPointError, match="'log'"):
        x.log()
    with autograd.detect_anomaly(), pytest.raises(FloatingPointError, match="sqrt"):
        x.sqrt().sum().backward()


def test_gradcheck_on_tensors():
    x = Tensor(np.linspace(-1, 1, 6).reshape(2, 3), requires_grad=True)
    w = Tensor(np.linspace(0.5, 2, 3), requires_grad=True)
    assert autograd.gradcheck(lambda x, w: (x @ w).tanh().sum(), [x, w])


def test_repeated_indices_accumulate():
    x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    x[[0, 0, 2, 0]].sum().backward()
    np.testing.assert_array_equal(x.grad, [3.0, 0.0, 1.0])
    m = Tensor(np.zeros((2, 2)), requires_grad=True)
    m[np.array([1, 1]), np.array([0, 0])].sum().backward()
    np.testing.assert_array_equal(m.grad, [[0.0, 0.0], [2.0, 0.0]])


def test_ties_share_the_gradient():
    x = Tensor([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]], requires_grad=True)
    x.max(axis=1).sum().backward()
    np.testing.assert_allclose(x.grad, [[0, 0.5, 0.5], [1 / 3, 1 / 3, 1 / 3]])
    x.grad = None
    x.min().backward()
    np.testing.assert_allclose(x.grad, [[1, 0, 0], [0, 0, 0]])
    a, b = Tensor(2.0, requires_grad=True), Tensor(2.0, requires_grad=True)
    autograd.maximum(a, b).backward()
    assert a.grad == b.grad == 0.5


def test_softmax_family_is_stable_at_large_logits():
    x = Tensor([[1000.0, 0.0, -1000.0], [1000.0, 1000.0, 1000.0]], requires_grad=True)
    s, ls, lse = x.softmax(), x.log_softmax(), x.logsumexp(axis=1)
    np.testing.assert_allclose(s.data[0], [1, 0, 0])
    np.testing.assert_allclose(ls.data[0], [0, -1000, -2000])
    np.testing.assert_allclose(lse.data, [1000, 1000 + np.log(3)])
    (s[:, 0].sum() + ls[:, 1].sum() + lse.sum()).backward()
    assert np.all(np.isfinite(x.grad))
    assert Tensor([-np.inf, -np.inf]).logsumexp().item() == -np.inf


def test_value_and_tensor_do_not_mix_in_tensor_ops():
    with pytest.raises(TypeError, match="does not combine with a Value"):
        Tensor([1.0]) @ autograd.Value(1.0)
    with pytest.raises(TypeError, match="cannot mix a Value"):
        autograd.maximum(Tensor([1.0]), autograd.Value(1.0))


@pytest.mark.parametrize(
    "make, error, pattern",
    [
        (lambda: Tensor(["a", "b"]), TypeError, "unsupported dtype <U1"),
        (lambda: Tensor([object()]), TypeError, "unsupported dtype object"),
        (lambda: Tensor([1j]), TypeError, "unsupported dtype complex128"),
        (lambda: Tensor([[1.0], [1.0, 2.0]]), ValueError, "cannot make an array"),
        (lambda: Tensor([1, 2], requires_grad=True), TypeError, "floating-point dtype"),
        (lambda: Tensor(1.0, label=3), TypeError, "label"),
        (lambda: Tensor([1.0, 2.0]) + "x", TypeError, "Tensor and str"),
        (lambda: Tensor(np.ones(3)) + np.ones(2), ValueError, r"'\+'.*\(3,\) and \(2,\)"),
        (lambda: np.ones((2, 2)) * Tensor(np.ones(3)), ValueError, r"'\*'.*\(2, 2\) and \(3,\)"),
        (lambda: Tensor(np.ones((2, 3))) @ Tensor(np.ones((2, 3))), ValueError, r"@.*\(2, 3\)"),
        (lambda: autograd.maximum(Tensor([1.0, 2]), [1, 2, 3]), ValueError, r"maximum.*\(2,\)"),
        (lambda: autograd.where([True, False], Tensor(np.ones(3)), 0.0), ValueError, "where"),
        (lambda: autograd.where([1, 0], 1.0, 0.0), TypeError, "boolean"),
        (lambda: autograd.concatenate([Tensor(np.ones((2, 3))), Tensor(np.ones((3, 2)))]),
         ValueError, r"concatenate: shapes \[\(2, 3\), \(3, 2\)\]"),
        (lambda: autograd.stack([Tensor(np.ones(2)), Tensor(np.ones(3))]), ValueError, "stack"),
        (lambda: autograd.concatenate([]), TypeError, "non-empty"),
        (lambda: Tensor(np.ones((2, 3))).reshape(4), ValueError, r"reshape.*\(2, 3\).*\(4,\)"),
        (lambda: Tensor(np.ones((2, 3))).sum(axis=2), ValueError, r"sum: axis 2 .* \(2, 3\)"),
        (lambda: Tensor(np.ones((2, 3))).mean(axis=(0, -2)), ValueError, "repeats"),
        (lambda: Tensor(np.ones((2, 3))).max(axis=1.5), TypeError, "axis"),
        (lambda: Tensor(np.ones((2, 3))).squeeze(2), ValueError, "squeeze: axis 2"),
        (lambda: Tensor(np.ones((2, 3))).transpose((0, 0)), ValueError, "permutation"),
        (lambda: Tensor(np.ones((2, 3))).broadcast_to(3, 3), ValueError, "broadcast_to"),
        (lambda: Tensor(np.ones(3))[5], IndexError, r"shape \(3,\)"),
        (lambda: Tensor(np.ones(3))[np.array([0.5])], IndexError, "integers or booleans"),
        (lambda: Tensor(np.ones(3))["a"], IndexError, "not str"),
        (lambda: Tensor(np.ones(3)).clip(), ValueError, "clip"),
        (lambda: Tensor(np.ones(3)).clip(2, 1), ValueError, "lo"),
        (lambda: Tensor(np.ones(3)).item(), ValueError, r"item\(\).*\(3,\)"),
        (lambda: Tensor(np.zeros(0)).max(), ValueError, "empty"),
        (lambda: len(Tensor(1.0)), TypeError, "0-d"),
    ],
)
def test_errors_say_what_went_wrong(make, error, pattern):
    with pytest.raises(error, match=pattern):
        make()


def test_none_and_ambiguous_truth_values_get_clear_errors():
    with pytest.raises(TypeError, match="got None"):
        Tensor(None)
    with pytest.raises(ValueError, match=r"shape \(2,\) is ambiguous"):
        bool(Tensor([1.0, 2.0]))
    assert bool(Tensor([3.0])) and not bool(Tensor(0.0))


def test_every_result_is_an_ndarray_also_0d():
    # numpy gives scalars for 0-d results (a dot product, a full sum, x[0], 0-d * 0-d): a Tensor
    # holds an ndarray all the same, recorded or not
    a, b = Tensor([1.0, 2.0]), Tensor([3.0, 4.0], requires_grad=True)
    s, r = Tensor(2.0), Tensor(3.0, requires_grad=True)
    for grad_on in (True, False):
        with autograd.enable_grad() if grad_on else autograd.no_grad():
            results = {
                "a @ b": a @ b, "a @ a": a @ a, "b.sum()": b.sum(), "b.mean()": b.mean(),
                "b.max()": b.max(), "b.logsumexp()": b.logsumexp(), "b[0]": b[0], "a[1]": a[1],
                "s * s": s * s, "s * r": s * r, "r.exp()": r.exp(), "-r": -r, "abs(r)": abs(r),
                "r ** 2": r**2, "maximum": autograd.maximum(s, r), "r.clip": r.clip(0, 1),
            }
        for what, t in results.items():
            assert type(t.data) is np.ndarray, (what, grad_on, type(t.data))
            assert t.engine == "tensor"
