"""The course's Tensor ops against PyTorch in float64: values, gradients, second order, edges."""

import numpy as np
import pytest
from torch_parity import agree, close

from chainrule import autograd
from chainrule.autograd import Tensor

torch = pytest.importorskip("torch")
rng = np.random.default_rng(7)
A = rng.standard_normal((3, 4))
B = rng.standard_normal((4, 5))
P = np.abs(A) + 0.3  # positive
U = np.tanh(A) * 0.9  # inside (-1, 1)

UNARY = [  # our method, torch's method, where to evaluate
    ("tan", "tan", A * 0.6), ("sinh", "sinh", A), ("cosh", "cosh", A),
    ("arcsin", "asin", U), ("asin", "asin", U), ("arccos", "acos", U), ("acos", "acos", U),
    ("arctan", "atan", A), ("atan", "atan", A), ("log2", "log2", P), ("log10", "log10", P),
    ("expm1", "expm1", A), ("reciprocal", "reciprocal", P), ("rsqrt", "rsqrt", P),
    ("sign", "sign", A), ("log1p", "log1p", P),
]


@pytest.mark.parametrize("ours, theirs, x", UNARY, ids=[u[0] for u in UNARY])
def test_unary(ours, theirs, x):
    agree(torch, lambda t: getattr(t, ours)(), lambda t: getattr(t, theirs)(), x)


EDGES = np.array([0.0, -0.0, 1.0, -1.0, np.inf, -np.inf, np.nan, 1e300, -1e300, 1e-300])


@pytest.mark.parametrize("ours, theirs, x", UNARY, ids=[u[0] for u in UNARY])
def test_unary_edges(ours, theirs, x):
    """0, -0, +-1, +-inf, nan, huge and tiny: the same values and first derivatives."""
    with np.errstate(all="ignore"):
        agree(torch, lambda t: getattr(t, ours)(), lambda t: getattr(t, theirs)(), EDGES,
              second=False)


