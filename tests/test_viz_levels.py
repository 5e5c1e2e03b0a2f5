"""Readable at any size: level chosen, folding, named losses and inputs, size and font bounds."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest
from test_viz_draw import cards
from viz_fakes import FakeMLP

from chainrule import viz
from chainrule.autograd import Value
from chainrule.viz import levels, palette, place

nn = pytest.importorskip("chainrule.nn")


def quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", viz.LevelWarning)
        return fn(*args, **kwargs)


def scalar_mlp():
    model = nn.MLP(2, [16, 16, 1], seed=0)
    return model, model([0.5, -1.2])


def tensor_mlp():
    model = nn.MLP(2, [16, 16, 3], engine="tensor", seed=0)
    X = np.random.default_rng(0).normal(size=(8, 2))
    loss = nn.functional.cross_entropy(model(X), np.array([0, 1, 2, 0, 1, 2, 0, 1]))
    loss.backward()
    return model, loss


def size_pt(svg: str) -> tuple[float, float]:
    w, h = re.search(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"', svg).groups()
    return float(w), float(h)


@pytest.mark.parametrize("make", [scalar_mlp, tensor_mlp])
def test_the_documented_calls_give_a_readable_picture(make):
    model, root = make()
    with warnings.catch_warnings(record=True) as caught:  # a level warning at most
        warnings.simplefilter("always")
        svg = viz.to_svg(root, model=model)
    assert all(issubclass(w.category, viz.LevelWarning) for w in caught)
    if make is scalar_mlp:  # 2,000+ nodes: a coarser level is chosen, and the picture says so
        assert caught and "drawn by" in str(caught[0].message)
    assert max(size_pt(svg)) <= 2500
    sizes = [float(s) for s in re.findall(r'font-size="([\d.]+)"', svg)]
    assert sizes and min(sizes) >= 10
    assert "<desc>Computation graph of" in svg and "<title>" in svg.split("<g", 1)[0]


def test_the_finest_level_that_fits_is_chosen_and_said():
    x, w = Value(2.0, label="x"), Value(-0.5, label="w")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a small graph: every node, no warning
        small = viz.draw_graph((x * w).tanh())
    assert "label=" not in small.source.split("node [", 1)[0]  # no caption
    model, out = scalar_mlp()
    with pytest.warns(viz.LevelWarning, match="drawn by neurons"):
        g = viz.draw_graph(out, model=model)
    assert "drawn by neurons" in g.source and "cr-module" in g.source
    every = quiet(viz.draw_graph, out, model=model, collapse=None)
    assert "cr-module" not in every.source and "layout=nop2" in every.source  # viz placed it
    assert every.source.count('class="cr-param"') == 337
    one = viz.draw_graph(out, model=model, depth=0)
    assert one.source.count('class="cr-module"') == 1 and "relu \u00b7 337 params" in one.source
    layers = viz.draw_graph(out, model=model, depth=1)
    assert layers.source.count('class="cr-module"') == 3 and "2 \u2192 16" in layers.source
    with pytest.raises(ValueError, match="depth"):
        viz.draw_graph(out, model=model, depth=-1)
    with pytest.raises(ValueError, match="max_nodes"):
        quiet(viz.draw_graph, out, model=model, collapse=None, max_nodes=500)


def test_levels_follow_torchview_depth():
    assert levels.steps("layers.0.neurons.3") == ["layers.0", "neurons.3"]
    assert levels.cut("layers.0.neurons.3", 1) == "layers.0"
    assert levels.cut("encoder.fc1", 0) == ""
    assert levels.deepest({"layers.0.neurons.1", "layers.1"}) == 2


def test_without_a_model_dotted_labels_group_the_graph():
    m = FakeMLP(2, [16, 16, 1])
    out = m([0.5, -1.2])
    with pytest.warns(viz.LevelWarning):
        src = viz.draw_graph(out).source
    assert "layers.0.neurons \u00d7 16" in src


def test_identical_siblings_fold_and_unfold():
    model, out = scalar_mlp()
    src = viz.draw_graph(out, model=model, collapse="neuron").source
    assert src.count('class="cr-module"') == 3
    assert "layers.0.neurons \u00d7 16" in src and "relu \u00b7 3 params each" in src
    assert "label=256" in src  # 16 x 16 connections as one labelled arrow
    flat = viz.draw_graph(out, model=model, collapse="neuron", fold=False).source
    assert flat.count('class="cr-module"') == 33 and "\u00d7 16" not in flat


def test_a_loss_is_one_named_card_that_expands():
    model, loss = tensor_mlp()  # the fused cross-entropy: one node, named by its scope
    src = quiet(viz.draw_graph, loss, model=model).source
    assert re.search(r'label="[\u00a0 ]*cross-entropy[\u00a0 ]* \|', src)
    assert "log_softmax" not in src
    # a composite loss (log_softmax, index, mean, ...) is one card that opens into its nodes
    X = np.random.default_rng(0).normal(size=(8, 2))
    F = nn.functional
    nll = F.nll_loss(F.log_softmax(model(X)), np.array([0, 1, 2, 0, 1, 2, 0, 1]))
    src = quiet(viz.draw_graph, nll, model=model).source
    assert re.search(r'label="[\u00a0 ]*NLL loss[\u00a0 ]* \|', src)
    assert "cr-scope" in src and "[label=index" not in src
    opened = viz.draw_graph(nll, model=model, collapse="layer", expand=True).source
    assert "cr-scope" not in opened and "[label=index" in opened
    # the scalar engine's hinge loss, with every other node drawn
    x = FakeMLP(2, [2, 1])([0.7, -1.2])
    hinge = nn.functional.hinge_loss([x], [1])
    assert "hinge loss" in viz.draw_graph(hinge, collapse=None).source


def test_inputs_are_named_and_tensor_inputs_show_their_shape():
    model, out = scalar_mlp()
    texts = [t for ts in cards(quiet(viz.to_svg, out, model=model)).values() for t in ts]
    assert "x1" in texts and "x2" in texts and "data -1.200" in texts
    model, loss = tensor_mlp()
    every = quiet(viz.to_svg, loss, model=model, collapse=None)
    texts = [t for ts in cards(every).values() for t in ts]
    assert "x" in texts and "(8, 2) float64" in texts
    assert "(8, 16) float64" in texts and "x\u00b7W\u1d40 + b" in texts  # fused linear
    assert "cross-entropy" in texts and "mean" not in texts  # the fused loss: no mean node


def test_results_are_named_as_in_every_view_and_subtraction_has_sides():
    a, b = Value(3.0, label="a"), Value(1.0, label="b")
    d = (a - b).relu()
    d.backward()
    svg = viz.to_svg(d)
    texts = [t for ts in cards(svg).values() for t in ts]
    # the names of the stepper and explain_backward: by op, the unlabelled root "output"
    assert "sub1" in texts and "output" in texts
    assert "sub1 = a - b" in viz.explain_backward(d) and "Computation graph of output" in svg
    assert "sub1 = a &#45; b" in svg  # the op's hover text says which side is which
    assert not any(re.fullmatch(r"v\d+", t) for t in texts)


def test_edges_by_weight_and_grad_with_a_legend_and_dead_relus_dimmed():
    w = Value(-2.0, label="layers.0.neurons.0.w.0")
    x = Value(1.5, label="x")
    z = (w * x).relu()  # dead: relu(-3) = 0
    z.backward()
    src = viz.draw_graph(z, collapse=None, edge_by="weight").source
    assert palette.diverging(-1.0) in src and "cluster_legend" in src
    assert "filled,dotted" in src  # the dead ReLU's card
    grad = viz.draw_graph(z, collapse=None, edge_by="grad").source
    assert "gradient along the arrow" in grad
    with pytest.raises(ValueError, match="edge_by"):
        viz.draw_graph(z, edge_by="data")


def test_projector_theme_scales_text():
    x = Value(2.0, label="x")
    y = x * x
    big = viz.draw_graph(y, theme="projector").source
    assert "fontsize=16.5" in big and "fontsize=11 " not in big
    with pytest.raises(ValueError, match="theme"):
        viz.draw_graph(y, theme="dark")


def test_auto_level_and_placement_are_deterministic():
    model, out = scalar_mlp()
    first = quiet(viz.draw_graph, out, model=model).source
    assert quiet(viz.draw_graph, out, model=model).source == first
    every = quiet(viz.draw_graph, out, model=model, collapse=None).source
    assert quiet(viz.draw_graph, out, model=model, collapse=None).source == every


def test_own_layout_places_layers_left_to_right():
    from chainrule.viz.scene import Scene

    s = Scene()
    for name in ("a", "b", "c"):
        s.node(name, label=name, shape="box")
    s.edge("a", "b")
    s.edge("b", "c")
    pos, width, height = place.layered(s, horizontal=True)
    assert pos["a"][0] < pos["b"][0] < pos["c"][0]
    assert pos["a"][1] == pos["b"][1] == pos["c"][1]
    assert width > height


def test_lines_and_dimmed_text_keep_3_to_1_contrast():
    from chainrule.viz import polish, style

    assert palette.contrast(style.LINE) >= 3 and palette.contrast(style.EDGE["color"]) >= 3
    a = float(polish.DIM)
    for role, ink in palette.ROLE_INK.items():
        fill = palette.ROLE_FILL[role]
        seen = tuple(a * i + (1 - a) * f for i, f in zip(palette._rgb(ink), palette._rgb(fill),
                                                        strict=True))
        assert palette.contrast(palette._hex(seen), fill) >= 3, role
    for role in ("input", "param", "output", "module", "scope", "value"):
        assert palette.contrast(style.ROLES[role]["color"]) >= 3, role
