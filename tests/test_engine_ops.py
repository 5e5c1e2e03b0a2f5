"""Every scalar op: value, closed-form derivative, and central finite differences."""

import math

import pytest

from chainrule.autograd import Value, gradcheck

EPS = 1e-6


def fd(f, x):
    return (f(x + EPS) - f(x - EPS)) / (2 * EPS)


def sig(x):
    return 1 / (1 + math.exp(-x))


# name, engine function, float function, closed-form derivative, sample points
UNARY = [
    ("exp", lambda v: v.exp(), math.exp, math.exp, [-2.0, 0.3, 1.5]),
    ("log", lambda v: v.log(), math.log, lambda x: 1 / x, [0.2, 1.0, 3.0]),
    ("sqrt", lambda v: v.sqrt(), math.sqrt, lambda x: 0.5 / math.sqrt(x), [0.3, 2.0]),
    ("tanh", lambda v: v.tanh(), math.tanh, lambda x: 1 - math.tanh(x) ** 2, [-1.5, 0.0, 0.7]),
    ("sigmoid", lambda v: v.sigmoid(), sig, lambda x: sig(x) * (1 - sig(x)), [-3.0, 0.0, 2.0]),
    ("relu", lambda v: v.relu(), lambda x: max(x, 0.0), lambda x: float(x > 0), [-1.0, 0.5]),
    (
        "leaky_relu",
        lambda v: v.leaky_relu(0.1),
        lambda x: x if x > 0 else 0.1 * x,
        lambda x: 1.0 if x > 0 else 0.1,
        [-1.0, 0.5],
    ),
    (
        "softplus",
        lambda v: v.softplus(),
        lambda x: math.log1p(math.exp(x)),
        sig,
        [-2.0, 0.0, 3.0],
    ),
    ("sin", lambda v: v.sin(), math.sin, math.cos, [-1.0, 0.4, 2.0]),
    ("cos", lambda v: v.cos(), math.cos, lambda x: -math.sin(x), [-1.0, 0.4, 2.0]),
    ("neg", lambda v: -v, lambda x: -x, lambda x: -1.0, [0.7]),
    ("abs", lambda v: abs(v), abs, lambda x: math.copysign(1.0, x), [-0.7, 0.9]),
    ("pow3", lambda v: v**3, lambda x: x**3, lambda x: 3 * x**2, [-1.2, 0.5]),
    ("pow-0.5", lambda v: v**-0.5, lambda x: x**-0.5, lambda x: -0.5 * x**-1.5, [0.4, 2.0]),
    ("rsub", lambda v: 1 - v, lambda x: 1 - x, lambda x: -1.0, [0.3]),
    ("rdiv", lambda v: 1 / v, lambda x: 1 / x, lambda x: -1 / x**2, [0.5, -2.0]),
    ("rpow", lambda v: 2**v, lambda x: 2**x, lambda x: 2**x * math.log(2), [-1.0, 1.5]),
    ("radd", lambda v: 2 + v, lambda x: 2 + x, lambda x: 1.0, [0.1]),
    ("rmul", lambda v: 2 * v, lambda x: 2 * x, lambda x: 2.0, [0.1]),
]


@pytest.mark.parametrize("name,op,fn,dfn,points", UNARY, ids=[u[0] for u in UNARY])
def test_unary_value_and_derivative(name, op, fn, dfn, points):
    for x0 in points:
        x = Value(x0)
        y = op(x)
        assert y.data == pytest.approx(fn(x0), rel=1e-12, abs=1e-12)
        y.backward()
        assert x.grad == pytest.approx(dfn(x0), rel=1e-9, abs=1e-12)
        assert x.grad == pytest.approx(fd(fn, x0), rel=1e-5, abs=1e-6)
        assert gradcheck(op, [Value(x0)])


BINARY = [
    ("add", lambda a, b: a + b, lambda a, b: (1.0, 1.0)),
    ("sub", lambda a, b: a - b, lambda a, b: (1.0, -1.0)),
    ("mul", lambda a, b: a * b, lambda a, b: (b, a)),
    ("div", lambda a, b: a / b, lambda a, b: (1 / b, -a / b**2)),
    ("pow", lambda a, b: a**b, lambda a, b: (b * a ** (b - 1), a**b * math.log(a))),
]


@pytest.mark.parametrize("name,op,dfn", BINARY, ids=[b[0] for b in BINARY])
def test_binary_derivatives(name, op, dfn):
    for a0, b0 in [(1.3, 0.7), (2.5, -1.5), (0.4, 3.0)]:
        a, b = Value(a0), Value(b0)
        y = op(a, b)
        assert y.data == pytest.approx(op(a0, b0))
        y.backward()
        da, db = dfn(a0, b0)
        assert a.grad == pytest.approx(da, rel=1e-9)
        assert b.grad == pytest.approx(db, rel=1e-9)
        assert gradcheck(op, [Value(a0), Value(b0)])


def test_numbers_on_either_side():
    x = Value(2.0)
    assert (x + 1).data == 3.0 and (1 + x).data == 3.0
    assert (x - 1).data == 1.0 and (1 - x).data == -1.0
    assert (x * 3).data == 6.0 and (3 * x).data == 6.0
    assert (x / 4).data == 0.5 and (4 / x).data == 2.0
    assert (x**2).data == 4.0 and (2**x).data == 4.0
    assert (x ** Value(3.0)).data == 8.0
    assert abs(Value(-2.5)).data == 2.5


@pytest.mark.parametrize("x0", [1000.0, -1000.0, 800.0, -800.0])
def test_stable_at_extremes(x0):
    for method, expect in [
        ("tanh", lambda x: (math.copysign(1.0, x), 0.0)),
        ("sigmoid", lambda x: (1.0 if x > 0 else 0.0, 0.0)),
        ("softplus", lambda x: (max(x, 0.0), 1.0 if x > 0 else 0.0)),
    ]:
        x = Value(x0)
        y = getattr(x, method)()
        y.backward()
        value, slope = expect(x0)
        assert y.data == pytest.approx(value)
        assert x.grad == pytest.approx(slope, abs=1e-12)
        assert math.isfinite(x.grad)


def test_ieee_outside_anomaly_mode():
    assert Value(0.0).log().data == -math.inf
    assert math.isnan(Value(-1.0).log().data)
    assert math.isnan(Value(-1.0).sqrt().data)
    assert (1 / Value(0.0)).data == math.inf
    assert (Value(-1.0) / 0).data == -math.inf
    assert Value(1000.0).exp().data == math.inf
    assert math.isnan((Value(-8.0) ** (1 / 3)).data)
    y = Value(0.0) ** -1
    assert y.data == math.inf


def test_relu_and_abs_at_zero_have_zero_slope_like_pytorch():
    for f in (lambda v: v.relu(), lambda v: abs(v)):
        x = Value(0.0)
        f(x).backward()
        assert x.grad == 0.0
