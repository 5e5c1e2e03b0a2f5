"""The graph core: accumulation, reuse, deep chains, grad(), no_grad, detach, errors, reprs."""

import math
import sys

import pytest

from chainrule import autograd
from chainrule.autograd import Value, grad


def test_reuse_accumulates():
    a = Value(3.0)
    (a + a).backward()
    assert a.grad == 2.0
    b = Value(3.0)
    (b * b).backward()
    assert b.grad == 6.0
    c = Value(2.0)
    d = c * c
    (d * c + d).backward()  # c^3 + c^2 -> 3c^2 + 2c
    assert c.grad == 16.0


def test_backward_twice_accumulates_the_classic_surprise():
    x = Value(2.0)
    y = x * x
    y.backward()
    y.backward()
    assert x.grad == 8.0  # 2 * (2x): zero grads between steps
    x.grad = 0.0
    y.backward()
    assert x.grad == 4.0


def test_every_ancestor_gets_its_gradient():
    x, w, b = Value(2.0, "x"), Value(-0.5, "w"), Value(0.1, "b")
    xw = x * w
    n = xw + b
    o = n.tanh()
    o.backward()
    assert o.grad == 1.0
    assert n.grad == pytest.approx(1 - o.data**2)
    assert xw.grad == pytest.approx(n.grad)
    assert b.grad == pytest.approx(n.grad)
    assert w.grad == pytest.approx(n.grad * 2.0)
    assert x.grad == pytest.approx(n.grad * -0.5)


def test_parents_op_and_labels():
    x = Value(1.0, label="x")
    y = x * 2
    assert y.op_name == "*" and x.op_name == "" and x.op is None
    assert y.parents[0] is x and y.parents[1].data == 2.0
    assert not y.parents[1].requires_grad  # the lifted constant
    assert x.is_leaf and not y.is_leaf
    assert x.label == "x" and y.label == ""
    assert (-x).parents == (x,)


def test_million_op_chain_without_recursion():
    limit = sys.getrecursionlimit()
    x = Value(1.0)
    y = x
    for _ in range(1_000_000):
        y = y + 1e-6
    y.backward()
    assert x.grad == 1.0
    assert sys.getrecursionlimit() == limit
    assert y.data == pytest.approx(2.0)


def test_grad_does_not_touch_dot_grad_and_unreached_input_is_zero():
    x, y, z = Value(2.0), Value(3.0), Value(4.0)
    f = x * y + x
    gx, gy, gz = grad(f, [x, y, z])
    assert (gx, gy, gz) == (4.0, 2.0, 0.0)
    assert x.grad == y.grad == z.grad == 0.0 and f.grad == 0.0
    assert grad(f, x) == [4.0]
    # scratch state is clean: a second call gives the same answer
    assert grad(f, [x, y]) == [4.0, 2.0]


def test_no_grad_records_nothing_and_detach_stops_gradients():
    x = Value(2.0)
    with autograd.no_grad():
        y = x * 3
    assert y.parents == () and not y.requires_grad
    assert autograd.is_grad_enabled()
    with pytest.raises(RuntimeError, match="does not require grad"):
        y.backward()
    d = x.detach()
    assert d.data == 2.0 and d.parents == () and not d.requires_grad
    z = x * d
    z.backward()
    assert x.grad == 2.0 and d.grad == 0.0


def test_no_grad_restores_on_error():
    with pytest.raises(ZeroDivisionError), autograd.no_grad():
        raise ZeroDivisionError
    assert autograd.is_grad_enabled()
    assert (Value(1.0) * 2).parents


def test_failed_pass_leaves_no_scratch_state():
    x = Value(0.0)
    y = (x.log() * 3).exp()
    with pytest.raises(FloatingPointError), autograd.detect_anomaly():
        (y * 2 + x.log()).backward()
    (x * 3).backward()
    assert x.grad == 3.0


def test_type_errors_are_clear():
    with pytest.raises(TypeError, match="str"):
        Value("a")
    with pytest.raises(TypeError, match="Value and str"):
        Value(1.0) + "a"
    with pytest.raises(TypeError, match="Value and list"):
        [1] * Value(2.0)
    with pytest.raises(TypeError, match="label"):
        Value(1.0, label=3)


def test_an_array_on_the_left_of_a_value_is_refused_too():
    import numpy as np

    # without the refusal numpy would broadcast the Value into an object array of Values
    for op in (lambda a, v: a * v, lambda a, v: a + v, lambda a, v: a - v, lambda a, v: a / v,
               lambda a, v: a ** v):
        with pytest.raises(TypeError, match="use Tensor for arrays"):
            op(np.array([1.0, 2.0]), Value(2.0))
    with pytest.raises(TypeError, match="use Tensor for arrays"):
        Value(2.0) * np.array([1.0, 2.0])
    assert (np.float64(3.0) * Value(2.0)).data == 6.0  # numpy scalars are numbers: still fine
    assert (Value(2.0) + np.int64(1)).data == 3.0


def test_repr_reads_well():
    n = Value(0.70710678, label="n")
    n.grad = -0.5
    assert repr(n) == "Value(data=0.7071, grad=-0.5, label='n')"
    assert repr(Value(2.0) * 3) == "Value(data=6.0, grad=0.0, op='*')"


def test_numpy_scalars_and_ints_are_accepted():
    np = pytest.importorskip("numpy")
    assert Value(np.float32(1.5)).data == 1.5
    assert Value(3).data == 3.0 and isinstance(Value(3).data, float)
    assert (Value(1.0) * np.float64(2.0)).data == 2.0


