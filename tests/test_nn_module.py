"""nn.Module: finding parameters by walking attributes, names and labels, modes, repr, summary."""

import doctest

import pytest

from chainrule import nn
from chainrule.autograd import Value


class Pair(nn.Module):
    """A custom module: a list, a dict, a nested module and a private cache."""

    def __init__(self):
        self.w = [Value(1.0), Value(2.0)]
        self.extra = {"gain": Value(3.0), "const": Value(4.0, requires_grad=False)}
        self.inner = nn.Neuron(2, seed=0)
        self._cache = Value(5.0)  # private: not a parameter
        self.note = "text and numbers are ignored"
        self.k = 7

    def forward(self, x):
        return self.inner(x) * self.extra["gain"] + self.w[0] * self.w[1]


def test_parameters_walk_lists_dicts_modules_in_order():
    m = Pair()
    names = [n for n, _ in m.named_parameters()]
    assert names == ["w.0", "w.1", "extra.gain", "inner.w.0", "inner.w.1", "inner.b"]
    assert [p.data for p in m.parameters()][:3] == [1.0, 2.0, 3.0]
    assert m.num_parameters() == 6


def test_labels_are_dotted_names():
    m = nn.MLP(2, [16, 16, 1], seed=0)
    assert m.layers[0].neurons[3].w[1].label == "layers.0.neurons.3.w.1"
    assert m.layers[2].neurons[0].b.label == "layers.2.neurons.0.b"
    for name, p in m.named_parameters():
        assert p.label == name
    # asking a sub-module for its parameters does not rename them
    m.layers[1].parameters()
    assert m.layers[1].neurons[0].w[0].label == "layers.1.neurons.0.w.0"


def test_wrapping_a_model_relabels_from_the_new_root():
    class Wrapper(nn.Module):
        def __init__(self, body):
            self.body = body

    inner = nn.MLP(2, [3, 1], seed=0)
    assert inner.layers[0].neurons[0].w[0].label == "layers.0.neurons.0.w.0"
    Wrapper(inner)
    assert inner.layers[0].neurons[0].w[0].label == "body.layers.0.neurons.0.w.0"


def test_shared_parameter_listed_once():
    class Tied(nn.Module):
        def __init__(self):
            self.a = nn.Neuron(2, seed=0)
            self.b = self.a  # the same module twice
            self.extra = [self.a.w[0]]

    m = Tied()
    assert len(m.parameters()) == 3
    assert [n for n, _ in m.named_parameters()] == ["a.w.0", "a.w.1", "a.b"]


def test_non_leaf_and_constant_nodes_are_not_parameters():
    class Holder(nn.Module):
        def __init__(self):
            self.p = Value(1.0)
            self.out = self.p * 2  # an intermediate result, not a parameter

    h = Holder()
    ps = h.parameters()
    assert len(ps) == 1 and ps[0] is h.p


def test_zero_grad_resets_value_grads():
    m = nn.MLP(2, [4, 1], seed=1)
    m([1.0, -1.0]).backward()
    assert any(p.grad != 0.0 for p in m.parameters())
    m.zero_grad()
    assert all(p.grad == 0.0 for p in m.parameters())


def test_train_eval_propagates():
    m = nn.MLP(2, [4, 1], seed=1)
    assert m.training and m.layers[0].neurons[0].training
    assert m.eval() is m
    assert not any(x.training for x in m.modules())
    m.train()
    assert all(x.training for x in m.modules())


def test_call_runs_forward_and_base_forward_is_abstract():
    with pytest.raises(NotImplementedError, match="Module does not define forward"):
        nn.Module()(1.0)
    m = Pair()
    out = m([1.0, 2.0])
    assert isinstance(out, Value)


def test_named_modules_in_attribute_order():
    m = nn.MLP(2, [3, 1], seed=0)
    names = [n for n, _ in m.named_modules()]
    assert names[:4] == ["", "layers.0", "layers.0.neurons.0", "layers.0.neurons.1"]
    assert "layers.1.neurons.0" in names and len(names) == 1 + 2 + 4


def test_repr_nested_and_compressed():
    text = repr(nn.MLP(2, [16, 16, 1], seed=0))
    assert text.startswith("MLP(\n  2 -> [16, 16, 1], activation='relu', engine='scalar'")
    assert "(layers.0): Layer(" in text
    assert "(neurons.0-15): 16 x Neuron(2, relu)" in text
    assert "(neurons.0): Neuron(16, linear)" in text
    assert repr(nn.Neuron(3, nonlin=False, seed=0)) == "Neuron(3, linear)"


def test_summary_table_counts():
    m = nn.MLP(2, [16, 16, 1], seed=0)
    text = m.summary()
    lines = text.splitlines()
    rows = [ln.split() for ln in lines if ln.startswith("layers.")]
    assert [r[0] for r in rows] == ["layers.0", "layers.1", "layers.2"]
    assert [int(r[-1].replace(",", "")) for r in rows] == [48, 272, 17]
    assert [r[-2] for r in rows] == ["16", "16", "1"]
    assert lines[-1] == "total parameters: 337"
    assert nn.summary(m) == text


def test_docstring_examples_run():
    from chainrule.nn import data, display

    for module in (nn, data, display):
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert result.attempted > 0 and result.failed == 0, module.__name__


# --- the walk, public -----------------------------------------------------------------------------


def test_named_members_lists_parameters_and_modules_depth_first():
    from chainrule.nn.module import walk

    m = Pair()
    members = [(n, type(x).__name__) for n, x in m.named_members()]
    assert members == [("w.0", "Value"), ("w.1", "Value"), ("extra.gain", "Value"),
                       ("inner", "Neuron"), ("inner.w.0", "Value"), ("inner.w.1", "Value"),
                       ("inner.b", "Value")]
    assert [n for n, _ in m.named_members(recurse=False)] == ["w.0", "w.1", "extra.gain", "inner"]
    assert [n for n, _ in walk(m, "top")][:2] == ["top.w.0", "top.w.1"]
    assert [n for n, _ in m.named_children()] == ["inner"]
    mlp = nn.MLP(2, [3, 1], seed=0)
    assert [n for n, _ in mlp.named_children()] == ["layers.0", "layers.1"]


def test_a_module_can_present_its_own_state_entries():
    from chainrule.nn.state import Entry

    class Pairwise(nn.Module):
        """Two scalar parameters shown in the state dict as one array of shape (2,)."""

        def __init__(self):
            self.a, self.b = Value(1.0), Value(2.0)

        def state_entries(self, prefix=""):
            yield Entry(prefix + "ab", (self.a, self.b), (2,))

    class Holder(nn.Module):
        def __init__(self):
            self.first = Pairwise()
            self.scale = Value(3.0)

    h = Holder()
    assert {k: v.tolist() for k, v in h.state_dict().items()} == {"first.ab": [1.0, 2.0],
                                                                  "scale": 3.0}
    h.load_state_dict({"first.ab": [5.0, 6.0], "scale": 7.0})
    assert (h.first.a.data, h.first.b.data, h.scale.data) == (5.0, 6.0, 7.0)


def test_a_tied_module_keeps_both_names_in_the_state_dict():
    class Tied(nn.Module):
        def __init__(self):
            self.a = nn.Neuron(2, seed=0)
            self.b = self.a

    assert list(Tied().state_dict()) == ["a.weight", "a.bias", "b.weight", "b.bias"]
    assert len(Tied().parameters()) == 3
