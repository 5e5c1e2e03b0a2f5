"""The fused ops (``autograd/tensor/fused.py``): linear and cross-entropy, one node each.

Each is checked against central finite differences (first and second order), against the
composite it replaces, and against PyTorch float64 (values, gradients, second order), edges
included: 0, +-inf, nan and huge values, a single sample, batch axes, no bias, and
cross-entropy's ignore_index, label_smoothing and reductions.
"""

from __future__ import annotations

import numpy as np
import pytest
from tensor_helpers import check

from chainrule import autograd, nn
from chainrule.autograd import Tensor
from chainrule.autograd.tensor import fused

F = nn.functional
rng = np.random.default_rng(17)


def _leaves(*arrays):
    return [Tensor(a, requires_grad=True) for a in arrays]


# --- linear -------------------------------------------------------------------------------------

SHAPES = [((5, 3), True), ((3,), True), ((2, 4, 3), True), ((5, 3), False), ((3,), False)]


@pytest.mark.parametrize(("xshape", "with_bias"), SHAPES)
def test_linear_against_finite_differences(xshape, with_bias):
    x, w, b = rng.standard_normal(xshape), rng.standard_normal((4, 3)), rng.standard_normal(4)
    if with_bias:
        check(lambda x, w, b: fused.linear(x, w, b), x, w, b)
    else:
        check(lambda x, w: fused.linear(x, w), x, w)


@pytest.mark.parametrize(("xshape", "with_bias"), SHAPES)
def test_linear_is_the_composite_in_one_node(xshape, with_bias):
    x, w, b = _leaves(rng.standard_normal(xshape), rng.standard_normal((4, 3)),
                      rng.standard_normal(4))
    y = F.linear(x, w, b if with_bias else None)
    assert y.op_name == "linear" and y.parents == ((x, w, b) if with_bias else (x, w))
    ref_leaves = _leaves(x.data, w.data, b.data)
    ref = ref_leaves[0] @ ref_leaves[1].T + (ref_leaves[2] if with_bias else 0.0)
    np.testing.assert_allclose(y.data, ref.data, rtol=1e-14, atol=1e-14)
    seed = rng.standard_normal(y.shape)
    y.backward(seed)
    ref.backward(seed)
    for ours, theirs in zip((x, w, b), ref_leaves, strict=True):
        if ours is b and not with_bias:
            assert b.grad is None
            continue
        np.testing.assert_allclose(ours.grad, theirs.grad, rtol=1e-13, atol=1e-13)
    assert w.grad.flags.c_contiguous  # row-major like W: the optimizer's update stays fast


def test_linear_keeps_the_gradient_of_its_output_and_reads_as_its_formula():
    x, w, b = _leaves(rng.standard_normal((2, 3)), rng.standard_normal((4, 3)),
                      rng.standard_normal(4))
    y = F.linear(x, w, b)
    (y * y).sum().backward()
    np.testing.assert_allclose(y.grad, 2 * y.data)  # intermediate gradients are kept
    assert y.op.equation("y", ["x", "W", "b"]) == "y = x·Wᵀ + b"
    assert y.op.equation("y", ["x", "W"]) == "y = x·Wᵀ"
    assert y.op.derivative(2, "y", ["x", "W", "b"], "g") == "Σ g"
    assert "x·Wᵀ + b" in autograd.ops.lookup("linear").symbol


def test_linear_takes_arrays_and_says_what_shapes_it_wants():
    w = Tensor(rng.standard_normal((4, 3)), requires_grad=True)
    y = F.linear(np.ones((2, 3)), w)  # an array input is a constant
    y.sum().backward()
    np.testing.assert_allclose(w.grad, np.full((4, 3), 2.0))
    assert F.linear(np.ones(3), np.ones((2, 3))).shape == (2,)  # no Tensor at all: a leaf
    with pytest.raises(ValueError, match=r"\(out_features, in_features\)"):
        F.linear(np.ones((2, 4)), w)
    with pytest.raises(ValueError, match=r"\(out_features, in_features\)"):
        F.linear(np.ones((2, 3)), Tensor(np.ones(3)))
    with pytest.raises(ValueError, match="bias has shape"):
        F.linear(np.ones((2, 3)), w, np.ones(3))
    with pytest.raises(TypeError, match="Tensor"):
        F.linear(autograd.Value(1.0), w)


