"""Tensor values and gradients (first and second order) against PyTorch, in float64."""

import numpy as np
import pytest

from chainrule import autograd
from chainrule.autograd import Tensor

torch = pytest.importorskip("torch")

rng = np.random.default_rng(3)

# (name, our function, torch function, input shapes); both take the same positional tensors
CASES = [
    ("broadcast mul", lambda a, b: a * b, lambda a, b: a * b, [(3, 1), (1, 4)]),
    ("scalar add", lambda a, b: a + b, lambda a, b: a + b, [(5,), ()]),
    ("div pow", lambda a, b: (a / b) ** 2 + a**b, lambda a, b: (a / b) ** 2 + a**b,
     [(2, 3), (3,)]),
    ("matmul 2d", lambda a, b: a @ b, lambda a, b: a @ b, [(4, 3), (3, 2)]),
    ("matmul batched", lambda a, b: a @ b, lambda a, b: a @ b, [(2, 4, 3), (3, 5)]),
    ("matmul vec", lambda a, b: a @ b, lambda a, b: a @ b, [(3,), (2, 3, 4)]),
    ("unary chain", lambda a: (a.sigmoid() + a.tanh() * a.softplus()).sin().cos().exp().log(),
     lambda a: (a.sigmoid() + a.tanh() * torch.nn.functional.softplus(a)).sin().cos().exp().log(),
     [(3, 4)]),
    ("relu leaky abs", lambda a: a.relu() + a.leaky_relu(0.2) + abs(a),
     lambda a: a.relu() + torch.nn.functional.leaky_relu(a, 0.2) + a.abs(), [(3, 4)]),
    ("sqrt clip", lambda a: (a * a + 1).sqrt().clip(1.1, 1.6),
     lambda a: (a * a + 1).sqrt().clamp(1.1, 1.6), [(3, 4)]),
    ("sum mean", lambda a: a.sum(axis=0) * a.mean(axis=(0, 1), keepdims=True),
     lambda a: a.sum(dim=0) * a.mean(dim=(0, 1), keepdim=True), [(2, 3, 4)]),
    ("max min", lambda a: a.max(axis=1) - a.min(axis=-1, keepdims=True),
     lambda a: a.amax(dim=1) - a.amin(dim=-1, keepdim=True), [(3, 4)]),
    ("logsumexp", lambda a: a.logsumexp(axis=(0, 2)), lambda a: a.logsumexp(dim=(0, 2)),
     [(2, 3, 4)]),
    ("softmax", lambda a: a.softmax(axis=0) * a.log_softmax(axis=-1),
     lambda a: a.softmax(dim=0) * a.log_softmax(dim=-1), [(3, 4)]),
    ("shape ops", lambda a: a.reshape(4, 6).T.flatten()[3:17].reshape(2, 7).swapaxes(0, 1),
     lambda a: a.reshape(4, 6).T.flatten()[3:17].reshape(2, 7).swapaxes(0, 1), [(2, 3, 4)]),
    ("squeeze expand", lambda a: a.squeeze(1).expand_dims(0) * 2,
     lambda a: a.squeeze(1).unsqueeze(0) * 2, [(3, 1, 2)]),
    ("index", lambda a: a[[0, 0, 2], 1:] * a[a.data > 0].sum(),
     lambda a: a[[0, 0, 2], 1:] * a[a > 0].sum(), [(3, 4)]),
    ("maximum where", lambda a, b: autograd.maximum(a, b) * autograd.where(a.data > b.data, a, b),
     lambda a, b: torch.maximum(a, b) * torch.where(a > b, a, b), [(3, 4), (4,)]),
    ("cat stack",
     lambda a, b: autograd.concatenate([a, b], 1) * autograd.stack([a, b], 1).reshape(2, 4),
     lambda a, b: torch.cat([a, b], 1) * torch.stack([a, b], 1).reshape(2, 4), [(2, 2), (2, 2)]),
]


