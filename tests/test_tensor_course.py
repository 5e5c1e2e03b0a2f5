"""The course's Tensor layer: comparisons, PyTorch's spellings, constructors, and finite-difference
checks (first and second order) of the composite ops (the primitives are in the registry tests)."""

import numpy as np
import pytest
from tensor_helpers import check

from chainrule import autograd
from chainrule.autograd import Tensor, Value

rng = np.random.default_rng(11)
A = rng.standard_normal((3, 4))

COMPOSITES = {
    "var": lambda x: x.var(dim=1),
    "std": lambda x: x.std(axis=0, keepdims=True),
    "gather": lambda x: x.gather(1, np.array([[1, 1], [0, 3], [2, 0]])) ** 2,
    "take_along_axis": lambda x: x.take_along_axis(np.array([[0], [2], [1]]), 1) * x,
    "index_select": lambda x: x.index_select(1, np.array([3, 0, 3])) ** 2,
    "repeat": lambda x: x.repeat(1, 2) ** 2,
    "repeat_interleave": lambda x: x.repeat_interleave(3) ** 2,
    "tril triu": lambda x: x.tril(1) * x.triu(),
    "diag trace": lambda x: x[:, :3].diag().diag() * x[:, 1:].trace(),
    "outer": lambda x: x[0].outer(x[1]) ** 2,
    "masked_fill": lambda x: x.masked_fill(A > 0, 2.0) ** 2,
    "clamp tensor": lambda x: x.clamp(min=A[0] * 0 - 0.3, max=0.4) * x,
    "permute expand": lambda x: x.permute(1, 0).expand(2, 4, 3) ** 2,
}


@pytest.mark.parametrize("name", list(COMPOSITES))
def test_composites_first_and_second_order(name):
    x = np.where(np.abs(A - 0.4) < 0.05, 0.5, A)
    x = np.where(np.abs(x + 0.3) < 0.05, -0.4, x)  # away from the clamp's kinks
    check(COMPOSITES[name], x)


def test_comparisons_give_boolean_constants():
    pred = Tensor([0.0, 2.0, 1.0], requires_grad=True)
    y = Tensor([0, 1, 1])
    eq = pred == y
    assert eq.dtype == np.bool_ and not eq.requires_grad and eq.is_leaf
    np.testing.assert_array_equal(eq.data, [True, False, True])
    assert (pred == y).float().mean().item() == pytest.approx(2 / 3)
    np.testing.assert_array_equal((pred != 2.0).data, [True, False, True])
    np.testing.assert_array_equal((pred >= np.array([0.0, 3.0, 1.0])).data, [True, False, True])


def test_tensors_stay_hashable_by_identity():
    a, b = Tensor([1.0]), Tensor([1.0])
    assert len({a, b}) == 2 and {a: 1}[a] == 1
    assert (a == b).item() is True  # equal elements, still two dictionary keys
    assert (a == None) is False and (a != "x") is True  # noqa: E711 - Python objects compare


def test_value_keeps_identity_equality():
    v, w = Value(1.0), Value(1.0)
    assert v != w and v == v and len({v, w}) == 2
    assert (Tensor(1.0) == v) is False  # a Tensor and a Value never compare elements


def test_comparison_shapes_must_broadcast():
    with pytest.raises(ValueError, match=r"comparison 'equal': shapes \(2,\) and \(3,\)"):
        Tensor([1.0, 2.0]) == Tensor([1.0, 2.0, 3.0])  # noqa: B015


def test_backward_takes_pytorchs_gradient_argument():
    x = Tensor([1.0, 2.0], requires_grad=True)
    (x * x).backward(gradient=np.array([1.0, 0.5]))
    np.testing.assert_allclose(x.grad, [2.0, 2.0])
    (x * 3).backward(grad=[1.0, 1.0], retain_graph=True)
    np.testing.assert_allclose(x.grad, [5.0, 5.0])
    with pytest.raises(TypeError, match="not both"):
        x.backward(gradient=[1.0, 1.0], grad=[1.0, 1.0])
    with pytest.raises(TypeError, match="autograd.grad"):
        x.sum().backward(inputs=[x])


