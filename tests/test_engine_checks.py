"""gradcheck points at a wrong derivative; detect_anomaly names the op that made a nan."""

import math

import pytest

from chainrule import autograd
from chainrule.autograd import GradcheckError, Value, gradcheck, ops


def test_gradcheck_passes_on_correct_rules():
    f = lambda x, y: (x * y).tanh() + x**3 + (x / y).exp() + y.sigmoid() * x.softplus()  # noqa: E731
    assert gradcheck(f, [Value(0.3), Value(-1.2)]) is True


def test_gradcheck_names_the_op_with_a_wrong_derivative(monkeypatch):
    # a student's mistake: d/dx sin(x) written as sin(x) instead of cos(x)
    monkeypatch.setattr(ops.Sin, "partials", lambda self, F, out, x: (F.sin(x),))
    with pytest.raises(GradcheckError) as err:
        gradcheck(lambda x, y: (x * y).sin() + x.tanh(), [Value(0.8, label="x"), Value(-0.5)])
    msg = str(err.value)
    assert "op 'sin'" in msg and "Sin" in msg
    assert "input 0 ('x')" in msg or "input 1" in msg


def test_gradcheck_points_past_correct_ops(monkeypatch):
    monkeypatch.setattr(ops.Sigmoid, "partials", lambda self, F, out, x: (out,))
    with pytest.raises(GradcheckError, match="op 'sigmoid'"):
        gradcheck(lambda x: (x.tanh() * 3).sigmoid().exp(), [Value(0.4)])


def test_detect_anomaly_names_op_and_inputs():
    x = Value(-2.0)
    with pytest.raises(FloatingPointError, match=r"op 'log'.*-3\.0"), autograd.detect_anomaly():
        (x * 1.5).log()
    with pytest.raises(FloatingPointError, match="op 'sqrt'"), autograd.detect_anomaly():
        x.sqrt()
    # outside the block: IEEE, no error
    assert math.isnan(x.log().data)


def test_detect_anomaly_in_backward():
    x = Value(0.0)
    y = x.sqrt()  # finite forward (0), infinite derivative at 0
    with (
        pytest.raises(FloatingPointError, match="backward pass of op 'sqrt'"),
        autograd.detect_anomaly(),
    ):
        y.backward()
