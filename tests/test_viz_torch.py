"""Drawing PyTorch's graphs with chainrule's renderer: names, shapes, values, grads, modules."""

import html
import importlib.util
import re
import warnings
from pathlib import Path

import numpy as np
import pytest

from chainrule import viz
from chainrule.viz import fmt, torch_graph, walk

torch = pytest.importorskip("torch")

ROOT = Path(__file__).resolve().parent.parent


def _pictures():
    spec = importlib.util.spec_from_file_location(
        "make_pytorch_pictures", ROOT / "docs" / "make_pytorch_pictures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


PICTURES = _pictures()


def _texts(svg: str) -> str:
    """The words of an SVG, entities decoded (Graphviz writes '-' as &#45;)."""
    return html.unescape(" ".join(re.findall(r">([^<>]+)</t", svg))).replace("\u00a0", " ")


@pytest.mark.parametrize("name", ["mlp", "cnn", "attention"])
def test_the_three_models_are_drawn_with_names_shapes_and_grads(name):
    model, x = PICTURES.models()[name]
    svg = PICTURES.chainrule_svg(model, x)
    text = _texts(svg)
    for pname, p in model.named_parameters():
        leaf = pname.rsplit(".", 1)[-1]
        shape = "(" + ", ".join(map(str, p.shape)) + ("," if p.dim() == 1 else "") + ")"
        assert f"{shape} float32" in text, (pname, shape)
        assert leaf in text
    for pname, p in model.named_parameters():  # every parameter's card shows its gradient
        assert fmt.array(p.grad.numpy()) in text, pname
    for path, m in model.named_modules():
        if path and not list(m.children()):  # each layer's output card, named by its path
            assert f"{path} ({type(m).__name__})" in text


def test_leaf_cards_carry_values_and_gradients_from_pytorch():
    torch.manual_seed(0)
    lin = torch.nn.Linear(2, 1).double()
    x = torch.tensor([[1.0, -2.0]], dtype=torch.float64)
    y = torch.tanh(lin(x)).sum()
    y.backward(retain_graph=True)  # keeps what the ops saved (tanh keeps its result)
    root, model = torch_graph.adapt(y, lin)
    nodes = walk.forward_order(root)
    by_label = {n.label: n for n in nodes if n.label}
    assert set(by_label) == {"weight", "bias"}
    np.testing.assert_array_equal(by_label["weight"].data, lin.weight.detach().numpy())
    np.testing.assert_array_equal(by_label["weight"].grad, lin.weight.grad.numpy())
    assert [n.op_name for n in nodes if n.parents] == ["transpose", "@", "tanh", "sum"]
    tanh = next(n for n in nodes if n.op_name == "tanh")
    np.testing.assert_allclose(tanh.data, torch.tanh(lin(x)).detach().numpy())  # saved result
    t = next(n for n in nodes if n.op_name == "transpose")
    np.testing.assert_array_equal(t.data, lin.weight.detach().numpy().T)  # derived: W.T
    assert dict(model.named_parameters()).keys() == {"weight", "bias"}
    assert root.data == pytest.approx(y.item()) and root.shape == ()


def test_trace_records_values_gradients_and_module_outputs():
    torch.manual_seed(1)
    model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2))
    x = torch.randn(5, 3)
    tr = viz.trace(model, x)
    assert repr(tr) == "Trace(Sequential: 3 tensors, 4 module calls)"
    loss = tr.output.pow(2).sum()
    loss.backward()
    root, _ = torch_graph.adapt(tr.output)
    nodes = walk.forward_order(root)
    hidden = next(n for n in nodes if n.label.startswith("1 "))
    assert str(hidden.label) == "1 (ReLU)" and hidden.label.name == "1"
    ref = torch.relu(model[0](x))
    np.testing.assert_allclose(hidden.data, ref.detach().numpy())
    assert hidden.grad is not None and hidden.grad.shape == (5, 4)
    inp = next(n for n in nodes if n.label == "input")
    assert inp.grad is not None and inp.grad.shape == (5, 3)
    np.testing.assert_allclose(root.grad, 2 * tr.output.detach().numpy(), rtol=1e-6)
    svg = viz.to_svg(tr.output, model=model, renderer="embedded")
    text = _texts(svg)
    assert "0.weight" in text  # the name the viewer and the stepper print
    assert "(4, 3) float32" in text
    del tr  # a trace is freed with its tensors


def test_clear_errors():
    with pytest.raises(TypeError, match="torch.nn.Module"):
        viz.trace(lambda x: x, torch.zeros(1))
    t = torch.zeros(2, requires_grad=True)
    other = torch.nn.Linear(2, 2)
    with pytest.raises(ValueError, match="none of the model's"):
        viz.draw_graph((t * 2).sum(), model=other)


def test_a_leaf_tensor_is_one_card():
    t = torch.ones(3, requires_grad=True)
    g = viz.draw_graph(t)
    assert "(3,) float32" in g.source


def test_trace_as_a_context_records_the_loss_too():
    torch.manual_seed(2)
    model = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Tanh(), torch.nn.Linear(3, 1))
    x, y = torch.randn(4, 2), torch.randn(4, 1)
    with viz.trace(model) as tr:
        loss = ((model(x) - y) ** 2).mean()
    loss.backward()
    root, _ = torch_graph.adapt(loss)
    nodes = walk.forward_order(root)
    assert [n.op_name for n in nodes if n.parents][-3:] == ["-", "**2", "mean"]
    assert all(n.data is not None for n in nodes)  # every value recorded
    assert all(n.grad is not None for n in nodes if n.op_name != "transpose")
    assert root.grad == 1.0
    assert "6 tensors" in repr(tr)


def test_default_level_of_an_attention_block_is_not_one_model_card():
    """A block whose every level is too long (wide tensor cards) is drawn by its nodes, not
    closed into one "(model)" card that hides everything it computes."""
    torch.manual_seed(0)
    mha = torch.nn.MultiheadAttention(8, 2)
    x = torch.randn(5, 1, 8)
    out = mha(x, x, x)[0]
    out.pow(2).mean().backward()
    with warnings.catch_warnings():
        warnings.simplefilter("error", viz.LevelWarning)  # no level closed
        g = viz.draw_graph(out, model=mha)
    assert "drawn by every node" in g.summary and "(model)" not in g.summary
    assert g.summary.startswith("Computation graph of output:")