def test_dtype_methods():
    x = Tensor([1.5, -2.0], requires_grad=True)
    assert x.float().dtype == np.float32 and x.double().dtype == np.float64
    assert x.long().dtype == np.int64 and not x.long().requires_grad
    assert x.to("float32").dtype == np.float32 and x.bool().dtype == np.bool_
    x.float().sum().backward()
    assert x.grad.dtype == np.float64 and list(x.grad) == [1.0, 1.0]
    assert x.numel() == 2 and x.dim() == 1


def test_torch_meaning_where_the_libraries_differ():
    t = Tensor(A)
    assert t.transpose(0, 1).shape == (4, 3)  # PyTorch swaps; numpy's (0, 1) would not
    assert t.transpose((0, 1)).shape == (3, 4)
    assert t.repeat(2, 1).shape == (6, 4) and t.tile(2).shape == (3, 8)
    np.testing.assert_array_equal(t.repeat_interleave(2, 0).data, np.repeat(A, 2, 0))
    assert t.var().item() == pytest.approx(A.var())  # numpy's population variance
    assert t.var(dim=(0, 1)).item() == pytest.approx(A.var(ddof=1))  # PyTorch's default
    values, indices = t.max(dim=1)
    np.testing.assert_array_equal(indices.data, A.argmax(1))
    assert t.max(axis=1).shape == (3,)  # numpy's spelling: the values only
    assert t.squeeze(0).shape == (3, 4)  # axis 0 has length 3: left alone, as PyTorch


@pytest.mark.parametrize(
    "make, error, pattern",
    [
        (lambda: Tensor(A).sum(axis=0, dim=0), TypeError, "axis .* or dim"),
        (lambda: Tensor(A).var(ddof=1, unbiased=True), TypeError, "one of ddof"),
        (lambda: Tensor(A).repeat(2), ValueError, "repeat_interleave"),
        (lambda: Tensor(A).gather(1, np.array([0, 1])), ValueError, "gather: index has 1"),
        (lambda: Tensor(A).gather(1, np.array([[0.5]])), TypeError, "integers"),
        (lambda: Tensor(A).pad(-1), ValueError, "pad"),
        (lambda: Tensor(A).roll((1, 2), 0), ValueError, "roll: 2 shifts for 1 dims"),
        (lambda: Tensor(A[0]).tril(), ValueError, "tril: needs at least 2"),
        (lambda: autograd.einsum("ii->i", Tensor(A[:3, :3])), ValueError, "diag"),
        (lambda: autograd.einsum("ij,jk->ik", Tensor(A)), ValueError, "2 operands"),
        (lambda: autograd.einsum("ij->ik", Tensor(A)), ValueError, "no operand has"),
        (lambda: autograd.einsum("...j->j", Tensor(A)), ValueError, "letters"),
        (lambda: Tensor(A).astype(str), TypeError, "astype"),
        (lambda: Tensor(np.zeros(0)).argmax(), ValueError, "empty"),
    ],
)
def test_errors_say_what_went_wrong(make, error, pattern):
    with pytest.raises(error, match=pattern):
        make()


def test_constructors():
    assert autograd.full((2,), 3.0).data.tolist() == [3.0, 3.0]
    z = autograd.zeros_like(Tensor(np.ones((2, 2), np.float32)), requires_grad=True)
    assert z.dtype == np.float32 and z.requires_grad
    assert autograd.eye(2).data.tolist() == [[1.0, 0.0], [0.0, 1.0]]
    assert autograd.arange(1, 7, 2).data.tolist() == [1, 3, 5]
    assert autograd.full_like(A, 2, dtype=np.int64).dtype == np.int64
