"""The scalar engine's fast paths compute exactly what the ops define (issue 17, session 3).

The two-input methods are generated from one template, with ``+ - *`` written as Python operators;
the reverse pass inlines the partials of ``*``, ``+`` and relu; nn's neuron builds its sum with
``reduce``/``map``. Each must agree bit for bit with the op it stands for, edges included.
"""

from __future__ import annotations

import math

import pytest

from chainrule import autograd, nn
from chainrule.autograd import Value, ops, topological_order
from chainrule.autograd.backends import MATH

EDGES = (0.0, -0.0, 1.5, -2.25, 1e300, -1e300, 5e-324, math.inf, -math.inf, math.nan)


def same(x: float, y: float) -> bool:
    """Bit for bit: nan equals nan, and 0.0 differs from -0.0."""
    if math.isnan(x) or math.isnan(y):
        return math.isnan(x) and math.isnan(y)
    return x == y and math.copysign(1.0, x) == math.copysign(1.0, y)


@pytest.mark.parametrize("op_cls", [ops.Add, ops.Sub, ops.Mul, ops.Div, ops.Pow])
def test_both_generated_methods_compute_the_ops_forward_and_record_it(op_cls):
    op = ops.shared(op_cls)
    forward, reflected = (getattr(Value, m) for m in op_cls.methods)
    for a in EDGES:
        for b in EDGES:
            want = op.forward(MATH, a, b)
            for out in (forward(Value(a), Value(b)), forward(Value(a), b), reflected(Value(b), a)):
                assert same(out.data, want), (op.name, a, b, out.data, want)
                assert out.op is op and out.requires_grad
                assert [p.data for p in out.parents] == pytest.approx([a, b], nan_ok=True)
    assert forward.__qualname__ == f"Value.{op_cls.methods[0]}"  # tracebacks and help() name it
    assert forward.__doc__ == reflected.__doc__ == op_cls.__doc__


def test_operators_with_numbers_keep_python_semantics_and_refuse_other_types():
    x = Value(3.0)
    assert (1 - x).data == -2.0 and (x - 1).data == 2.0 and (2 * x).data == 6.0
    assert [p.requires_grad for p in (1 - x).parents] == [False, True]
    assert not (Value(1.0, requires_grad=False) * 2).requires_grad  # no graph is kept
    with pytest.raises(TypeError, match="a Value combines only with"):
        x + "1"
    with pytest.raises(TypeError, match="a Value combines only with"):
        True * x


@pytest.mark.parametrize("x", EDGES)
def test_the_reverse_pass_inlines_exactly_relus_partial(x):
    for g in (0.75, -0.0, math.inf, math.nan):
        v = Value(x)
        v.relu().backward(g)
        (d,) = ops.Relu().partials(MATH, MATH.relu(x), x)
        assert same(v.grad, g * d), (x, g, v.grad)


def test_reverse_pass_order_and_sums_match_the_written_out_chain_rule():
    # a graph where nodes complete in every way: used once, twice (a * a), by several nodes
    x, w = Value(0.7), Value(-1.3)
    h = (x * w).relu() + x * x
    y = (h * h + h.tanh() * w + (h - x)).relu() * 2.0
    y.backward()
    grads = {y: 1.0}  # a node's first contribution is kept as it is (-0.0 stays -0.0), as in .grad
    for n in topological_order(y):  # the order the pass visits: each node complete before use
        if n.op is None:
            continue
        ps = n.parents
        for p, d in zip(ps, n.op.partials(MATH, n.data, *[p.data for p in ps]), strict=True):
            if p.requires_grad:
                c = grads[n] if d is None else grads[n] * d
                grads[p] = c if p not in grads else grads[p] + c
    assert len(grads) == len(topological_order(y))
    for n, g in grads.items():
        assert same(n.grad, g), (n, g)


def _written_out(neuron: nn.Neuron, x: list) -> Value:
    z = neuron.b
    for wi, xi in zip(neuron.w, x, strict=True):
        z = z + wi * xi
    return z.relu()


@pytest.mark.parametrize("inputs", [[0.5, -2.0, 3.0], "values"])
def test_a_neuron_builds_the_same_nodes_as_the_written_out_sum(inputs):
    neuron = nn.Neuron(3, seed=1)
    xs = [Value(v) for v in (0.5, -2.0, 3.0)] if inputs == "values" else inputs
    ours, theirs = neuron.forward_row(xs), _written_out(neuron, xs)

    def shape(root):
        return [(n.op_name, n.data, [p.data for p in n.parents]) for n in topological_order(root)]

    assert shape(ours) == shape(theirs)
    # w, x (Values need a gradient, numbers are constants), *, b, +, relu: one node per operation
    assert len(topological_order(ours)) == 3 + (3 if inputs == "values" else 0) + 3 + 1 + 3 + 1
    ours.backward()
    first = [p.grad for p in neuron.parameters()]
    for p in neuron.parameters():
        p.grad = 0.0
    theirs.backward()
    assert [p.grad for p in neuron.parameters()] == first


