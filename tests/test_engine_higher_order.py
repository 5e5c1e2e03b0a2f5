"""Second and third derivatives come from the same derivative rules as the first."""

import math

import pytest

from chainrule.autograd import Value, grad


def nth_derivative(f, x0, n):
    x = Value(x0)
    y = f(x)
    for k in range(n):
        (y,) = grad(y, [x], create_graph=k < n - 1)
    return y if isinstance(y, float) else y.data


CASES = [
    # f, first, second, third derivatives
    (lambda x: x**3, lambda x: 3 * x**2, lambda x: 6 * x, lambda x: 6.0),
    (lambda x: x.exp(), math.exp, math.exp, math.exp),
    (lambda x: x.sin(), math.cos, lambda x: -math.sin(x), lambda x: -math.cos(x)),
    (
        lambda x: x.tanh(),
        lambda x: 1 - math.tanh(x) ** 2,
        lambda x: -2 * math.tanh(x) * (1 - math.tanh(x) ** 2),
        lambda x: -2 * (1 - math.tanh(x) ** 2) * (1 - 3 * math.tanh(x) ** 2),
    ),
    (lambda x: x.log(), lambda x: 1 / x, lambda x: -1 / x**2, lambda x: 2 / x**3),
    (lambda x: 1 / x, lambda x: -1 / x**2, lambda x: 2 / x**3, lambda x: -6 / x**4),
    (
        lambda x: x.sigmoid(),
        lambda x: (s := 1 / (1 + math.exp(-x))) * (1 - s),
        lambda x: (s := 1 / (1 + math.exp(-x))) * (1 - s) * (1 - 2 * s),
        lambda x: (s := 1 / (1 + math.exp(-x))) * (1 - s) * (1 - 6 * s + 6 * s * s),
    ),
    (
        lambda x: x.sqrt(),
        lambda x: 0.5 * x**-0.5,
        lambda x: -0.25 * x**-1.5,
        lambda x: 0.375 * x**-2.5,
    ),
    (
        lambda x: x * x.exp(),
        lambda x: (1 + x) * math.exp(x),
        lambda x: (2 + x) * math.exp(x),
        lambda x: (3 + x) * math.exp(x),
    ),
]


@pytest.mark.parametrize("case", range(len(CASES)))
@pytest.mark.parametrize("x0", [0.4, 1.3])
def test_first_second_third(case, x0):
    f, d1, d2, d3 = CASES[case]
    for n, d in enumerate((d1, d2, d3), start=1):
        assert nth_derivative(f, x0, n) == pytest.approx(d(x0), rel=1e-9, abs=1e-12)


def test_backward_create_graph_gives_differentiable_grads():
    x = Value(1.5)
    y = x**4
    y.backward(create_graph=True)
    assert isinstance(x.grad, Value) and x.grad.data == pytest.approx(4 * 1.5**3)
    g = x.grad
    x.grad = 0.0
    g.backward()
    assert x.grad == pytest.approx(12 * 1.5**2)


def test_mixed_partials():
    x, y = Value(0.7), Value(-1.1)
    f = (x * y).sin() + x**2 * y
    (fx,) = grad(f, [x], create_graph=True)
    (fxy,) = grad(fx, [y])
    # d/dy [y cos(xy) + 2xy] = cos(xy) - xy sin(xy) + 2x
    xy = 0.7 * -1.1
    assert fxy == pytest.approx(math.cos(xy) - xy * math.sin(xy) + 1.4)


def test_first_order_path_returns_plain_floats():
    x = Value(2.0)
    (g,) = grad(x * x, [x])
    assert type(g) is float
