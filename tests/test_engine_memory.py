"""The engine's memory semantics after issue 17: graphs freed at once, the collector's session,
repeated and mixed passes, and the inlined partials of the scalar reverse pass."""

from __future__ import annotations

import gc
import math

import pytest

from chainrule import autograd
from chainrule.autograd import Value, ops
from chainrule.autograd.backends import MATH


class Counted(Value):
    """A Value that counts its nodes as they are freed (the ops on it make Counted nodes)."""

    __slots__ = ()
    freed = 0

    def __del__(self) -> None:
        type(self).freed += 1


def test_a_graph_never_backpropagated_is_freed_as_soon_as_it_is_unreachable():
    gc.disable()  # reference counting alone must free it
    try:
        x = Counted(0.5)
        y = x
        for _ in range(1000):
            y = (y * x).tanh() + x  # no constants: they would be cached as Counted
        assert type(y) is Counted
        before = Counted.freed
        del y
        assert Counted.freed - before == 3000  # every node at once: nothing else held the graph
        z = (x * x).exp()
        z.backward()
        before = Counted.freed
        del z
        assert Counted.freed - before == 2  # after a backward too
    finally:
        gc.enable()


def test_backward_twice_accumulates_on_every_node_and_grad_touches_nothing():
    x = Value(0.3)
    h = x * x
    y = h.tanh() + h
    y.backward()
    first = (x.grad, h.grad, y.grad)
    y.backward()
    assert (x.grad, h.grad, y.grad) == tuple(2 * g for g in first)
    assert autograd.grad(y, [x, h]) == [first[0], first[1]]
    assert (x.grad, h.grad, y.grad) == tuple(2 * g for g in first)
    # a second root sharing h: h sums both passes, x too
    z = h * 3.0
    z.backward()
    assert h.grad == 2 * first[1] + 3.0 and x.grad == 2 * first[0] + 3.0 * 2 * 0.3


def test_backward_on_a_leaf_and_higher_order_after_first_order():
    x = Value(2.0)
    x.backward()
    x.backward()
    assert x.grad == 2.0
    y = x ** 3
    y.backward()
    assert x.grad == 2.0 + 12.0
    (dy,) = autograd.grad(y, [x], create_graph=True)
    (d2y,) = autograd.grad(dy, [x])
    assert (dy.data, d2y) == (12.0, 12.0) and x.grad == 14.0


def test_a_failed_pass_restores_the_inner_gradients():
    x = Value(0.0)
    h = x * 2.0
    y = h.log() + h
    with pytest.raises(FloatingPointError), autograd.detect_anomaly():
        y.backward()
    assert h.grad == 0.0 and y.grad == 0.0
    y.backward()  # works normally afterwards
    assert y.grad == 1.0 and x.grad == math.inf


def test_the_reverse_pass_inlines_exactly_the_partials_of_mul_and_add():
    for a, b in ((0.3, -1.7), (0.0, 5.0), (-2.5, 1e300)):
        for op, make in ((ops.Mul(), lambda p, q: p * q), (ops.Add(), lambda p, q: p + q)):
            p, q = Value(a), Value(b)
            out = make(p, q)
            out.backward(0.75)
            want = [0.75 if d is None else 0.75 * d for d in op.partials(MATH, out.data, a, b)]
            assert [p.grad, q.grad] == want


def test_a_recording_session_raises_the_threshold_while_a_graph_lives():
    gc.collect()
    before = gc.get_threshold()
    assert before[0] < autograd._state.SESSION_THRESHOLD
    x = Value(1.0)
    y = x * 2.0
    assert gc.isenabled()  # the collector stays on
    assert gc.get_threshold()[0] == autograd._state.SESSION_THRESHOLD
    z = y + 1.0
    del y
    assert gc.get_threshold()[0] == autograd._state.SESSION_THRESHOLD  # z holds the first node
    del z
    assert gc.get_threshold() == before


def test_a_session_leaves_a_threshold_the_user_set_alone():
    before = gc.get_threshold()
    try:
        x = Value(1.0)
        y = x * 2.0
        gc.set_threshold(5000)
        del y
        assert gc.get_threshold()[0] == 5000
        gc.set_threshold(0)  # automatic collection off: a new session does not turn it on
        y = x * 3.0
        assert gc.get_threshold()[0] == 0
        del y
        assert gc.get_threshold()[0] == 0
    finally:
        gc.set_threshold(*before)