def test_linear_under_no_grad_records_nothing():
    w = Tensor(rng.standard_normal((4, 3)), requires_grad=True)
    with autograd.no_grad():
        y = F.linear(np.ones((2, 3)), w)
    assert y.op is None and not y.requires_grad


def test_nn_linear_is_one_linear_node_per_layer():
    model = nn.MLP(3, [5, 2], engine="tensor", seed=0)
    out = model(rng.standard_normal((4, 3)))
    names = [n.op_name for n in autograd.topological_order(out.sum())]
    assert names.count("linear") == 2 and "@" not in names and "+" not in names


# --- cross-entropy ------------------------------------------------------------------------------

LABELS = np.array([0, 3, 1, 3, 2])
OPTIONS = [
    {},
    {"reduction": "sum"},
    {"reduction": "none"},
    {"label_smoothing": 0.2},
    {"ignore_index": 3},
    {"ignore_index": 3, "label_smoothing": 0.1, "reduction": "none"},
    {"ignore_index": 1, "reduction": "sum", "label_smoothing": 0.3},
]


@pytest.mark.parametrize("options", OPTIONS, ids=str)
def test_cross_entropy_against_finite_differences(options):
    z = rng.standard_normal((5, 4))
    check(lambda z: F.cross_entropy(z, LABELS, **options), z)


def test_cross_entropy_is_one_node_with_the_composites_value_and_gradient():
    z = rng.standard_normal((5, 4))
    ours, ref = _leaves(z, z)
    loss = F.cross_entropy(ours, LABELS)
    composite = -ref.log_softmax(axis=-1)[np.arange(5), LABELS].mean()
    assert loss.parents == (ours,) and loss.op_name == "cross_entropy"
    assert float(loss.data) == float(composite.data)
    loss.backward()
    composite.backward()
    np.testing.assert_allclose(ours.grad, ref.grad, rtol=1e-14, atol=1e-16)
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(ours.grad, (p - np.eye(4)[LABELS]) / 5, rtol=1e-13)
    loss.backward()  # a second backward accumulates, from the saved softmax
    np.testing.assert_allclose(ours.grad, 2 * ref.grad, rtol=1e-14, atol=1e-16)


def test_cross_entropy_arguments_are_checked():
    z = Tensor(rng.standard_normal((5, 4)), requires_grad=True)
    with pytest.raises(ValueError, match="reduction"):
        F.cross_entropy(z, LABELS, reduction="avg")
    with pytest.raises(ValueError, match="label_smoothing"):
        F.cross_entropy(z, LABELS, label_smoothing=1.5)
    with pytest.raises(ValueError, match="0..3"):
        F.cross_entropy(z, [0, 4, 1, 3, 2])
    with pytest.raises(ValueError, match="5 rows of logits but 4 labels"):
        F.cross_entropy(z, [0, 1, 1, 3])
    with pytest.raises(ValueError, match="scalar engine"):
        F.cross_entropy([[autograd.Value(1.0), autograd.Value(2.0)]], [0], reduction="sum")
    assert float(F.cross_entropy(z, [0.0, 3.0, 1.0, 3.0, 2.0]).data) == float(
        F.cross_entropy(z, LABELS).data)  # whole floats are labels too


# --- PyTorch float64 ------------------------------------------------------------------------------

EDGES = [0.0, np.inf, -np.inf, np.nan, 1e300, -1e300]


def _edged(shape, count=3):
    a = rng.standard_normal(shape)
    flat = a.reshape(-1)
    for i, v in zip(rng.choice(flat.size, count, replace=False), rng.choice(EDGES, count),
                    strict=True):
        flat[i] = v
    return a


def _close(ours, theirs):
    np.testing.assert_allclose(ours, theirs.detach().numpy(), rtol=1e-12, atol=1e-12,
                               equal_nan=True)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # inf - inf in numpy, as in the composite
@pytest.mark.parametrize(("xshape", "with_bias"), SHAPES)
@pytest.mark.parametrize("edges", [False, True])
def test_linear_matches_pytorch(xshape, with_bias, edges):
    torch = pytest.importorskip("torch")
    make = _edged if edges else rng.standard_normal
    arrays = [make(xshape), make((4, 3)), make((4,))][: 3 if with_bias else 2]
    ours, theirs = _leaves(*arrays), [torch.tensor(a, requires_grad=True) for a in arrays]
    y, ty = F.linear(*ours), torch.nn.functional.linear(*theirs)
    _close(y.data, ty)
    seed = rng.standard_normal(y.shape)
    y.backward(seed)
    ty.backward(torch.tensor(seed))
    for o, t in zip(ours, theirs, strict=True):
        _close(o.grad, t.grad)