def test_a_neuron_without_bias_sums_from_zero_as_before():
    neuron = nn.Neuron(2, bias=False, seed=2)
    z = neuron.forward_row([1.0, 2.0])
    assert z.data == MATH.relu(neuron.w[0].data * 1.0 + neuron.w[1].data * 2.0)


class _Fails(ops.Op):
    """x (forward); its partial raises, to fail a backward pass half-way."""

    name = "fails"

    def forward(self, F, x):
        return x

    def partials(self, F, out, x):
        raise ArithmeticError("this op has no derivative")


def test_a_pass_that_fails_half_way_finds_every_node_again_and_restores_it():
    # the backward pass does not list the nodes it counts; after a failure it finds them again
    x, w = Value(0.5), Value(-1.5)
    h = x * w + x
    h.backward()  # an earlier pass: h and x hold gradients that must survive the failed one
    before = {n: n.grad for n in topological_order(h)}
    y = (autograd.apply(_Fails(), h * h) + h * 3.0).relu() * 2.0
    with pytest.raises(ArithmeticError, match="no derivative"):
        y.backward()
    nodes = topological_order(y)  # would stop early if a use count were left behind
    assert len(nodes) == 10 and all(n._uses == 0 for n in nodes)
    assert all(n.grad == before.get(n, 0.0) for n in nodes if n.op is not None)
    c = y._b  # the constant 2.0: still no gradient wanted
    assert c._uses == -1 and not c.requires_grad


# --- session 3, last pass: the label left unwritten, the activations' forward called directly ----


def test_an_ops_result_leaves_its_label_slot_unwritten_and_reads_as_empty():
    """One store less per node: the slot stays empty and ``label`` reads ''."""
    a, b = Value(2.0, label="a"), Value(3.0)
    made = [a * b, a + b, b - a, 1.0 + a, -a, a.relu(), a.tanh(), a / b, a**2, a.exp()]
    for n in made:
        assert n.label == "" and "label=" not in repr(n)
        assert n.op is not None
    # the slot behind the property stays empty (the first node of a recording session holds the
    # session's token there: see _state)
    assert isinstance(vars(autograd.Node)["label"], property)
    assert not any(hasattr(n, "_label") for n in made[1:])
    assert a.label == "a" and b.label == ""
    c = a * b
    c.label = "c"  # a label set afterwards is kept, and shown
    assert c.label == "c" and "label='c'" in repr(c)
    assert Value(1.0).detach().label == ""


def test_labels_still_carry_name_scopes_and_survive_copies():
    import copy
    import pickle

    from chainrule.autograd import scope

    x = Value(0.5, label="x")
    y = scope.mark((x * x).relu(), "square-relu", [x])
    assert scope.scope_of(y).name == "square-relu" and y.label == "square-relu"
    scope.relabel(y, "out")
    assert y.label == "out" and scope.scope_of(y).name == "square-relu"
    z = x * 2.0
    for twin in (copy.deepcopy(z), pickle.loads(pickle.dumps(z))):
        assert twin.label == "" and twin.data == z.data
        assert twin.parents[0].label == "x"


@pytest.mark.parametrize("name", ["relu", "tanh", "sigmoid", "softplus"])
def test_an_activation_runs_the_backends_own_function_bit_for_bit(name):
    from chainrule.autograd import methods

    op = ops.shared(ops.lookup(name))
    assert op.primitive == name
    assert methods._forward(op, Value) is getattr(MATH, name)  # no frame of the op's in between
    for x in EDGES:
        assert same(getattr(Value(x), name)().data, op.forward(MATH, x))
        assert same(op.forward(MATH, x), getattr(MATH, name)(x))


def test_a_models_one_sample_fast_path_answers_as_the_checked_path():
    from chainrule.nn.scalar import as_samples

    model = nn.MLP(3, [4, 1], seed=0)
    first = model.layers[0]
    for x in ([Value(1.0), 2.0, Value(-3.0)], [1.0, 2.0, 3.0], [0.5, Value(1.0), 2]):
        rows, batched = as_samples(x, 3, "MLP")
        assert first.to_batch(x) == (rows, not batched) == ([x], True)
        assert model(x).data == model([x])[0].data
    with pytest.raises(ValueError, match="expects 3 inputs per sample, but the input has 2"):
        model([1.0, 2.0])
    with pytest.raises(ValueError, match="sample 1 has 2"):
        model([[1.0, 2.0, 3.0], [1.0, 2.0]])
    assert nn.Layer(3, 2, seed=0)([1.0, 2.0, 3.0])[1].data == nn.Layer(3, 2, seed=0)(
        [[1.0, 2.0, 3.0]])[0][1].data
