"""Every op in the registry is tested: a new op cannot go untested (or undescribed).

The parameter-free elementwise ops (``ops.installable``) are tested from what they declare alone:
their methods on Value and on Tensor, at points of their ``domain``, against central finite
differences (first and second order) and against PyTorch where it is installed. Every other op
needs an entry in ``EXAMPLES`` below; ``test_every_op_is_covered`` fails for one that has none.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from tensor_examples import COURSE_EXAMPLES, FUSED_EXAMPLES
from tensor_helpers import away_from, check

from chainrule import autograd
from chainrule.autograd import Tensor, Value, gradcheck, ops

EPS = 1e-5
AUTO = [cls for cls in ops.registry() if ops.installable(cls, "scalar")]
rng = np.random.default_rng(3)


def _points(cls: type[ops.Op], n: int = 3) -> list[float]:
    lo, hi = cls.domain
    return [lo + (hi - lo) * f for f in (0.13, 0.41, 0.77)[:n]]


def _apply(cls: type[ops.Op], *xs):
    """The op through the method it backs (``x.exp()``, ``a + b``)."""
    method = cls.methods[0]
    return getattr(xs[0], method)(*xs[1:])


def _array(cls: type[ops.Op], shape: tuple[int, ...]) -> np.ndarray:
    lo, hi = cls.domain
    x = rng.uniform(lo, hi, shape)
    return away_from(x) if lo < 0 < hi else x  # kinks (relu, abs) sit at 0


@pytest.mark.parametrize("cls", AUTO, ids=[c.name for c in AUTO])
def test_value_first_and_second_order(cls):
    xs = _points(cls, cls.arity)
    if cls.arity == 2:
        xs = [xs[0], xs[-1]]
    assert gradcheck(lambda *vs: _apply(cls, *vs), [Value(x) for x in xs])
    for k in range(len(xs)):  # d/dx_k of d f/d x_k, against differences of the first derivative
        def first(shift, k=k):
            vs = [Value(x + (shift if j == k else 0.0)) for j, x in enumerate(xs)]
            return autograd.grad(_apply(cls, *vs), vs[k])[0]

        vs = [Value(x) for x in xs]
        (g,) = autograd.grad(_apply(cls, *vs), [vs[k]], create_graph=True)
        second = autograd.grad(g, [vs[k]])[0] if g.requires_grad else 0.0
        numeric = (first(EPS) - first(-EPS)) / (2 * EPS)
        assert second == pytest.approx(numeric, rel=1e-4, abs=1e-5), (cls.name, k)


@pytest.mark.parametrize("cls", AUTO, ids=[c.name for c in AUTO])
def test_tensor_first_and_second_order(cls):
    if cls.arity == 2:  # with broadcasting
        check(lambda a, b: _apply(cls, a, b), _array(cls, (2, 3)), _array(cls, (3,)))
    else:
        check(lambda x: _apply(cls, x), _array(cls, (2, 3)))


@pytest.mark.parametrize("cls", AUTO, ids=[c.name for c in AUTO])
def test_value_and_tensor_agree(cls):
    xs = _points(cls, cls.arity or 1)
    v = _apply(cls, *[Value(x) for x in xs])
    t = _apply(cls, *[Tensor(x) for x in xs])
    assert isinstance(t.data, np.ndarray) and t.data.shape == ()
    assert float(t.data) == pytest.approx(v.data, rel=1e-12)


@pytest.mark.parametrize("cls", AUTO, ids=[c.name for c in AUTO])
def test_matches_pytorch(cls):
    torch = pytest.importorskip("torch")
    name = "__pow__" if cls.methods[0] == "_pow" else cls.methods[0]  # Node.__pow__ dispatches
    torch_fn = getattr(torch.Tensor, name, None) or getattr(torch.nn.functional, name)
    arrays = [_array(cls, (4,)) for _ in range(cls.arity)]
    ours = [Tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    y, ty = _apply(cls, *ours), torch_fn(*theirs)
    np.testing.assert_allclose(y.data, ty.detach().numpy(), rtol=1e-10, atol=1e-12)
    y.sum().backward()
    ty.sum().backward()
    for o, t in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(o.grad, t.grad.numpy(), rtol=1e-10, atol=1e-12)


# --- the ops with parameters, and the Tensor-only ops: one example each -----------------------

M = rng.standard_normal((3, 4))
V = rng.standard_normal(4)
EXAMPLES = {
    "**k": lambda x: (x.abs() + 0.5) ** 2.5,
    "leaky_relu": lambda x: x.leaky_relu(0.2),
    "clip": lambda x: x.clip(-0.5, 0.5),
    "@": lambda x: x @ x.T,
    "sum": lambda x: x.sum(axis=0),
    "mean": lambda x: x.mean(axis=1, keepdims=True),
    "max": lambda x: x.max(axis=1),
    "min": lambda x: x.min(axis=0),
    "logsumexp": lambda x: x.logsumexp(axis=1),
    "softmax": lambda x: x.softmax(axis=1),
    "log_softmax": lambda x: x.log_softmax(axis=0),
    "reshape": lambda x: x.reshape(2, 6) * x.reshape(2, 6),
    "flatten": lambda x: x.flatten() ** 2,
    "squeeze": lambda x: x.expand_dims(0).squeeze(0) ** 2,
    "expand_dims": lambda x: x.expand_dims(1) * x.expand_dims(0)[..., :1],
    "transpose": lambda x: x.T * x.T,
    "broadcast_to": lambda x: x.sum(axis=0).broadcast_to(2, 4) ** 2,
    "sum_to": lambda x: (x * x)._unbroadcast((1, 4)),
    "index": lambda x: x[np.array([0, 2, 0])] * x[1],
    "index_add": lambda x: (x * x)._index_add((slice(None), np.array([1, 1, 0, 2])), (3, 5)),
    "maximum": lambda x: autograd.maximum(x, x[0] + 0.05),
    "minimum": lambda x: autograd.minimum(x, x[:, :1] - 0.05),
    "where": lambda x: autograd.where(M > 0, x * x, x.exp()),
    "concatenate": lambda x: autograd.concatenate([x, x * x], axis=1),
    "stack": lambda x: autograd.stack([x, x.exp()], axis=0),
    **COURSE_EXAMPLES,
    **FUSED_EXAMPLES,
}


def test_every_op_is_covered():
    auto = {cls.name for cls in AUTO}
    missing = [c.name for c in ops.registry() if c.name not in auto and c.name not in EXAMPLES]
    assert not missing, f"ops without a test: add them to EXAMPLES: {missing}"
    assert set(EXAMPLES) <= {c.name for c in ops.registry()}


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_example_first_and_second_order(name):
    fn = EXAMPLES[name]
    (node,) = [n for n in autograd.topological_order(fn(Tensor(M, requires_grad=True)).sum())
               if n.op_name == name or (name == "**k" and n.op_name.startswith("**"))][:1]
    assert isinstance(node.data, np.ndarray)
    check(fn, away_from(M, (-0.5, 0.0, 0.5), 0.05))


@pytest.mark.parametrize("cls", list(ops.registry()), ids=[c.name for c in ops.registry()])
def test_op_describes_itself(cls):
    assert cls.kind in ops.KINDS and cls.name and (cls.__doc__ or "").strip()
    assert ";" in cls.__doc__.splitlines()[0], "first docstring line: the math, then the derivative"
    assert cls.arity is None or len(cls.derivatives) in (0, 1, cls.arity)
    assert all(isinstance(m, str) for m in cls.methods)
    if cls.kind == "elementwise":
        assert cls.derivatives, "an elementwise op shows its derivative in the stepper"
    assert math.isfinite(cls.domain[0]) and cls.domain[0] < cls.domain[1]
