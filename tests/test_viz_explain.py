"""explain_backward and the replayed backward pass: text, order, and every gradient checked."""

from __future__ import annotations

import math

import pytest

from chainrule import autograd, viz
from chainrule.autograd import Value, ops
from chainrule.viz.steps import backward_steps

FUNCS = {
    "neuron": lambda x, w, b: (x * w + b).tanh(),
    "reuse": lambda x, w, b: x * x * w + (x * b).sigmoid(),
    "quotient": lambda x, w, b: (x / (w * w + 1.0)) ** 2 - (b + 2.0).log(),
    "mixed": lambda x, w, b: (x.exp() * w).relu() + (b - x).softplus() + abs(w) * x.sin(),
}
POINT = (0.7, -1.3, 0.4)


def values(point=POINT):
    return [Value(v, label=n) for v, n in zip(point, ("x", "w", "b"), strict=True)]


def central_difference(f, point, i, h=1e-6):
    up, down = list(point), list(point)
    up[i] += h
    down[i] -= h
    return (f(*values(up)).data - f(*values(down)).data) / (2 * h)


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_replayed_gradients_equal_backward_and_finite_differences(name):
    f = FUNCS[name]
    leaves = values()
    out = f(*leaves)
    p = backward_steps(out)
    out.backward()
    for i, leaf in enumerate(leaves):
        replayed = p.grads[p.nodes.index(leaf)] if leaf in p.nodes else 0.0
        assert replayed == leaf.grad  # the same rules in the same order: bit for bit
        assert math.isclose(leaf.grad, central_difference(f, POINT, i), rel_tol=1e-5,
                            abs_tol=1e-7)


def torch_funcs(torch):
    F = torch.nn.functional
    return {
        "neuron": lambda x, w, b: torch.tanh(x * w + b),
        "reuse": lambda x, w, b: x * x * w + torch.sigmoid(x * b),
        "quotient": lambda x, w, b: (x / (w * w + 1.0)) ** 2 - torch.log(b + 2.0),
        "mixed": lambda x, w, b: (torch.relu(torch.exp(x) * w) + F.softplus(b - x)
                                  + torch.abs(w) * torch.sin(x)),
    }


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_replayed_gradients_match_pytorch(name):
    torch = pytest.importorskip("torch")
    leaves = values()
    p = backward_steps(FUNCS[name](*leaves))
    ts = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in POINT]
    torch_funcs(torch)[name](*ts).backward()
    for leaf, t in zip(leaves, ts, strict=True):
        assert math.isclose(p.grads[p.nodes.index(leaf)], t.grad.item(), rel_tol=1e-12,
                            abs_tol=1e-14)


def test_text_shows_the_chain_rule_with_numbers():
    x1, w1 = Value(2.0, label="x1"), Value(-0.5, label="w1")
    n = x1 * w1
    n.label = "n"
    text = viz.explain_backward(n)
    assert "w1.grad += n.grad * x1 = 1.0 * 2.0 = 2.0" in text
    assert "x1.grad += n.grad * w1 = 1.0 * -0.5 = -0.5" in text
    assert text.index("Topological order") < text.index("step 0")
    assert "complete only after every node that uses it" in text
    assert n.grad == 0.0 and x1.grad == 0.0  # explaining changes no .grad


def test_order_is_the_engines_and_every_use_is_counted():
    a = Value(3.0, label="a")
    z = a * a + 2 * a
    z.label = "z"
    text = viz.explain_backward(z)
    assert "Topological order (z first): z, " in text
    assert "(use 1 of 3; a.grad = 2.0 so far)" in text
    assert "(use 3 of 3; a.grad = 8.0 complete)" in text
    assert text.rstrip().endswith("Result: a.grad = 8.0")
    from chainrule.autograd import topological_order

    p = backward_steps(z)
    assert [p.nodes[i] for i in p.order] == topological_order(z)
    assert [s.node for s in p.steps] == [i for i in p.order if p.nodes[i].parents]


def test_each_op_has_its_local_derivative_written_out():
    x = Value(0.5, label="x")
    cases = {
        "tanh": (x.tanh(), "(1 - out**2)"),
        "sigmoid": (x.sigmoid(), "out * (1 - out)"),
        "exp": (x.exp(), "out.grad * out"),
        "pow": (x**3, "3.0 * x**2.0"),
        "div": (1.0 / x, "-out/x"),
        "relu": (x.relu(), "[x > 0]"),
    }
    for _, (out, piece) in cases.items():
        out.label = "out"
        assert piece in viz.explain_backward(out)


def test_root_without_gradient_is_refused():
    c = Value(2.0, requires_grad=False) * 3
    with pytest.raises(ValueError, match="does not require grad"):
        viz.explain_backward(c)


ELEMENTWISE = [c for c in ops.registry() if c.elementwise and "scalar" in c.engines]


@pytest.mark.parametrize("cls", ELEMENTWISE, ids=[c.name for c in ELEMENTWISE])
def test_every_scalar_op_is_explained_with_its_own_formula(cls):
    # the stepper's text comes from the op itself (Op.equation, Op.derivative): a new op
    # needs no entry in viz
    lo, hi = cls.domain
    a, b = Value(lo + 0.41 * (hi - lo), label="a"), Value(lo + 0.77 * (hi - lo), label="b")
    op = ops.shared(cls) if not cls.params else (ops.PowConst(3.0) if cls.name == "**k"
                                                  else cls(0.2))
    y = autograd.apply(op, a, b) if cls.arity == 2 else autograd.apply(op, a)
    y.label = "y"
    text = viz.explain_backward(y)
    args = ["a", "b"][: cls.arity]
    assert op.equation("y", args) in text
    for k, arg in enumerate(args):
        formula = op.derivative(k, "y", args, "y.grad")
        assert f"{arg}.grad += " in text and (formula == "1" or formula in text), (formula, text)
    (step,) = backward_steps(y).steps
    grads = autograd.grad(y, [a, b][: cls.arity])
    for c, g in zip(step.contributions, grads, strict=True):
        assert c.value == pytest.approx(g)
