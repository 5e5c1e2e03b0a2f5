"""The stepper's backward order: a valid reverse topological order that keeps modules together,
the same in explain_backward and in the stepper page."""

from __future__ import annotations

import json
import re

from chainrule import nn, viz
from chainrule.autograd import topological_order
from chainrule.viz import walk
from chainrule.viz.graphmodel import graph_model, node_modules
from chainrule.viz.steps import backward_steps


def _loss():
    model = nn.MLP(2, [4, 4, 1], seed=3)
    return model, (model([0.5, -1.0]) - 1.0) ** 2


def test_order_is_reverse_topological_and_keeps_each_module_together():
    model, loss = _loss()
    m = graph_model(loss, model=model, depth=None)
    mods = node_modules(m)
    p = backward_steps(loss, [n["name"] for n in m["nodes"]], mods)
    assert sorted(p.order) == sorted(walk.forward_order(loss).index(n)
                                     for n in topological_order(loss))
    seen = {}
    for k, i in enumerate(p.order):
        seen[i] = k
    for i in p.order:  # every user of a node comes before it
        for q in p.nodes[i].parents:
            j = p.nodes.index(q)
            if j in seen:
                assert seen[j] > seen[i]
    runs = [mods[i] for i in p.order]
    blocks = [r for k, r in enumerate(runs) if k == 0 or runs[k - 1] != r]
    assert len(blocks) == len(set(blocks))  # each neuron's steps in one run
    engine = [walk.forward_order(loss).index(n) for n in topological_order(loss)]
    plain = [mods[i] for i in engine]
    interleaved = [r for k, r in enumerate(plain) if k == 0 or plain[k - 1] != r]
    assert len(interleaved) > len(set(interleaved))  # the engine's own order does interleave


def test_explain_and_stepper_print_the_same_order_and_names():
    model, loss = _loss()
    text = viz.explain_backward(loss, model=model)
    order = re.search(r"Topological order \(output first\): (.*)", text).group(1).split(", ")
    assert order[:3] == ["output", "sub1", "l2.n0.add4"] and "l0.n0.w1" in order
    assert not any(re.fullmatch(r"v\d+", name) for name in order)
    page = viz.animate_backward(loss, model=model, depth=None).html
    raw = re.search(r'<script type="application/json" id="cr-frames">(.*?)</script>', page, re.S)
    data = json.loads(raw.group(1).replace("<\\/", "</"))
    frame = next(f for f in data["frames"] if f["phase"] == "order" and f["badge"]
                 and f["badge"][0][1] == "#1")
    m = graph_model(loss, model=model, depth=None)
    names = [m["nodes"][int(key[1:])]["name"] for key, _ in frame["badge"]]
    assert names == order