def test_topological_order_visits_root_first_and_leaves_last():
    x, w = Value(1.0), Value(2.0)
    y = (x * w).tanh()
    order = autograd.topological_order(y)
    assert order[0] is y
    pos = {id(n): i for i, n in enumerate(order)}
    for n in order:
        for p in n.parents:
            if id(p) in pos:
                assert pos[id(p)] > pos[id(n)]


def test_apply_runs_a_new_op_and_gradcheck_accepts_it():
    from chainrule.autograd import apply, gradcheck, ops

    class Hypot(ops.Op):
        """sqrt(a^2 + b^2);  d/da = a / out,  d/db = b / out"""

        name = "hypot"

        def forward(self, F, a, b):
            return F.sqrt(a * a + b * b)

        def partials(self, F, out, a, b):
            return (F.div(a, out), F.div(b, out))

    a, b = Value(3.0), Value(4.0)
    h = apply(Hypot(), a, b)
    assert h.data == 5.0 and h.op_name == "hypot" and h.parents == (a, b)
    h.backward()
    assert (a.grad, b.grad) == (0.6, 0.8)
    assert gradcheck(lambda x, y: apply(Hypot(), x, y * 2.0).tanh(), [Value(0.3), Value(-0.8)])
    assert apply(Hypot(), a, 4).data == 5.0  # numbers become constants
    with pytest.raises(TypeError, match="at least one input"):
        apply(Hypot(), 3.0, 4.0)
    # second order through a user op whose partials use differentiable operations
    (g,) = autograd.grad(apply(Hypot(), a, b), [a], create_graph=True)
    (h2,) = autograd.grad(g, [a])
    assert h2 == pytest.approx(16 / 125)  # b^2 / (a^2 + b^2)^(3/2)


def test_import_autograd_is_light():
    import subprocess

    code = (
        "import sys, chainrule.autograd; heavy = {'matplotlib', 'graphviz', 'torch', 'sklearn',"
        " 'chainrule.nn', 'chainrule.viz', 'tqdm', 'wasmtime', 'importlib.metadata'};"
        " print(sorted(heavy & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_value_and_tensor_do_not_mix_silently():
    from chainrule.autograd import Tensor

    with pytest.raises(TypeError, match="Value and Tensor"):
        Value(1.0) + Tensor([1.0])
    with pytest.raises(TypeError, match="Tensor and Value"):
        Tensor([1.0]) * Value(1.0)


def test_collector_paused_restores_the_collector():
    import gc

    assert gc.isenabled()
    with autograd.collector_paused():
        assert not gc.isenabled()
        with autograd.collector_paused():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(KeyError), autograd.collector_paused():
        raise KeyError
    assert gc.isenabled()


def test_requires_grad_can_be_set_and_constants_get_no_gradient():
    c = Value(2.0, requires_grad=False)
    x = Value(3.0)
    y = x * c + c
    y.backward()
    assert x.grad == 2.0 and c.grad == 0.0
    with autograd.no_grad():
        assert not (c * 2).requires_grad
    c.requires_grad = True
    assert c.requires_grad
    z = x * c
    z.backward()
    assert c.grad == 3.0
    c.requires_grad = False
    assert not (c * c).requires_grad and (c * c).parents == ()


def test_scratch_state_is_clean_after_passes():
    x = Value(1.5)
    y = (x * x).tanh() * x
    for _ in range(3):
        y.backward()
        autograd.grad(y, [x], create_graph=True)
    for n in autograd.topological_order(y):
        assert n._uses == 0
    assert x.requires_grad and x._uses == 0
    # .grad doubles as the pass's scratch sum: two backward passes give exactly twice the gradient
    # on every node (interior ones included), and grad() leaves them all as they were
    w = Value(1.5)
    z = (w * w).tanh() * w
    z.backward()
    one = {n: n.grad for n in autograd.topological_order(z)}
    z.backward()
    autograd.grad(z, [x])
    assert all(n.grad == 2 * g for n, g in one.items())


def test_every_node_says_which_engine_it_belongs_to():
    from chainrule.autograd import Tensor

    t = Tensor([1.0, 2.0]) @ Tensor([3.0, 4.0])  # a 0-d result
    assert (Value(1.0).engine, Value(2.0).exp().engine) == ("scalar", "scalar")
    assert (Tensor(1.0).engine, t.engine, t.sum().engine) == ("tensor", "tensor", "tensor")


def test_an_op_that_overrides_vjp_is_backpropagated_through_it():
    from chainrule.autograd import apply, gradcheck, ops

    class Double(ops.Op):
        """2x;  d/dx = 2 (given as a vector-Jacobian product)"""

        name = "double"

        def forward(self, F, x):
            return 2.0 * x

        def vjp(self, F, g, out, xs, need):
            return (2.0 * g,)

    assert not Double.elementwise  # the reverse pass must call its vjp, not partials
    x = Value(0.3)
    apply(Double(), x).tanh().backward()
    assert x.grad == pytest.approx(2 * (1 - math.tanh(0.6) ** 2))
    assert gradcheck(lambda v: apply(Double(), v) * v, [Value(0.7)])


def test_reading_the_order_of_a_constant_leaves_it_a_constant():
    from chainrule.autograd import Tensor, topological_order

    for c in (Value(2.0).detach(), Tensor([1.0, 2.0]), Value(3.0).detach() * 2):
        assert not c.requires_grad
        assert topological_order(c) == [c]
        assert not c.requires_grad  # the order's clean-up used to set requires_grad to True
