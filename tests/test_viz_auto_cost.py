"""The default ("auto") level is chosen as before, without building anything twice.

``viz.choice`` picks the level of ``draw_graph``'s default picture, the viewer and the stepper.
Here the choice is checked against the rule written out plainly (every candidate level clustered,
built, counted, painted and measured from scratch, as ``draw_graph`` did before), on a spread of
graphs in both directions, folded and unfolded; and the work is counted: the membership rules run
once per call, and a level is built at most once.
"""

from __future__ import annotations

import json
import re
import warnings

import numpy as np
import pytest

from chainrule import nn, viz
from chainrule.autograd import Value
from chainrule.viz import choice, clusters, graphmodel, levels, membership, place, scopes, walk
from chainrule.viz.layout import Layout
from chainrule.viz.paint import paint
from chainrule.viz.scene import Scene


def plainly(root, model, *, rankdir="LR", fold=None) -> tuple[int | None, str]:
    """The level the rule picks, every candidate built from scratch, and how it was found:
    'fits' (the finest level that fits) or 'closest' (none fits)."""
    nodes = walk.forward_order(root)
    params = walk.named_parameters(model) if model is not None else viz.draw.labelled_params(nodes)
    paths = {clusters.module_path(p) for p in params.values()}
    declared = clusters.declared_activations(model, paths) if model is not None else {}
    regions = scopes.regions(nodes)
    horizontal = rankdir in ("LR", "RL")
    grads = walk.has_grads(nodes)
    tried = levels.candidates(paths)
    measured = []
    for k, level in enumerate(tried):
        groups = clusters.assign(nodes, params, "neuron", declared,
                                 key=level.key()) if params else {}
        lay = Layout(nodes, root, params, groups, not level.every_node, horizontal,
                     regions=regions, fold=fold is not False and not level.every_node)
        lay.model = model
        count = lay.count()
        if k < len(tried) - 1 and count > levels.MAX_DRAWN:
            continue
        if level.depth == 0 and measured:
            continue
        scene = Scene()
        paint(lay, scene, True, True, grads, None, None, None)
        side = place.estimate(scene, horizontal)
        measured.append((level, count, side))
        if levels.fits(count, side):
            return level.depth, "fits"
    return levels.closest(measured)[0].depth, "closest"


def scalar_mlp(sizes):
    model = nn.MLP(2, sizes, seed=0)
    out = model([0.5, -1.0])
    loss = (out - 1.0) ** 2 if sizes[-1] == 1 else sum((o - 1.0) ** 2 for o in out)
    loss.backward()
    return loss, model


def tensor_mlp(sizes):
    model = nn.MLP(2, sizes, engine="tensor", seed=0)
    X = np.random.default_rng(0).normal(size=(8, 2))
    loss = nn.functional.cross_entropy(model(X), np.arange(8) % sizes[-1])
    loss.backward()
    return loss, model


def cnn():
    model = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1, seed=0), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Flatten(), nn.Linear(128, 10, seed=1))
    X = np.random.default_rng(0).normal(size=(2, 1, 8, 8))
    loss = nn.functional.cross_entropy(model(X), np.array([3, 5]))
    loss.backward()
    return loss, model


def expression():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    e = (a * b + b ** 2).tanh() * a - 1.0
    e.backward()
    return e, None


def unlabelled_model():
    """Parameters labelled with module paths, no model object (``labelled_params``)."""
    w = [Value(0.3 * k - 0.5, label=f"layers.0.neurons.{k}.w.0") for k in range(3)]
    x = Value(1.5, label="x")
    y = sum(((wk * x).tanh() for wk in w), Value(0.0))
    y.backward()
    return y, None


GRAPHS = {
    "scalar [1]": lambda: scalar_mlp([1]),
    "scalar [3, 1]": lambda: scalar_mlp([3, 1]),
    "scalar [4, 4, 1]": lambda: scalar_mlp([4, 4, 1]),
    "scalar [16, 16, 1]": lambda: scalar_mlp([16, 16, 1]),
    "scalar [110, 1]": lambda: scalar_mlp([110, 1]),
    "scalar [6, 6, 6, 1]": lambda: scalar_mlp([6, 6, 6, 1]),
    "scalar [24, 2]": lambda: scalar_mlp([24, 2]),
    "tensor [16, 16, 3]": lambda: tensor_mlp([16, 16, 3]),
    "tensor, 12 layers": lambda: tensor_mlp([4] * 11 + [3]),
    "cnn": cnn,
    "expression": expression,
    "labelled, no model": unlabelled_model,
}
CASES = [(g, rd) for g in GRAPHS for rd in ("LR", "TB")]


def quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", viz.LevelWarning)
        return fn(*args, **kwargs)


def stepper_depth(root, model, rankdir):
    page = viz.animate_backward(root, model=model, rankdir=rankdir).html
    return json.loads(re.search(r'id="crv-model">(.*?)</script>', page, re.S).group(1))["depth"]


@pytest.mark.parametrize(("graph", "rankdir"), CASES)
def test_every_view_opens_at_the_level_the_rule_picks(graph, rankdir):
    root, model = GRAPHS[graph]()
    for fold in (None, False):
        expected, _ = plainly(root, model, rankdir=rankdir, fold=fold)
        drawn = quiet(viz.draw_graph, root, model=model, rankdir=rankdir, fold=fold)
        assert drawn.viewer_input[1]["depth"] == expected, (graph, rankdir, fold)
        assert viz.draw.auto_depth(root, model=model, rankdir=rankdir, fold=fold) == expected
    unfolded, _ = plainly(root, model, rankdir=rankdir, fold=False)
    assert graphmodel.graph_model(root, model=model, rankdir=rankdir)["depth"] == unfolded
    assert stepper_depth(root, model, rankdir) == unfolded


def test_the_spread_reaches_every_branch_of_the_rule():
    """Every node chosen, a module level chosen after a finer one did not fit, and no level
    fitting (the closest one taken): the graphs above exercise each way the rule ends."""
    found = {plainly(*GRAPHS[g](), fold=False) for g in GRAPHS}
    assert (None, "fits") in found
    assert (1, "fits") in found and (2, "fits") in found
    assert any(how == "closest" for _, how in found)


def counting(monkeypatch):
    """Count the membership passes and the levels built (by depth) during a call."""
    calls = {"find": 0, "built": []}
    find, build = membership.find, choice.Levels.layout

    def counted_find(*args, **kwargs):
        calls["find"] += 1
        return find(*args, **kwargs)

    def counted_layout(self, level):
        calls["built"].append(level.depth)
        return build(self, level)

    monkeypatch.setattr(membership, "find", counted_find)
    monkeypatch.setattr(choice.Levels, "layout", counted_layout)
    return calls


def test_the_viewer_runs_the_rules_once_and_builds_no_picture(monkeypatch):
    root, model = scalar_mlp([16, 16, 1])
    calls = counting(monkeypatch)
    m = graphmodel.graph_model(root, model=model)
    assert m["depth"] == 1
    assert calls["find"] == 1  # its module groups at every depth and the choice share one pass
    # every node (979 nodes) is passed over unbuilt; neurons are built, too tall; layers fit
    assert calls["built"] == [2, 1]


def test_a_picture_builds_each_level_once_and_keeps_the_one_it_draws(monkeypatch):
    root, model = scalar_mlp([16, 16, 1])
    calls = counting(monkeypatch)
    quiet(viz.draw_graph, root, model=model)
    assert calls == {"find": 1, "built": [2]}  # neurons (folded) fit: built once, then drawn
    calls["built"].clear()
    quiet(viz.draw_graph, root, model=model, depth=1)
    assert calls["built"] == [1]


def test_every_node_is_passed_over_only_when_it_cannot_fit(monkeypatch):
    """The shapes counted without building are a lower bound of the picture's (equal without
    composite cards), and a small graph is still built and measured."""
    for graph in GRAPHS:
        root, _ = GRAPHS[graph]()
        nodes = walk.forward_order(root)
        built = choice.Levels(nodes, root, {}, regions=scopes.regions(nodes))
        drawn = built.layout(levels.Level(None, "every node")).count()
        assert built.fewest_shapes() <= drawn, graph
        if not built.regions:
            assert built.fewest_shapes() == drawn, graph
    root, model = scalar_mlp([3, 1])
    calls = counting(monkeypatch)
    assert quiet(viz.draw_graph, root, model=model).viewer_input[1]["depth"] is None
    assert calls["built"] == [None]


def test_one_level_of_clusters_equals_assign():
    root, model = scalar_mlp([4, 4, 1])
    nodes = walk.forward_order(root)
    params = walk.named_parameters(model)
    paths = {clusters.module_path(p) for p in params.values()}
    declared = clusters.declared_activations(model, paths)
    built = choice.Levels(nodes, root, params, model=model)
    for depth in (None, 2, 1, 0):
        fresh = clusters.assign(nodes, params, "neuron", declared,
                                key=levels.Level(depth, "").key())
        assert built.clusters(depth) == fresh
        assert built.clusters(depth) is built.clusters(depth)  # kept for the call
