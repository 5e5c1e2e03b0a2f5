"""Grouping a model's graph by module: cluster membership, frames, collapse counts."""

from __future__ import annotations

import re

import numpy as np
import pytest
from viz_fakes import FakeMLP, FakeOp, FakeTensor

from chainrule import viz
from chainrule.autograd import Value
from chainrule.viz import clusters as C
from chainrule.viz import walk


def hinge_sample(model, x=(0.5, -1.2), y=1.0):
    score = model(list(x))
    loss = (1 + -y * score).relu()
    loss.label = "loss"
    return loss


def groups(root, model, level="neuron"):
    nodes = walk.forward_order(root)
    return nodes, C.assign(nodes, walk.named_parameters(model), level)


def test_module_and_layer_paths():
    assert C.module_path("layers.0.neurons.3.w.1") == "layers.0.neurons.3"
    assert C.module_path("layers.0.neurons.3.b") == "layers.0.neurons.3"
    assert C.module_path("layers.1.weight") == "layers.1"
    assert C.module_path("0.bias") == "0"
    assert C.module_path("scale") == ""
    assert C.layer_path("layers.0.neurons.3") == "layers.0"
    assert C.layer_path("encoder.fc1") == "encoder.fc1"


def test_each_neuron_holds_its_params_and_ops_and_the_loss_stays_outside():
    m = FakeMLP(2, [3, 2, 1])
    loss = hinge_sample(m)
    nodes, gs = groups(loss, m)
    assert sorted(gs) == [f"layers.{k}.neurons.{n}" for k, w in enumerate([3, 2, 1])
                          for n in range(w)]
    for path, cl in gs.items():
        params = {nodes[i].label for i in cl.params}
        assert params == {p.label for p in m.parameters() if p.label.startswith(path + ".")}
        # a neuron of fan-in k: k products, k sums (the bias starts the sum), an activation
        fan_in = len(params) - 1
        ops = [nodes[i].op_name for i in cl.members if nodes[i].parents]
        hidden = not path.startswith("layers.2")
        assert sorted(ops) == sorted(["*"] * fan_in + ["+"] * fan_in + ["relu"] * hidden)
        assert len(cl.outputs) == 1
        assert cl.activation() == ("relu" if hidden else "linear")
    owned = {i for cl in gs.values() for i in cl.members}
    assert len(nodes) - 1 not in owned  # the loss (root) is not part of the last neuron


def test_an_l2_penalty_does_not_join_the_neurons():
    m = FakeMLP(2, [2, 1])
    squares = [p * p for p in m.parameters()]
    penalty = sum(squares)
    loss = hinge_sample(m) + 1e-4 * penalty
    nodes, gs = groups(loss, m)
    owned = {id(nodes[i]) for cl in gs.values() for i in cl.members}
    assert not owned & {id(s) for s in squares}
    assert id(penalty) not in owned
    for cl in gs.values():
        assert len(cl.outputs) == 1  # only the neuron's output leaves it (params feed the penalty)


def test_frames_when_drawn_with_a_model():
    m = FakeMLP(2, [3, 3, 1])
    loss = hinge_sample(m)
    loss.backward()
    src = viz.draw_graph(loss, model=m, collapse=None).source.replace("\u00a0", "")
    frames = re.findall(r'label="?(layers\.[0-9.a-z]+)"? ', src)
    assert sorted(set(frames)) == sorted(
        ["layers.0", "layers.1", "layers.2"]
        + [f"layers.{k}.neurons.{n}" for k, w in enumerate([3, 3, 1]) for n in range(w)])
    assert src.count("subgraph cluster_") == 3 + 7
    # a weight's name is the one the viewer and the stepper print (the short path), in its frame
    assert "label=\"l0.n1.w1 | data" in src
    svg = viz.to_svg(loss, model=m, collapse=None)
    assert svg.count('class="node cr&#45;param"') == 3 * 3 + 3 * 4 + 4


