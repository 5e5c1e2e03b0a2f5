"""Name scopes: a composite function's result marks the region of the graph it built."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from chainrule import nn
from chainrule.autograd import Tensor, Value, no_grad, scope


@scope.named("square plus")
def square_plus(x, c):
    return x * x + c


def test_a_decorated_call_marks_its_result_with_name_and_inputs():
    x = Value(3.0, label="x")
    y = square_plus(x, 2.0)
    s = scope.scope_of(y)
    assert s is not None and s.name == "square plus" and s.inputs == (x,)
    assert str(y.label) == "square plus"
    # the region: the output, the product and the constant 2.0 (created inside); not x
    inside = scope.region(y)
    assert inside[0] is y
    assert x not in inside and len(inside) == 3
    assert {n.op_name for n in inside} == {"+", "*", ""}


def test_the_mark_changes_nothing_numerically():
    x = Value(3.0)
    y = square_plus(x, 2.0)
    y.backward()
    assert y.data == 11.0 and x.grad == 6.0


def test_parameters_read_from_outside_are_the_boundary():
    w = Value(0.5, label="w")  # a parameter, not an argument

    @scope.named("scaled")
    def scaled(x):
        return (w * x).tanh()

    x = Value(1.0, label="x")
    y = scaled(x)
    assert w not in scope.region(y) and x not in scope.region(y)
    assert len(scope.region(y)) == 2


def test_nested_scopes_and_lists_of_values():
    xs = [Value(float(i)) for i in range(3)]
    loss = nn.functional.mse_loss(xs, [0.0, 1.0, 3.0])
    s = scope.scope_of(loss)
    assert s.name == "MSE loss" and set(map(id, s.inputs)) == set(map(id, xs))
    assert all(x not in scope.region(loss) for x in xs)


def test_tensor_losses_are_marked():
    z = Tensor(np.array([[1.0, 2.0], [0.5, -1.0]]), requires_grad=True)
    loss = nn.functional.cross_entropy(z, [1, 0])
    assert scope.scope_of(loss).name == "cross-entropy"
    assert scope.scope_of(loss).inputs == (z,)
    assert scope.region(loss) == [loss]  # the fused cross-entropy is one node


def test_nothing_is_marked_without_a_graph():
    with no_grad():
        y = square_plus(Value(3.0), 2.0)
    assert scope.scope_of(y) is None
    assert square_plus(2.0, 1.0) == 5.0  # plain numbers pass through


def test_an_identity_function_does_not_mark_its_input():
    x = Value(1.0, label="x")
    assert scope.mark(x, "identity", [x]) is x and x.label == "x"
    y = x * 2
    scope.mark(y, "double", [y])
    assert scope.scope_of(y) is None


def test_labels_user_text_and_relabel():
    x = Value(2.0)
    y = square_plus(x, 1.0)
    scope.relabel(y, "loss")
    assert str(y.label) == "loss" and scope.scope_of(y).name == "square plus"
    assert "label='loss'" in repr(y.label)
    y.label = "plain"
    assert scope.scope_of(y) is None  # a plain label replaces the mark (documented)
    z = scope.mark(x * 3, "triple", [x], label="t")
    assert str(z.label) == "t"


def test_copies_keep_the_text_only():
    y = square_plus(Value(2.0), 1.0)
    assert type(copy.deepcopy(y.label)) is str and copy.deepcopy(y.label) == "square plus"


def test_bad_names_and_unmarked_regions_are_clear_errors():
    with pytest.raises(TypeError, match="non-empty name"):
        scope.named("")
    with pytest.raises(TypeError, match="non-empty name"):
        scope.mark(Value(1.0) * 2, None, [])
    with pytest.raises(ValueError, match="not the result of a scoped function"):
        scope.region(Value(1.0) * 2)


def test_scalar_cross_entropy_on_nested_lists_records_its_inputs():
    rows = [[Value(1.0), Value(2.0)], [Value(0.5), Value(-1.0)]]
    loss = nn.functional.cross_entropy(rows, [1, 0])
    s = scope.scope_of(loss)
    assert s.name == "cross-entropy" and len(s.inputs) == 4
    inside = scope.region(loss)
    assert all(v not in inside for row in rows for v in row)


def test_a_traced_sample_keeps_its_loss_mark_under_the_label_loss():
    model = nn.MLP(2, [3, 2], engine="scalar")
    trace = nn.trace_sample(model, [0.5, -1.0], loss=lambda out: nn.functional.cross_entropy(
        [out], [1]))
    assert str(trace.loss.label) == "loss"
    assert scope.scope_of(trace.loss).name == "cross-entropy"
