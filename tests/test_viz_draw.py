"""draw_graph and to_svg on Value graphs: content, roles, grads, highlight, colours, determinism."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from chainrule import viz
from chainrule.autograd import Value
from chainrule.viz import fmt

SVG = "{http://www.w3.org/2000/svg}"


def cards(svg: str) -> dict[str, list[str]]:
    """Graphviz node name -> the texts drawn in it (tspans joined), from SVG that must parse."""
    root = ET.fromstring(svg)
    out = {}
    for g in root.iter(f"{SVG}g"):
        if "node" not in (g.get("class") or "").split():
            continue
        name = g.find(f"{SVG}title").text
        out[name] = ["".join(t.itertext()).replace("\u00a0", "").strip()
                     for t in g.iter(f"{SVG}text")]
    return out


def edges(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    return [g.find(f"{SVG}title").text for g in root.iter(f"{SVG}g")
            if (g.get("class") or "") == "edge"]


def neuron():
    x1, w1 = Value(2.0, label="x1"), Value(-0.5, label="w1")
    b = Value(0.1, label="b")
    n = x1 * w1 + b
    n.label = "n"
    y = n.tanh()
    y.label = "y"
    return y, (x1, w1, b, n)


def test_svg_has_every_label_data_and_grad_after_backward():
    y, leaves = neuron()
    y.backward()
    found = cards(viz.to_svg(y, renderer="embedded"))
    texts = [t for ts in found.values() for t in ts]
    for node in (y, *leaves):
        assert node.label in texts
        assert f"data {fmt.num(node.data)}" in texts
        assert f"grad {fmt.num(node.grad)}" in texts
    assert found["v5"] == ["y", "data -0.7163", "grad 1.000"]  # the root: last in forward order


def test_grads_are_dashes_before_backward_and_numbers_after():
    y, _ = neuron()
    before = [t for ts in cards(viz.to_svg(y, renderer="embedded")).values() for t in ts]
    assert "grad -" in before and not any(t.startswith("grad 0") for t in before)
    forced = [t for ts in cards(viz.to_svg(y, show_grad=True)).values() for t in ts]
    assert "grad 0.000" in forced  # the caller asked for the numbers: raw zeros
    hidden = [t for ts in cards(viz.to_svg(y, show_grad=False)).values() for t in ts]
    assert not any(t.startswith("grad") for t in hidden)
    y.backward()
    after = [t for ts in cards(viz.to_svg(y)).values() for t in ts]
    assert "grad -" not in after


def test_has_grads_rule():
    y, (x1, *_rest) = neuron()
    nodes = viz.walk.forward_order(y)
    assert not viz.walk.has_grads(nodes)
    y.backward()
    assert viz.walk.has_grads(nodes)
    for n in nodes:
        n.grad = 0.0  # zeroed (as optimizer.zero_grad does): back to "no gradients yet"
    assert not viz.walk.has_grads(nodes)


def test_reused_operand_gets_one_edge_per_use():
    a = Value(3.0, label="a")
    z = a * a
    z.label = "z"
    assert edges(viz.to_svg(z)).count("v0->o1") == 2


def test_roles_and_op_symbols():
    x = Value(3.0, label="x")
    z = 2 * x + x.exp()
    z.label = "z"
    src = viz.draw_graph(z).source
    assert 'class="cr-const"' in src and 'class="cr-input"' in src
    assert 'class="cr-output"' in src and 'class="cr-op"' in src
    assert "label=\"\u00d7\"" in src and "label=exp" in src  # * is drawn as a times sign
    assert "d/dx e^x = e^x" in src  # the op's derivative rule is its tooltip


def test_same_graph_same_bytes():
    def build():
        y, _ = neuron()
        y.backward()
        return y

    first = viz.to_svg(build(), renderer="embedded")
    again = viz.to_svg(build(), renderer="embedded")
    assert first == again
    ids = [name for name in cards(first)]
    assert all(name[0] in "vo" and name[1:].isdigit() for name in ids)


def test_color_by_grad_shades_by_magnitude():
    x, w = Value(2.0, label="x"), Value(-3.0, label="w")
    y = x * w
    y.label = "y"
    with pytest.raises(ValueError, match="backward"):
        viz.draw_graph(y, color_by="grad")
    y.backward()
    src = viz.draw_graph(y, color_by="grad").source
    # |x.grad| = 3 is the largest: deepest colour; |w.grad| = 2 lighter
    assert viz.style.heat(1.0) in src
    assert viz.style.heat((2 / 3) ** 0.5) in src
    with pytest.raises(ValueError, match="color_by"):
        viz.draw_graph(y, color_by="data")


def test_highlight_outlines_node_and_its_path_to_the_root():
    y, (x1, w1, b, n) = neuron()
    svg = viz.to_svg(y, highlight=[b])
    root = ET.fromstring(svg)
    red = viz.style.HIGHLIGHT_COLOR.lower()
    hot_edges = set()
    for g in root.iter(f"{SVG}g"):
        if g.get("class") == "edge" and g.find(f"{SVG}path").get("stroke") == red:
            hot_edges.add(g.find(f"{SVG}title").text)
    # b is v3 (forward order x1, w1, x1*w1, b, n, y): b -> + -> n -> tanh -> y
    assert hot_edges == {"v3->o4", "o4->v4", "v4->o5", "o5->v5"}
    with pytest.raises(ValueError, match="not a node of this graph"):
        viz.draw_graph(y, highlight=[Value(1.0)])


def test_max_nodes_refuses_and_suggests_collapse():
    x = Value(0.5, label="x")
    y = x
    for _ in range(40):
        y = y * 1.01 + x
    with pytest.raises(ValueError, match="collapse="):
        viz.draw_graph(y, max_nodes=50)
    assert viz.draw_graph(y, max_nodes=500) is not None


def test_record_characters_in_labels_are_escaped():
    x = Value(1.0, label='a|b{c}<d>"e\\')
    y = x * 2
    found = cards(viz.to_svg(y))
    assert any('a|b{c}<d>"e\\' in t for ts in found.values() for t in ts)


def test_grads_made_with_create_graph_are_drawn_as_numbers():
    x = Value(3.0, label="x")
    y = x**3
    y.label = "y"
    y.backward(create_graph=True)
    texts = [t for ts in cards(viz.to_svg(y)).values() for t in ts]
    assert "grad 27.00" in texts


def test_bad_arguments_are_clear():
    y, _ = neuron()
    with pytest.raises(TypeError, match="graph node"):
        viz.draw_graph(3.0)
    with pytest.raises(ValueError, match="rankdir"):
        viz.draw_graph(y, rankdir="XY")
    with pytest.raises(ValueError, match="model"):
        viz.draw_graph(y, collapse="neuron")
    with pytest.raises(TypeError, match="named_parameters"):
        viz.draw_graph(y, model=object())


def test_top_to_bottom_cards_stack_fields():
    y, _ = neuron()
    src = viz.draw_graph(y, rankdir="TB").source.replace("\u00a0", "")
    assert 'label="{y | data' in src


def test_polish_bolds_names_and_dims_captions():
    y, _ = neuron()
    svg = viz.to_svg(y)
    assert 'font-weight="bold">y</text>' in svg
    assert '<tspan class="cr-key" fill-opacity="0.75">data</tspan>' in svg
    assert 'font-style="italic"' in svg  # the made-up name of x1 * w1


def test_import_costs_stay_low():
    """viz imports matplotlib only inside the plot functions; the engine never imports viz."""
    import subprocess
    import sys

    code = ("import sys, chainrule.autograd; assert 'chainrule.viz' not in sys.modules; "
            "from chainrule import viz; "
            "assert 'matplotlib' not in sys.modules, 'matplotlib imported eagerly'")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_op_symbols_come_from_the_ops():
    from chainrule.autograd import ops
    from chainrule.viz import style

    for cls in ops.registry():
        if cls.name != "**k":  # x ** k is named by its exponent: "**2" -> x squared
            assert style.op_symbol(cls.name) == (cls.symbol or cls.name)
    assert style.op_symbol("*") == "\u00d7" and style.op_symbol("@") == "@"
    assert style.op_symbol("**2") == "x\u00b2" and style.op_symbol("log1p") == "log1p"
    assert style.op_role("+") == "op" and style.op_role("tanh") == "op_word"
