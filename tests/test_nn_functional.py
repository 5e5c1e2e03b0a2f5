"""Losses and metrics on the scalar engine: closed forms, finite differences, PyTorch, errors."""

import math

import numpy as np
import pytest

from chainrule.autograd import Value
from chainrule.nn import functional as F

RNG = np.random.default_rng(0)
SCORES = RNG.normal(size=6) * 2
SIGNED = np.array([1, -1, -1, 1, 1, -1])
BINARY = (SIGNED + 1) // 2
LOGITS = RNG.normal(size=(5, 3)) * 3
CLASSES = np.array([0, 2, 1, 2, 0])


def _values(a):
    return [Value(float(x)) for x in a]


def _rows(a):
    return [_values(r) for r in a]


def _numeric(loss_of_array, a, eps=1e-6):
    g = np.zeros_like(a)
    for idx in np.ndindex(a.shape):
        up, down = a.copy(), a.copy()
        up[idx] += eps
        down[idx] -= eps
        g[idx] = (loss_of_array(up) - loss_of_array(down)) / (2 * eps)
    return g


CASES = {
    "mse": (lambda p: F.mse_loss(p, SCORES[::-1]), lambda s: np.mean((s - SCORES[::-1]) ** 2)),
    "hinge": (lambda p: F.hinge_loss(p, SIGNED), lambda s: np.mean(np.maximum(0, 1 - SIGNED * s))),
    "bce": (
        lambda p: F.binary_cross_entropy_with_logits(p, BINARY),
        lambda s: np.mean(-BINARY * np.log(1 / (1 + np.exp(-s)))
                          - (1 - BINARY) * np.log(1 - 1 / (1 + np.exp(-s)))),
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_elementwise_losses_value_and_gradient(name):
    loss_fn, closed = CASES[name]
    p = _values(SCORES)
    L = loss_fn(p)
    assert L.data == pytest.approx(closed(SCORES), rel=1e-12)
    L.backward()
    numeric = _numeric(lambda s: loss_fn(_values(s)).data, SCORES)
    np.testing.assert_allclose([v.grad for v in p], numeric, rtol=1e-6, atol=1e-8)


def test_cross_entropy_value_and_gradient():
    z = _rows(LOGITS)
    L = F.cross_entropy(z, CLASSES)
    shifted = LOGITS - LOGITS.max(axis=1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    assert L.data == pytest.approx(-logp[np.arange(5), CLASSES].mean(), rel=1e-12)
    L.backward()
    numeric = _numeric(lambda a: F.cross_entropy(_rows(a), CLASSES).data, LOGITS)
    np.testing.assert_allclose([[v.grad for v in r] for r in z], numeric, rtol=1e-6, atol=1e-8)
    # d/dz = (softmax(z) - onehot) / n
    expected = (np.exp(logp) - np.eye(3)[CLASSES]) / 5
    np.testing.assert_allclose([[v.grad for v in r] for r in z], expected, rtol=1e-12, atol=1e-15)


def test_stable_at_extreme_logits():
    z = [[Value(1000.0), Value(-1000.0)], [Value(-1000.0), Value(1000.0)]]
    L = F.cross_entropy(z, [0, 0])
    assert L.data == pytest.approx(1000.0)  # the second sample is 2000 wrong, over 2 samples
    L.backward()
    assert all(math.isfinite(v.grad) for r in z for v in r)
    b = F.binary_cross_entropy_with_logits([Value(1000.0), Value(-1000.0)], [0, 1])
    assert b.data == pytest.approx(1000.0)


def test_penalties_and_micrograds_regulariser():
    ps = _values([1.0, -2.0, 3.0])
    l2 = F.l2_penalty(ps)
    assert l2.data == 14.0
    l2.backward()
    assert [p.grad for p in ps] == [2.0, -4.0, 6.0]
    assert F.l1_penalty(_values([1.0, -2.0])).data == 3.0
    with pytest.raises(ValueError, match="no parameters"):
        F.l2_penalty([])


def test_predictions_may_be_nested_lists_for_several_outputs():
    p = _rows([[1.0, 2.0], [3.0, 4.0]])
    assert F.mse_loss(p, [[1.0, 0.0], [3.0, 0.0]]).data == pytest.approx((4 + 16) / 4)


def test_accuracy_binary_signed_zero_one_and_multiclass():
    s = _values([0.5, -0.2, 3.0, -1.0])
    assert F.accuracy(s, [1, -1, -1, -1]) == 0.75
    assert F.accuracy(s, [1, 0, 1, 0]) == 1.0
    assert F.accuracy(np.array([[0.1], [-0.3]]), [1, 1]) == 0.5
    assert F.accuracy(_rows(LOGITS), LOGITS.argmax(axis=1)) == 1.0
    assert isinstance(F.accuracy(s, [1, 0, 1, 0]), float)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: F.hinge_loss(_values([1.0, 2.0]), [0, 1]), ValueError, "labels -1 or \\+1"),
        (lambda: F.binary_cross_entropy_with_logits(_values([1.0]), [-1]), ValueError, r"\[0, 1\]"),
        (lambda: F.mse_loss(_values([1.0, 2.0]), [1.0]), ValueError, "2 predictions but 1 target"),
        (lambda: F.mse_loss([], []), ValueError, "empty batch"),
        (lambda: F.cross_entropy(_rows(LOGITS), [0, 1, 2, 3, 0]), ValueError, "labels 0..2"),
        (lambda: F.cross_entropy(_rows(LOGITS), [0.5, 1, 2, 1, 0]), ValueError, "integer labels"),
        (lambda: F.cross_entropy(_rows(LOGITS), [0, 1]), ValueError, "5 rows of logits but 2"),
        (lambda: F.cross_entropy(_values([1.0, 2.0]), [0, 1]), ValueError, "list of samples"),
        (lambda: F.accuracy([1.0, 2.0], [1]), ValueError, "2 predictions but 1 labels"),
        (lambda: F.accuracy(object(), [1]), TypeError, "expected numbers"),
    ],
)
def test_bad_inputs(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_against_pytorch():
    torch = pytest.importorskip("torch")
    tF = torch.nn.functional

    def check(ours_fn, theirs_fn, data):
        p = [_values(r) for r in data] if data.ndim == 2 else _values(data)
        L = ours_fn(p)
        L.backward()
        t = torch.tensor(data, dtype=torch.float64, requires_grad=True)
        T = theirs_fn(t)
        T.backward()
        assert L.data == pytest.approx(T.item(), rel=1e-12)
        grads = [[v.grad for v in r] for r in p] if data.ndim == 2 else [v.grad for v in p]
        np.testing.assert_allclose(grads, t.grad.numpy(), rtol=1e-12, atol=1e-15)

    target = torch.tensor(SCORES[::-1].copy())
    check(lambda p: F.mse_loss(p, SCORES[::-1]), lambda t: tF.mse_loss(t, target), SCORES)
    bt = torch.tensor(BINARY, dtype=torch.float64)
    check(lambda p: F.binary_cross_entropy_with_logits(p, BINARY),
          lambda t: tF.binary_cross_entropy_with_logits(t, bt), SCORES)
    ct = torch.tensor(CLASSES)
    check(lambda p: F.cross_entropy(p, CLASSES), lambda t: tF.cross_entropy(t, ct), LOGITS)
    st = torch.tensor(SIGNED, dtype=torch.float64)
    check(lambda p: F.hinge_loss(p, SIGNED), lambda t: torch.relu(1 - st * t).mean(), SCORES)