CASES = {  # name: (ours, torch's, arrays)
    "var dim": (lambda a: a.var(dim=1), lambda a: a.var(dim=1), [A]),
    "var unbiased=False": (lambda a: a.var(dim=0, unbiased=False, keepdim=True),
                           lambda a: a.var(dim=0, unbiased=False, keepdim=True), [A]),
    "var ddof numpy": (lambda a: a.var(axis=1), lambda a: a.var(dim=1, correction=0), [A]),
    "std correction": (lambda a: a.std(dim=(0, 1), correction=2),
                       lambda a: a.std(dim=(0, 1), correction=2), [A]),
    "std all": (lambda a: a.std(ddof=1), lambda a: a.std(), [A]),
    "prod": (lambda a: a.prod(dim=1), lambda a: a.prod(dim=1), [A]),
    "prod all": (lambda a: a[:2, :3].prod(), lambda a: a[:2, :3].prod(), [A]),
    "prod one zero": (lambda a: a.prod(dim=1), lambda a: a.prod(dim=1),
                      [np.where(np.eye(3, 4) > 0, 0.0, A)]),
    "prod two zeros": (lambda a: a.prod(dim=0), lambda a: a.prod(dim=0),
                       [np.array([[0.0, 2.0], [0.0, 3.0], [1.5, 0.5]])]),
    "cumsum": (lambda a: a.cumsum(dim=1) * a, lambda a: a.cumsum(dim=1) * a, [A]),
    "cumsum dim 0": (lambda a: a.cumsum(0) ** 2, lambda a: a.cumsum(0) ** 2, [A]),
    "clamp": (lambda a: a.clamp(-0.5, 0.7) * a, lambda a: a.clamp(-0.5, 0.7) * a, [A]),
    "clamp min": (lambda a: a.clamp(min=0.1) * a, lambda a: a.clamp(min=0.1) * a, [A]),
    "flip": (lambda a: a.flip(0, 1) * a, lambda a: a.flip((0, 1)) * a, [A]),
    "roll": (lambda a: a.roll(2, 1) * a, lambda a: a.roll(2, 1) * a, [A]),
    "roll flat": (lambda a: a.roll(5) * a, lambda a: a.roll(5) * a, [A]),
    "pad": (lambda a: a.pad(((1, 2), (0, 1)), value=0.5) ** 2,
            lambda a: torch.nn.functional.pad(a, (0, 1, 1, 2), value=0.5) ** 2, [A]),
    "gather": (lambda a: a.gather(1, np.array([[0, 0, 3], [1, 2, 1], [3, 3, 3]])) ** 2,
               lambda a: a.gather(1, torch.tensor([[0, 0, 3], [1, 2, 1], [3, 3, 3]])) ** 2, [A]),
    "gather dim 0": (lambda a: a.gather(0, np.array([[2, 0, 1, 1]])) * 3,
                     lambda a: a.gather(0, torch.tensor([[2, 0, 1, 1]])) * 3, [A]),
    "repeat": (lambda a: a.repeat(2, 1, 3) * a.repeat(2, 1, 3),
               lambda a: a.repeat(2, 1, 3) * a.repeat(2, 1, 3), [A]),
    "repeat_interleave": (lambda a: a.repeat_interleave(2, dim=1) ** 2,
                          lambda a: a.repeat_interleave(2, dim=1) ** 2, [A]),
    "tile": (lambda a: a.tile((2, 2)) ** 3, lambda a: a.tile((2, 2)) ** 3, [A]),
    "tril": (lambda a: a.tril() * a, lambda a: a.tril() * a, [A]),
    "triu -1": (lambda a: a.triu(-1) * a, lambda a: a.triu(-1) * a, [A]),
    "tril of inf": (lambda a: (a * np.inf).tril(), lambda a: (a * np.inf).tril(), [A]),
    "outer": (lambda a, b: autograd.outer(a, b) ** 2, lambda a, b: torch.outer(a, b) ** 2,
              [A[0], B[0]]),
    "trace": (lambda a: (a @ a.T).trace(), lambda a: (a @ a.T).trace(), [A]),
    "diag vector": (lambda a: a.diag(1) ** 2, lambda a: a.diag(1) ** 2, [A[0]]),
    "diag matrix": (lambda a: a.diag(-1) ** 2, lambda a: a.diag(-1) ** 2, [A]),
    "einsum matmul": (lambda a, b: autograd.einsum("ij,jk->ik", a, b) ** 2,
                      lambda a, b: torch.einsum("ij,jk->ik", a, b) ** 2, [A, B]),
    "einsum outer sum": (lambda a, b: autograd.einsum("ij,kl->jl", a, b),
                         lambda a, b: torch.einsum("ij,kl->jl", a, b), [A, B]),
    "einsum batch": (lambda a, b: autograd.einsum("bij,bjk->bik", a, b) * a.sum(),
                     lambda a, b: torch.einsum("bij,bjk->bik", a, b) * a.sum(),
                     [A.reshape(2, 3, 2), B[:2, :4].reshape(2, 2, 2)]),
    "einsum one": (lambda a: autograd.einsum("ij->j", a * a),
                   lambda a: torch.einsum("ij->j", a * a), [A]),
    "einsum implicit": (lambda a, b: autograd.einsum("ij,jk", a, b) ** 2,
                        lambda a, b: torch.einsum("ij,jk", a, b) ** 2, [A, B]),
    "masked_fill": (lambda a: a.masked_fill(A > 0.3, -1.5) * a,
                    lambda a: a.masked_fill(torch.tensor(A > 0.3), -1.5) * a, [A]),
    "where method": (lambda a, b: (a * a).where(A > 0, b[:, :4].T[:3]),
                     lambda a, b: (a * a).where(torch.tensor(A > 0), b[:, :4].T[:3]), [A, B]),
    "where tensor cond": (lambda a: autograd.where(a > 0, a * a, -a),
                          lambda a: torch.where(a > 0, a * a, -a), [A]),
    "spellings": (lambda a: a.permute(1, 0).unsqueeze(0).expand(2, -1, -1).reshape(2, 12)
                  .transpose(0, 1).flatten(0, 1).sum(dim=0, keepdim=True) ** 2,
                  lambda a: a.permute(1, 0).unsqueeze(0).expand(2, -1, -1).reshape(2, 12)
                  .transpose(0, 1).flatten(0, 1).sum(dim=0, keepdim=True) ** 2, [A]),
    "squeeze dim not 1": (lambda a: a.unsqueeze(1).squeeze(0).squeeze(1) ** 2,
                          lambda a: a.unsqueeze(1).squeeze(0).squeeze(1) ** 2, [A]),
    "max dim values": (lambda a: a.max(dim=1).values ** 2, lambda a: a.max(dim=1).values ** 2,
                       [A]),
    "amin": (lambda a: a.amin(dim=0, keepdim=True) * a, lambda a: a.amin(dim=0, keepdim=True) * a,
             [A]),
    "softmax dim": (lambda a: a.softmax(dim=0) * a.log_softmax(dim=1),
                    lambda a: a.softmax(dim=0) * a.log_softmax(dim=1), [A]),
    "cat stack dim": (lambda a, b: autograd.cat([a, b.T[:, :4]], dim=0) ** 2,
                      lambda a, b: torch.cat([a, b.T[:, :4]], dim=0) ** 2, [A, B]),
    "logsumexp dim": (lambda a: a.logsumexp(dim=1, keepdim=True) * a,
                      lambda a: a.logsumexp(dim=1, keepdim=True) * a, [A]),
    "float double": (lambda a: a.float().double() * 1.0, lambda a: a.float().double() * 1.0,
                     [A]),
}


