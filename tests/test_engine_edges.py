"""Both engines against PyTorch float64 at the edges: +-0, +-inf, nan, +-1000, huge logits.

Every one-input function of the registry, at every edge, on Value and on Tensor: the result, the
first derivative and (Value) the second, equal to PyTorch's (nan where PyTorch gives nan), and the
Tensor ops raise no numpy RuntimeWarning. Every binary operator on every pair of edges, first order;
``x ** k`` for eight k; the Tensor-only ops (reductions, softmax, maximum, minimum, clip, ``@``) on
rows and pairs of edges. Power at a zero base, first and second order, against the maths' limits.
Where a derivative at a point without one follows a convention that differs from PyTorch's (nan
inputs mostly), the test names the case and the reason instead of comparing it.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from chainrule.autograd import Tensor, Value, grad, ops

torch = pytest.importorskip("torch")
F = torch.nn.functional

inf, nan = math.inf, math.nan
EDGES = [0.0, -0.0, inf, -inf, nan, 1000.0, -1000.0, 1.0, -1.0, 0.5, 1e-300, 710.0]

# each registry function's PyTorch twin (a new op needs one here: the test below says so)
TWINS = {
    "exp": torch.exp, "log": torch.log, "log1p": torch.log1p, "sqrt": torch.sqrt,
    "sin": torch.sin, "cos": torch.cos, "tanh": torch.tanh, "sigmoid": torch.sigmoid,
    "softplus": F.softplus, "relu": torch.relu, "abs": torch.abs,
}
# derivatives at points where the function has no derivative, by convention; ours differ here
CONVENTIONS = {
    ("relu", "nan"): "relu'(nan): PyTorch passes the gradient (1), chainrule's step(nan) is 0",
}
# nan ** 0: PyTorch gives d/da = 0 (x^0 is constant); chainrule keeps nan in, nan out there
NAN_BASE = {("**", nan, 0.0), ("**", nan, -0.0)}
BINARY = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
          "/": lambda a, b: a / b, "**": lambda a, b: a**b}


def same(ours: float, theirs: float) -> bool:
    """Equal as IEEE numbers (nan equals nan), to 1e-12 relative."""
    ours, theirs = float(ours), float(theirs)
    if math.isnan(theirs) or math.isnan(ours):
        return math.isnan(theirs) and math.isnan(ours)
    return ours == theirs or math.isclose(ours, theirs, rel_tol=1e-12, abs_tol=1e-300)


def torch_unary(fn, v):
    x = torch.tensor(v, dtype=torch.float64, requires_grad=True)
    y = fn(x)
    (g,) = torch.autograd.grad(y, [x], create_graph=True)
    h = torch.autograd.grad(g, [x], allow_unused=True)[0] if g.requires_grad else None
    return y.item(), g.item(), 0.0 if h is None else h.item()


def value_unary(name, v):
    x = Value(v)
    y = getattr(x, name)()
    (g,) = grad(y, [x], create_graph=True)
    (h,) = grad(g, [x])
    return y.data, g.data, h


def tensor_unary(name, values):
    x = Tensor(np.array(values), requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy's RuntimeWarnings are errors here
        y = getattr(x, name)()
        y.backward(np.ones_like(x.data))
    return y.data, x.grad


def test_every_function_has_a_torch_twin():
    missing = set(ops.functions("scalar")) - set(TWINS) - {"leaky_relu"}
    assert not missing, f"add a PyTorch twin for {sorted(missing)} to TWINS"


@pytest.mark.parametrize("name", sorted(TWINS))
def test_functions_match_pytorch_at_the_edges(name):
    fn = TWINS[name]
    bad = []
    t_out, t_grad = tensor_unary(name, EDGES)
    for i, v in enumerate(EDGES):
        want = torch_unary(fn, v)
        got = value_unary(name, v)
        for what, o, t in zip(("f", "f'", "f''"), got, want, strict=True):
            if (name, repr(v)) in CONVENTIONS and what != "f":
                continue
            if not same(o, t):
                bad.append(f"Value {name}({v}) {what}: {o} vs PyTorch {t}")
        for what, o, t in (("f", t_out[i], want[0]), ("f'", t_grad[i], want[1])):
            if (name, repr(v)) in CONVENTIONS and what != "f":
                continue
            if not same(o, t):
                bad.append(f"Tensor {name}({v}) {what}: {o} vs PyTorch {t}")
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("slope", [0.01, 0.2])
def test_leaky_relu_matches_pytorch_at_the_edges(slope):
    for v in EDGES:
        want = torch_unary(lambda t, s=slope: F.leaky_relu(t, s), v)
        x = Value(v)
        y = x.leaky_relu(slope)
        (g,) = grad(y, [x])
        assert same(y.data, want[0]) and same(g, want[1]), (v, y.data, g, want)


def torch_binary(op, a, b):
    x = torch.tensor(a, dtype=torch.float64, requires_grad=True)
    y = torch.tensor(b, dtype=torch.float64, requires_grad=True)
    out = BINARY[op](x, y)
    gx, gy = torch.autograd.grad(out, [x, y])
    return out.item(), gx.item(), gy.item()


@pytest.mark.parametrize("op", sorted(BINARY))
def test_binary_operators_match_pytorch_on_every_pair_of_edges(op):
    bad = []
    pairs = [(a, b) for a in EDGES for b in EDGES]
    xs = Tensor(np.array([a for a, _ in pairs]), requires_grad=True)
    ys = Tensor(np.array([b for _, b in pairs]), requires_grad=True)
    with np.errstate(all="ignore"):  # inf - inf warns in numpy itself (as in plain numpy code)
        t_out = BINARY[op](xs, ys)
        t_out.backward(np.ones(len(pairs)))
    for i, (a, b) in enumerate(pairs):
        want = torch_binary(op, a, b)
        x, y = Value(a), Value(b)
        out = BINARY[op](x, y)
        gx, gy = grad(out, [x, y])
        got = {"Value": (out.data, gx, gy),
               "Tensor": (t_out.data[i], xs.grad[i], ys.grad[i])}
        for engine, vals in got.items():
            for what, o, t in zip(("out", "d/da", "d/db"), vals, want, strict=True):
                if (op, a, b) in NAN_BASE and what == "d/da":
                    assert math.isnan(o) and t == 0.0
                elif not same(o, t):
                    bad.append(f"{engine} {a!r} {op} {b!r} {what}: {o} vs PyTorch {t}")
    assert not bad, f"{len(bad)} of {3 * 2 * len(pairs)} differ:\n" + "\n".join(bad[:40])


# --- power at a zero base -------------------------------------------------------------------------

def _value_pow(a, b):
    x, y = Value(a), Value(b)
    out = x**y
    gx, gy = grad(out, [x, y], create_graph=True)
    return out, gx, gy, grad(gx, [x, y]), grad(gy, [x, y])


@pytest.mark.parametrize(("a", "b", "first", "second"), [
    # a, b, (d/da, d/db), ((d2/da2, d2/dadb), (d2/dbda, d2/db2)): the maths' limits; None where
    # the mixed derivative a^(b-1) (1 + b ln a) has none (b <= 1: it holds ln a or a^-1/2)
    (0.0, 2.0, (0.0, 0.0), ((2.0, 0.0), (0.0, 0.0))),
    (0.0, 3.0, (0.0, 0.0), ((0.0, 0.0), (0.0, 0.0))),
    (0.0, 1.0, (1.0, 0.0), ((0.0, None), (None, 0.0))),
    (-0.0, 2.0, (0.0, 0.0), ((2.0, 0.0), (0.0, 0.0))),
    (0.0, 0.5, (inf, 0.0), ((-inf, None), (None, 0.0))),
    (0.0, 0.0, (0.0, 0.0), ((0.0, None), (None, 0.0))),
])
def test_pow_at_a_zero_base_has_the_limits_of_the_maths(a, b, first, second):
    out, gx, gy, row_a, row_b = _value_pow(a, b)
    assert (gx.data, gy.data) == first
    for got, want in zip((*row_a, *row_b), (*second[0], *second[1]), strict=True):
        if want is not None:  # None: the mixed derivative is singular there
            assert got == want
    # the Tensor engine: the same first and second derivatives, and no numpy warnings
    x = Tensor(np.array([a]), requires_grad=True)
    y = Tensor(np.array([b]), requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the first derivatives raise no numpy warning
        tgx, tgy = grad((x**y).sum(), [x, y], create_graph=True)
    with np.errstate(all="ignore"):  # b = 1/2: the singular mixed terms add inf and -inf
        t_row_a = grad(tgx.sum(), [x, y])
        t_row_b = grad(tgy.sum(), [x, y])
    assert (tgx.data[0], tgy.data[0]) == first
    for got, want in zip((*t_row_a, *t_row_b), (*second[0], *second[1]), strict=True):
        if want is not None:
            assert got[0] == want
    # PyTorch agrees on the first derivatives
    assert torch_binary("**", a, b)[1:] == first


@pytest.mark.parametrize("engine", ["Value", "Tensor"])
def test_x_to_the_zero_has_zero_derivatives_at_zero(engine):
    x = Value(0.0) if engine == "Value" else Tensor(np.zeros(3), requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = x**0 if engine == "Value" else (x**0).sum()
        (g,) = grad(y, [x], create_graph=True)
        (h,) = grad(g if engine == "Value" else g.sum(), [x])
    assert np.all(np.asarray(g.data) == 0.0) and np.all(np.asarray(h) == 0.0)
    assert np.all(np.asarray(y.data) == (1.0 if engine == "Value" else 3.0))


def test_ieee_results_where_python_raises_or_differs():
    assert (Value(-10.0) ** 401).data == -inf
    assert (Value(-10.0) ** Value(401.0)).data == -inf
    assert (Value(-10.0) ** 400).data == inf
    assert (Value(-0.0) ** -1).data == -inf and (Value(0.0) ** -1).data == inf
    assert math.isnan(Value(inf).sin().data) and math.isnan(Value(-inf).cos().data)
    assert math.isnan(Value(nan).relu().data)
    assert np.isnan(Tensor([nan]).relu().data[0])


# --- softmax, log_softmax and numpy functions -----------------------------------------------------

@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
@pytest.mark.parametrize("axis", [0, -1])
def test_softmax_of_a_zero_d_tensor(name, axis):
    x = Tensor(3.0, requires_grad=True)
    y = getattr(x, name)(axis)
    y.backward()
    want = getattr(torch, name)(torch.tensor(3.0, dtype=torch.float64), axis).item()
    assert y.shape == () and y.item() == want and x.grad == 0.0
    with pytest.raises(ValueError, match="axis 1 is out of range"):
        getattr(x, name)(1)


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_of_huge_logits_matches_pytorch(name):
    logits = np.array([[1000.0, -1000.0, 0.0], [1e300, 1e300, -1e300], [-1e300, 0.0, 1e-300]])
    x = Tensor(logits, requires_grad=True)
    seed = np.array([[1.0, 2.0, 3.0], [0.5, -1.0, 2.0], [1.0, 0.0, -1.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = getattr(x, name)()
        y.backward(seed)
    tx = torch.tensor(logits, requires_grad=True)
    ty = getattr(torch, name)(tx, -1)
    ty.backward(torch.tensor(seed))
    for ours, theirs in ((y.data, ty.detach().numpy()), (x.grad, tx.grad.numpy())):
        for o, t in zip(ours.ravel(), theirs.ravel(), strict=True):
            assert same(o, t), (o, t)


@pytest.mark.parametrize("func", [np.sum, np.max, np.min, np.mean, np.prod, np.argmax])
def test_numpy_functions_refuse_a_tensor_clearly(func):
    t = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    with pytest.raises(TypeError, match=rf"np\.{func.__name__}\(\) does not take a Tensor.*t\."):
        func(t)
    assert np.asarray(t).sum() == 6.0  # the array itself is still one call away


# --- x ** k and the Tensor-only ops at the edges ------------------------------------------------

@pytest.mark.parametrize("k", [0, 1, 2, 3, 0.5, -1, -2, 2.5])
def test_power_by_a_number_matches_pytorch_at_the_edges(k):
    bad = []
    x = Tensor(np.array(EDGES), requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        (x**k).backward(np.ones(len(EDGES)))
    for i, v in enumerate(EDGES):
        if k != int(k) and v in (-inf, 0.0) and math.copysign(1.0, v) < 0:
            continue  # PyTorch takes sqrt for ** 0.5: nan at -inf and -inf' at -0; IEEE pow: inf
        want = torch_unary(lambda t: t**k, v)
        got = value_unary_pow(v, k)
        for what, o, t in zip(("f", "f'", "f''"), got, want, strict=True):
            if not same(o, t):
                bad.append(f"Value ({v})**{k} {what}: {o} vs PyTorch {t}")
        if not same(x.grad[i], want[1]):
            bad.append(f"Tensor ({v})**{k} f': {x.grad[i]} vs PyTorch {want[1]}")
    assert not bad, "\n".join(bad)


def value_unary_pow(v, k):
    x = Value(v)
    y = x**k
    (g,) = grad(y, [x], create_graph=True)
    (h,) = grad(g, [x])
    return y.data, g.data, h


REDUCTIONS = ["sum", "mean", "max", "min", "logsumexp"]
# conventions at nan inputs (the result is nan either way): chainrule's max/min of a row holding
# nan give it no gradient, PyTorch gives every element nan; maximum/minimum(nan, b) split the
# gradient as at a tie (1/2 each), PyTorch gives each 1; clip(nan) passes it, PyTorch gives 0
NAN_ROWS = {"max", "min"}
NAN_PAIRS = {"maximum", "minimum", "clip"}


@pytest.mark.parametrize("name", REDUCTIONS + ["softmax", "log_softmax"])
def test_reductions_match_pytorch_on_rows_of_edges(name):
    rng = np.random.default_rng(3)
    rows = np.array([rng.choice(EDGES, size=4) for _ in range(60)])
    seed = rng.normal(size=rows.shape) if "softmax" in name else rng.normal(size=len(rows))
    x = Tensor(rows, requires_grad=True)
    with np.errstate(all="ignore"):  # inf - inf inside a row warns in numpy itself
        y = getattr(x, name)(axis=1) if name in REDUCTIONS else getattr(x, name)()
        y.backward(seed)
    tx = torch.tensor(rows, requires_grad=True)
    fn = {"max": lambda t: t.amax(1), "min": lambda t: t.amin(1)}.get(name)
    ty = fn(tx) if fn else getattr(torch, name)(tx, 1)
    ty.backward(torch.tensor(seed))
    bad = [f"row {rows[i // rows.shape[1] if y.ndim == 2 else i]}: {o} vs PyTorch {t}"
           for i, (o, t) in enumerate(zip(y.data.ravel(), ty.detach().numpy().ravel(),
                                          strict=True)) if not same(o, t)]
    bad += [f"grad row {rows[i // 4]}: {o} vs PyTorch {t}"
            for i, (o, t) in enumerate(zip(x.grad.ravel(), tx.grad.numpy().ravel(), strict=True))
            if not same(o, t) and not (name in NAN_ROWS and np.isnan(rows[i // 4]).any())]
    assert not bad, f"{len(bad)} differ:\n" + "\n".join(bad[:20])


@pytest.mark.parametrize("name", ["maximum", "minimum", "@", "clip"])
def test_tensor_binary_functions_match_pytorch_on_pairs_of_edges(name):
    from chainrule.autograd.tensor import functions

    pairs = np.array([(a, b) for a in EDGES for b in EDGES])
    a = Tensor(pairs[:, 0], requires_grad=True)
    b = Tensor(pairs[:, 1], requires_grad=True)
    ta = torch.tensor(pairs[:, 0], requires_grad=True)
    tb = torch.tensor(pairs[:, 1], requires_grad=True)
    with np.errstate(all="ignore"):
        if name == "@":  # one dot product per pair: a 1x1 matmul each
            y = a.reshape(-1, 1, 1) @ b.reshape(-1, 1, 1)
            ty = ta.reshape(-1, 1, 1) @ tb.reshape(-1, 1, 1)
        elif name == "clip":
            y, ty = a.clip(-1.0, 1000.0), ta.clamp(-1.0, 1000.0)
        else:
            y = getattr(functions, name)(a, b)
            ty = getattr(torch, name)(ta, tb)
        y.sum().backward()
    ty.sum().backward()
    bad = []
    for i, (p, q) in enumerate(pairs):
        got = (y.data.ravel()[i], a.grad[i], b.grad[i] if b.grad is not None else 0.0)
        want = (ty.detach().numpy().ravel()[i], ta.grad[i].item(),
                tb.grad[i].item() if tb.grad is not None else 0.0)
        skip = name in NAN_PAIRS and (math.isnan(p) or math.isnan(q))
        bad += [f"{name}({p}, {q}) {w}: {o} vs PyTorch {t}"
                for w, o, t in zip(("out", "d/da", "d/db"), got, want, strict=True)
                if not same(o, t) and not (skip and w != "out")]
    assert not bad, f"{len(bad)} differ:\n" + "\n".join(bad[:30])