def test_linear_second_order_matches_pytorch():
    torch = pytest.importorskip("torch")
    arrays = [rng.standard_normal((5, 3)), rng.standard_normal((4, 3)), rng.standard_normal(4)]
    v = rng.standard_normal((4, 3))
    ours, theirs = _leaves(*arrays), [torch.tensor(a, requires_grad=True) for a in arrays]
    (gw,) = autograd.grad(F.linear(*ours).tanh().sum(), [ours[1]], create_graph=True)
    (tgw,) = torch.autograd.grad(torch.nn.functional.linear(*theirs).tanh().sum(), [theirs[1]],
                                 create_graph=True)
    _close(gw.data, tgw)
    second = autograd.grad((gw * v).sum(), ours)
    tsecond = torch.autograd.grad((tgw * torch.tensor(v)).sum(), theirs)
    for o, t in zip(second, tsecond, strict=True):
        _close(o, t)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("options", OPTIONS, ids=str)
@pytest.mark.parametrize("edges", [False, True])
def test_cross_entropy_matches_pytorch(options, edges):
    torch = pytest.importorskip("torch")
    z = _edged((5, 4)) if edges else rng.standard_normal((5, 4)) * 30
    ours, theirs = Tensor(z, requires_grad=True), torch.tensor(z, requires_grad=True)
    loss = F.cross_entropy(ours, LABELS, **options)
    tloss = torch.nn.functional.cross_entropy(theirs, torch.tensor(LABELS), **options)
    _close(loss.data, tloss)
    seed = rng.standard_normal(loss.shape)
    loss.backward(seed)
    tloss.backward(torch.tensor(seed))
    _close(ours.grad, theirs.grad)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_cross_entropy_with_every_row_ignored_is_nan_as_in_pytorch():
    torch = pytest.importorskip("torch")
    z = rng.standard_normal((2, 3))
    ours, theirs = Tensor(z, requires_grad=True), torch.tensor(z, requires_grad=True)
    loss = F.cross_entropy(ours, [1, 1], ignore_index=1)
    tloss = torch.nn.functional.cross_entropy(theirs, torch.tensor([1, 1]), ignore_index=1)
    assert np.isnan(loss.data) and np.isnan(tloss.item())
    loss.backward()
    tloss.backward()
    _close(ours.grad, theirs.grad)


@pytest.mark.parametrize("options", [{}, {"label_smoothing": 0.2, "ignore_index": 3}], ids=str)
def test_cross_entropy_second_order_matches_pytorch(options):
    torch = pytest.importorskip("torch")
    z, v = rng.standard_normal((5, 4)), rng.standard_normal((5, 4))
    ours, theirs = Tensor(z, requires_grad=True), torch.tensor(z, requires_grad=True)
    (g,) = autograd.grad(F.cross_entropy(ours, LABELS, **options), [ours], create_graph=True)
    (tg,) = torch.autograd.grad(
        torch.nn.functional.cross_entropy(theirs, torch.tensor(LABELS), **options), [theirs],
        create_graph=True)
    _close(g.data, tg)
    (h,) = autograd.grad((g * v).sum(), [ours])
    (th,) = torch.autograd.grad((tg * torch.tensor(v)).sum(), [theirs])
    _close(h, th)