@pytest.mark.parametrize("name", list(CASES))
def test_matches_pytorch(name):
    ours, theirs, arrays = CASES[name]
    agree(torch, ours, theirs, *arrays)


def test_argmax_argmin_and_max_indices():
    t, tt = Tensor(A), torch.tensor(A)
    close(t.argmax().data, tt.argmax().numpy())
    close(t.argmax(dim=1).data, tt.argmax(dim=1).numpy())
    close(t.argmin(dim=0, keepdim=True).data, tt.argmin(dim=0, keepdim=True).numpy())
    close(t.max(dim=0).indices.data, tt.max(dim=0).indices.numpy())
    assert t.argmax(dim=1).dtype == np.int64 and not t.argmax().requires_grad


def test_comparisons_match_pytorch():
    a, b = Tensor(A), Tensor(A[0])
    ta, tb = torch.tensor(A), torch.tensor(A[0])
    for op in ("__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__"):
        ours, theirs = getattr(a, op)(b), getattr(ta, op)(tb)
        assert ours.dtype == np.bool_
        np.testing.assert_array_equal(ours.data, theirs.numpy())


def test_constructors_match_pytorch():
    close(autograd.eye(3, 4).data, torch.eye(3, 4).numpy())
    assert autograd.arange(5).dtype == np.int64 and autograd.arange(5).shape == (5,)
    close(autograd.arange(0.0, 1.0, 0.25).data, torch.arange(0.0, 1.0, 0.25).numpy())
    close(autograd.full((2, 3), 1.5).data, torch.full((2, 3), 1.5).numpy())
    close(autograd.zeros_like(Tensor(A)).data, np.zeros((3, 4)))
    close(autograd.ones_like(A).data, np.ones((3, 4)))


def test_var_of_one_element_is_nan_as_pytorch():
    with np.errstate(all="ignore"):
        close(Tensor([2.0]).var(dim=0).data, torch.tensor([2.0]).var(dim=0).numpy())
