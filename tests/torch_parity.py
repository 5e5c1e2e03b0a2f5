"""Compare a chainrule Tensor function with a PyTorch one in float64: values, first-order
gradients and Hessian-vector products, with nan and inf compared as equal where they agree."""

from __future__ import annotations

import numpy as np

from chainrule import autograd
from chainrule.autograd import Tensor


def close(ours, theirs, what: str = "") -> None:
    np.testing.assert_allclose(np.asarray(ours, dtype=np.float64), np.asarray(theirs, np.float64),
                               rtol=1e-9, atol=1e-11, equal_nan=True, err_msg=what)


def agree(torch, ours, theirs, *arrays, second: bool = True, seed: int = 0) -> None:
    """``ours(*Tensors)`` and ``theirs(*torch tensors)`` agree to float64 precision."""
    rng = np.random.default_rng(seed)
    xs = [Tensor(np.array(a, dtype=np.float64), requires_grad=True) for a in arrays]
    ts = [torch.tensor(np.array(a, dtype=np.float64), requires_grad=True) for a in arrays]
    y, yt = ours(*xs), theirs(*ts)
    close(y.data, yt.detach().numpy(), "values")
    w = rng.standard_normal(y.shape)
    gs = autograd.grad((y * w).sum(), xs, create_graph=second)
    gts = torch.autograd.grad((yt * torch.tensor(w)).sum(), ts, create_graph=second,
                              allow_unused=True)
    for g, gt in zip(gs, gts, strict=True):
        close(getattr(g, "data", g), 0.0 if gt is None else gt.detach().numpy(), "gradient")
    if not second:
        return
    vs = [rng.standard_normal(x.shape) for x in xs]
    hv = sum(((g * v).sum() for g, v in zip(gs, vs, strict=True)), Tensor(0.0))
    hvt = sum((gt * torch.tensor(v)).sum() for gt, v in zip(gts, vs, strict=True) if gt is not None)
    if not getattr(hvt, "requires_grad", False):
        hs = autograd.grad(hv, xs) if hv.requires_grad else [0.0] * len(xs)
        assert all(np.all(np.asarray(h) == 0) for h in hs), "second order: PyTorch's is 0"
        return
    hs = autograd.grad(hv, xs) if hv.requires_grad else [np.zeros(x.shape) for x in xs]
    hts = torch.autograd.grad(hvt, ts, allow_unused=True)
    for h, ht in zip(hs, hts, strict=True):
        close(h, 0.0 if ht is None else ht.detach().numpy(), "second order")