# --- the reverse pass's inlined relu (backprop.py) ------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_the_reverse_pass_inlines_exactly_relus_partials(dtype):
    """``g * (x > 0)`` in the reverse pass is ``g * Relu.partials``, edges and dtype included."""
    from chainrule.autograd.backends import NUMPY

    x = np.array([[-1.5, 0.0, -0.0, 2.0], [np.inf, -np.inf, np.nan, 1e30]], dtype=dtype)
    g = np.array([[0.5, -2.0, 3.0, np.inf], [-1.0, np.nan, 7.0, -0.25]], dtype=dtype)
    t = Tensor(x, requires_grad=True)
    out = t.relu()
    out.backward(g)
    (d,) = autograd.ops.shared(autograd.ops.Relu).partials(NUMPY, out.data, x)
    with np.errstate(invalid="ignore"):
        want = g * d
    np.testing.assert_array_equal(t.grad, want)
    assert t.grad.dtype == dtype


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("smoothing", [0.0, 0.2])
def test_an_ignored_row_of_non_finite_logits_costs_nothing_as_in_pytorch(smoothing):
    torch = pytest.importorskip("torch")
    z = np.array([[1.0, 2.0, 0.5], [np.nan, 0.0, np.inf], [0.3, -1.0, 2.0]])
    labels = np.array([2, 1, 0])
    options = {"ignore_index": 1, "label_smoothing": smoothing}
    for reduction in ("none", "mean"):
        ours, theirs = Tensor(z, requires_grad=True), torch.tensor(z, requires_grad=True)
        loss = F.cross_entropy(ours, labels, reduction=reduction, **options)
        tloss = torch.nn.functional.cross_entropy(theirs, torch.tensor(labels),
                                                  reduction=reduction, **options)
        _close(loss.data, tloss)
        assert np.all(np.isfinite(loss.data))  # the ignored row's loss is 0, not nan
        loss.backward(np.ones(loss.shape))
        tloss.backward(torch.ones(tloss.shape, dtype=torch.float64))
        _close(ours.grad, theirs.grad)


def test_explain_backward_reads_the_fused_ops_as_their_formulas():
    from chainrule import viz

    model = nn.MLP(2, [3, 2], engine="tensor", seed=0)
    x = np.random.default_rng(0).normal(size=(2, 2))  # an array input: a constant node
    loss = F.cross_entropy(model(x), np.array([0, 1]))
    loss.backward()
    text = viz.explain_backward(loss)
    assert "l0.linear = x·l0.weightᵀ + l0.bias" in text
    assert "l0.weight.grad += l0.linear.gradᵀ·x" in text and "Σ l0.linear.grad" in text
    assert "(softmax(l1.linear) - onehot(y)) / n" in text


def test_the_array_pass_steps_fused_and_relu_nodes_itself_with_the_general_numbers(monkeypatch):
    """The array pass writes out the reverse step of relu and of ops that are not elementwise
    (linear, a fused NARY op; sum): only elementwise ops reach ``_general_step``. Every node
    keeps its .grad, bit for bit what the general loop (taken under anomaly detection) gives, a
    3-D batch and a constant x too."""
    from chainrule.autograd import backprop

    real = backprop._general_step

    def step(x_leaf, xshape):
        ws = _leaves(rng.standard_normal((4, 3)), rng.standard_normal((3, 4)))
        bs = _leaves(rng.standard_normal(4), rng.standard_normal(3))
        x = Tensor(rng.standard_normal(xshape), requires_grad=x_leaf)
        h = F.relu(F.linear(x, ws[0], bs[0]))
        out = F.linear(h, ws[1], bs[1])
        return [x, h, out, *ws, *bs], (out * out).sum()

    for xshape in [(5, 3), (2, 4, 3)]:
        for x_leaf in (True, False):
            state = rng.bit_generator.state
            general, loss = step(x_leaf, xshape)
            with autograd.detect_anomaly():
                loss.backward()
            rng.bit_generator.state = state
            calls = []
            monkeypatch.setattr(backprop, "_general_step",
                                lambda n, *a, seen=calls: (seen.append(n.op_name), real(n, *a)))
            fast, loss = step(x_leaf, xshape)
            loss.backward()
            monkeypatch.undo()
            assert calls == ["*"], calls  # elementwise: not linear, relu or sum
            for ours, theirs in zip(fast, general, strict=True):
                if theirs.grad is None:
                    assert ours.grad is None and not x_leaf and theirs is general[0]
                else:
                    np.testing.assert_array_equal(ours.grad, theirs.grad)


@pytest.mark.parametrize("value", [-2.0, 0.0, 3.5, np.nan])
def test_a_0d_tensors_unary_result_is_an_ndarray(value):
    """numpy gives a scalar for a 0-d maximum; the installed Tensor method makes it a 0-d array,
    recorded or not."""
    t = Tensor(value, requires_grad=True)
    for y in (t.relu(), Tensor(value).relu(), F.relu(value), t.exp()):
        assert type(y.data) is np.ndarray and y.data.shape == ()
    y = F.relu(t)
    y.backward()
    assert t.grad == (1.0 if value > 0 else 0.0)
