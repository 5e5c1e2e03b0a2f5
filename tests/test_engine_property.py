"""Property-based tests: random expression graphs against finite differences, 1st and 2nd order."""

import math

from hypothesis import assume, given
from hypothesis import strategies as st

from chainrule.autograd import Value, grad

UNARY = ["tanh", "sigmoid", "sin", "cos", "exp_small", "softplus", "square", "neg"]
BINARY = ["+", "-", "*", "/"]


def build(prog, xs):
    """Evaluate a random program over a pool of values (works on Values and on floats)."""
    pool = list(xs)
    for kind, i, j, name in prog:
        a, b = pool[i % len(pool)], pool[j % len(pool)]
        if kind == 0:
            pool.append(apply_unary(name % len(UNARY), a))
        else:
            op = BINARY[name % len(BINARY)]
            if op == "/":
                b = b * b + 1.0  # keep denominators away from 0
            pool.append(
                a + b if op == "+" else a - b if op == "-" else a * b if op == "*" else a / b
            )
    out = pool[-1]
    for p in pool[len(xs) :]:
        out = out + 0.1 * p  # every intermediate contributes, and nodes get reused
    return out


def apply_unary(k, a):
    name = UNARY[k]
    if isinstance(a, Value):
        if name == "exp_small":
            return (a * 0.3).exp()
        if name == "square":
            return a * a
        if name == "neg":
            return -a
        return getattr(a, name)()
    f = {
        "tanh": math.tanh,
        "sigmoid": lambda v: 1 / (1 + math.exp(-v)),
        "sin": math.sin,
        "cos": math.cos,
        "exp_small": lambda v: math.exp(0.3 * v),
        "softplus": lambda v: math.log1p(math.exp(v)),
        "square": lambda v: v * v,
        "neg": lambda v: -v,
    }[name]
    return f(a)


programs = st.lists(
    st.tuples(st.integers(0, 1), st.integers(0, 20), st.integers(0, 20), st.integers(0, 20)),
    min_size=1,
    max_size=12,
)
inputs = st.lists(st.floats(-1.5, 1.5), min_size=1, max_size=3)


@given(programs, inputs)
def test_first_order_matches_finite_differences(prog, x0):
    xs = [Value(v) for v in x0]
    out = build(prog, xs)
    assume(math.isfinite(out.data) and abs(out.data) < 1e6)
    out.backward()
    eps = 1e-6
    for i in range(len(x0)):
        hi = build(prog, [v + eps if k == i else v for k, v in enumerate(x0)])
        lo = build(prog, [v - eps if k == i else v for k, v in enumerate(x0)])
        num = (hi - lo) / (2 * eps)
        assert math.isclose(xs[i].grad, num, rel_tol=1e-4, abs_tol=1e-5)


@given(programs, st.floats(-1.5, 1.5))
def test_second_order_matches_finite_differences_of_the_gradient(prog, x0):
    def first(v):
        x = Value(v)
        return grad(build(prog, [x]), [x])[0]

    x = Value(x0)
    out = build(prog, [x])
    assume(math.isfinite(out.data) and abs(out.data) < 1e4)
    (g,) = grad(out, [x], create_graph=True)
    (h,) = grad(g, [x]) if isinstance(g, Value) and g.requires_grad else (0.0,)
    eps = 1e-5
    num = (first(x0 + eps) - first(x0 - eps)) / (2 * eps)
    assert math.isclose(
        g.data if isinstance(g, Value) else g, first(x0), rel_tol=1e-9, abs_tol=1e-12
    )
    assert math.isclose(h, num, rel_tol=1e-3, abs_tol=1e-4)