@pytest.mark.parametrize(("level", "count"), [("neuron", 16 + 16 + 1), ("layer", 3)])
def test_collapse_counts_for_an_mlp_2_16_16_1(level, count):
    m = FakeMLP(2, [16, 16, 1])
    loss = hinge_sample(m)
    loss.backward()
    with pytest.raises(ValueError, match="collapse="):
        viz.draw_graph(loss, model=m, collapse=None, max_nodes=1000)  # ~1000 nodes uncollapsed
    g = viz.draw_graph(loss, model=m, collapse=level, fold=False)
    src = g.source
    assert src.count('class="cr-module"') == count
    assert src.count("cr-param") == 0
    # the loss ops' constants and the two inputs (drawn once each, named x1, x2) stay visible
    assert src.count('class="cr-const"') == 2 and src.count('class="cr-input"') == 2
    svg = viz.to_svg(g)
    assert svg.count('class="node cr&#45;module"') == count
    assert "relu \u00b7 3 params" in svg if level == "neuron" else "relu \u00b7 48 params" in svg


def test_collapsed_card_summary_matches_the_neuron():
    m = FakeMLP(2, [2, 1])
    loss = hinge_sample(m)
    loss.backward()
    nodes, gs = groups(loss, m)
    cl = gs["layers.0.neurons.1"]
    out = nodes[cl.outputs[0]]
    data, grad = C.output_text(cl, nodes, True)
    assert (data, grad) == (viz.fmt.num(out.data), viz.fmt.num(out.grad))
    src = viz.draw_graph(loss, model=m, collapse="neuron", fold=False).source
    assert f"out {data} | grad {grad}" in src


def test_tensor_layers_cluster_by_layer():
    """A Linear layer's graph (duck-typed tensors): x @ W.T + b, relu -> one cluster layers.0."""
    W = FakeTensor(np.ones((3, 2)), label="layers.0.weight")
    b = FakeTensor(np.zeros(3), label="layers.0.bias")
    x = FakeTensor(np.ones((4, 2)), label="x", requires_grad=False)
    wt = FakeTensor(W.data.T, parents=(W,), op=FakeOp("T"))
    h = FakeTensor(x.data @ wt.data, parents=(x, wt), op=FakeOp("@"))
    z = FakeTensor(h.data + b.data, parents=(h, b), op=FakeOp("+"))
    a = FakeTensor(np.maximum(z.data, 0), parents=(z,), op=FakeOp("relu"))
    loss = FakeTensor(a.data.mean(), parents=(a,), op=FakeOp("mean"), label="loss")

    class Model:
        def named_parameters(self):
            return {"layers.0.weight": W, "layers.0.bias": b}

    nodes, gs = groups(loss, Model())
    assert list(gs) == ["layers.0"]
    members = {id(nodes[i]) for i in gs["layers.0"].members}
    assert members == {id(t) for t in (W, b, wt, h, z, a)}
    src = viz.draw_graph(loss, model=Model(), collapse="layer").source
    assert "relu \u00b7 9 params" in src


def test_values_labelled_with_module_paths_are_parameters_without_a_model():
    w = Value(0.3, label="layers.0.neurons.0.w.0")
    x = Value(2.0, label="x")
    y = w * x
    src = viz.draw_graph(y).source
    assert src.count('class="cr-param"') == 1 and src.count('class="cr-input"') == 1


def test_a_loss_after_a_linear_output_neuron_stays_outside_its_card():
    nn = pytest.importorskip("chainrule.nn")
    from chainrule import viz
    from chainrule.autograd import Value
    from chainrule.nn import functional as F

    model = nn.MLP(2, [3, 1], seed=0)  # the output neuron is linear
    loss = F.binary_cross_entropy_with_logits(model([Value(0.5), Value(-1.0)]), 1.0)
    loss.backward()
    src = viz.draw_graph(loss, model=model, collapse="neuron", expand=True).source
    assert "softplus" in src  # drawn as its own op node, outside the card
    assert "softplus · " not in src and "linear · " in src
    assert "relu · " in src  # hidden neurons still absorb their declared activation


def test_a_model_that_did_not_make_the_graph_is_refused():
    nn = pytest.importorskip("chainrule.nn")

    made, other = nn.MLP(2, [2, 1], seed=0), nn.MLP(2, [2, 1], seed=1)
    out = made([Value(0.5), Value(-1.0)])
    with pytest.raises(ValueError, match="none of the model's 9 parameters appear"):
        viz.draw_graph(out, model=other, collapse="neuron")
    assert "layers.0.neurons.1" in viz.draw_graph(out, model=made, collapse="neuron",
                                                  fold=False).source