def _both(shapes):
    arrays = [rng.standard_normal(s) for s in shapes]
    ours = [Tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    return ours, theirs


@pytest.mark.parametrize("name, ours, theirs, shapes", CASES, ids=[c[0] for c in CASES])
def test_first_and_second_order_match_torch(name, ours, theirs, shapes):
    xs, ts = _both(shapes)
    if name == "div pow":  # a ** b needs a positive base
        for x, t in zip(xs, ts, strict=True):
            x.data = np.abs(x.data) + 0.5
            t.data = torch.tensor(x.data)
    y, yt = ours(*xs), theirs(*ts)
    np.testing.assert_allclose(y.data, yt.detach().numpy(), rtol=1e-10, atol=1e-12)
    w = rng.standard_normal(y.shape)
    gs = autograd.grad((y * w).sum(), xs, create_graph=True)
    gts = torch.autograd.grad((yt * torch.tensor(w)).sum(), ts, create_graph=True)
    for g, gt in zip(gs, gts, strict=True):
        np.testing.assert_allclose(g.data, gt.detach().numpy(), rtol=1e-10, atol=1e-12)
    vs = [rng.standard_normal(x.shape) for x in xs]
    hv = sum(((g * v).sum() for g, v in zip(gs, vs, strict=True)), Tensor(0.0))
    hvt = sum((gt * torch.tensor(v)).sum() for gt, v in zip(gts, vs, strict=True))
    if not hvt.requires_grad:  # every second derivative is zero (piecewise-linear ops)
        assert not hv.requires_grad or all(np.all(h == 0) for h in autograd.grad(hv, xs))
        return
    hs = autograd.grad(hv, xs)
    hts = torch.autograd.grad(hvt, ts, allow_unused=True)
    for h, ht in zip(hs, hts, strict=True):
        ref = np.zeros(h.shape) if ht is None else ht.numpy()
        np.testing.assert_allclose(h, ref, rtol=1e-9, atol=1e-11)


def _mlp_loss(params, x, y, lib):
    w1, b1, w2, b2 = params
    h = (x @ w1 + b1).tanh()
    logits = (h @ w2 + b2).relu() + h[:, :3] * 0.5
    if lib == "torch":
        logp = logits.log_softmax(dim=1)
        reg = sum((p * p).sum() for p in params)
    else:
        logp = logits.log_softmax(axis=1)
        reg = sum((p * p).sum() for p in params)
    return -logp[np.arange(len(y)), y].mean() + 1e-2 * reg


def test_hessian_vector_product_of_an_mlp_loss_matches_torch():
    shapes = [(4, 5), (5,), (5, 3), (3,)]
    arrays = [rng.standard_normal(s) * 0.7 for s in shapes]
    x = rng.standard_normal((8, 4))
    y = rng.integers(0, 3, 8)
    vs = [rng.standard_normal(s) for s in shapes]

    ps = [Tensor(a, requires_grad=True) for a in arrays]
    loss = _mlp_loss(ps, x, y, "ours")
    gs = autograd.grad(loss, ps, create_graph=True)
    hv = autograd.grad(sum((g * v).sum() for g, v in zip(gs, vs, strict=True)), ps)

    pts = [torch.tensor(a, requires_grad=True) for a in arrays]
    lt = _mlp_loss(pts, torch.tensor(x), torch.tensor(y), "torch")
    gts = torch.autograd.grad(lt, pts, create_graph=True)
    hvt = torch.autograd.grad(sum((g * torch.tensor(v)).sum() for g, v in zip(gts, vs,
                                                                              strict=True)), pts)
    assert loss.item() == pytest.approx(lt.item(), rel=1e-12)
    for g, gt in zip(gs, gts, strict=True):
        np.testing.assert_allclose(g.data, gt.detach().numpy(), rtol=1e-10, atol=1e-12)
    for h, ht in zip(hv, hvt, strict=True):
        np.testing.assert_allclose(h, ht.numpy(), rtol=1e-9, atol=1e-11)


def test_third_derivative_matches_torch():
    a = rng.standard_normal(5)
    x, xt = Tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    f, ft = (x.tanh() * x.softmax()).sum(), (xt.tanh() * xt.softmax(0)).sum()
    (g,) = autograd.grad(f, [x], create_graph=True)
    (gt,) = torch.autograd.grad(ft, [xt], create_graph=True)
    (h,) = autograd.grad(g.sum(), [x], create_graph=True)
    (ht,) = torch.autograd.grad(gt.sum(), [xt], create_graph=True)
    (k,) = autograd.grad((h * h).sum(), [x])
    (kt,) = torch.autograd.grad((ht * ht).sum(), [xt])
    np.testing.assert_allclose(k, kt.numpy(), rtol=1e-9, atol=1e-12)


def test_ties_share_the_gradient_as_in_torch():
    a = np.array([[1.0, 3.0, 3.0, 0.0], [2.0, 2.0, -1.0, 2.0], [0.0, 0.0, 0.0, 0.0]])
    b = np.array([3.0, 2.0, 0.0, 5.0])
    x, xt = Tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    y, yt = Tensor(b, requires_grad=True), torch.tensor(b, requires_grad=True)
    w = rng.standard_normal(4)
    out = (x.max(axis=1).sum() + x.min(axis=0) * w + autograd.maximum(x, y) * 2
           + autograd.minimum(y, x) * 3).sum()
    out_t = (xt.amax(dim=1).sum() + xt.amin(dim=0) * torch.tensor(w) + torch.maximum(xt, yt) * 2
             + torch.minimum(yt, xt) * 3).sum()
    out.backward()
    out_t.backward()
    np.testing.assert_allclose(x.grad, xt.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(y.grad, yt.grad.numpy(), rtol=1e-12)
