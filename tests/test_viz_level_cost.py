"""The viewer and the stepper choose their level without laying out what they never draw.

A level they measure but do not draw costs its ``Layout`` and its painting; the work that does
not depend on the level is read once per call (``layout.Reading``), a level names only the nodes
it draws (``names.LevelNames``, exact: the same names ``Namer.names`` gives), and a module
counts its parameters once. Checked here: the lazy names equal the one-pass names on real graphs
at every level and on random graphs made to collide, read in any order; and the work is counted.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import pytest
from test_viz_auto_cost import GRAPHS, quiet, scalar_mlp

from chainrule import viz
from chainrule.viz import choice, clusters, graphmodel, layout, levels, names, scopes, walk


def every_level(root, model):
    """(Levels, level) for every candidate level of the graph, as the choice builds them."""
    nodes = walk.forward_order(root)
    params = walk.named_parameters(model) if model is not None else \
        viz.draw.labelled_params(nodes)
    built = choice.Levels(nodes, root, params, model=model, regions=scopes.regions(nodes))
    paths = {clusters.module_path(p) for p in params.values()}
    return built, levels.candidates(paths)


def plain_names(lay: layout.Layout) -> list[str]:
    """The names of ``lay`` made all at once, by the rule written out (``names.readable``),
    constants then named by value as the picture shows them."""
    closing = {i for cl in lay.groups.values() for i in cl.outputs
               if getattr(lay.nodes[i], "op_name", "") in clusters.ACTIVATIONS}
    out = names.readable(lay.nodes, walk.names(lay.nodes), lay.owner, lay.params, closing,
                         lay.inputs)
    for i, n in enumerate(lay.nodes):
        if not n.parents and i not in lay.inputs and not getattr(n, "label", ""):
            out[i] = viz.naming.short_value(n)
    return out


@pytest.mark.parametrize("graph", list(GRAPHS))
def test_a_level_names_each_node_as_the_one_pass_rule_does(graph):
    root, model = GRAPHS[graph]()
    built, tried = every_level(root, model)
    for level in tried:
        expected = plain_names(built.layout(level))
        lay = built.layout(level)
        order = list(range(len(expected)))
        random.Random(len(order)).shuffle(order)  # read in any order: the same names
        assert {i: lay.names[i] for i in order} == dict(enumerate(expected)), (graph, level)


@dataclass
class Fake:
    """A node as naming sees it: label, parents, op name, data."""

    label: str = ""
    op_name: str = ""
    parents: list = field(default_factory=list)
    data: float = 1.0
    requires_grad: bool = True
    engine: str = "scalar"


LABELS = ["", "", "", "", "mul1", "l0.mul1", "l0.n1.mul", "output", "x1", "add2", "l1.out",
          "layers.0.neurons.1.w.1", "v3", "mul11"]
OPS = ["*", "+", "tanh", "log", "log1", "out", "**2", "relu", "add"]
MODULES = ["", "", "layers.0", "layers.0.neurons.1", "lists.0", "layers.1", "l0"]


def random_graph(rng: random.Random, n: int, plain_words: bool, plain_modules: bool):
    """Nodes (forward order), owner and outputs. ``plain_words``: no op word ends in a digit
    or is 'out'; ``plain_modules``: no two modules share a short path."""
    ops = [o for o in OPS if o not in ("log1", "out")] if plain_words else OPS
    nodes: list[Fake] = []
    for i in range(n):
        leaf = i < 3 or rng.random() < 0.25
        parents = [] if leaf else rng.sample(nodes, k=min(len(nodes), rng.choice((1, 2))))
        nodes.append(Fake(label=rng.choice(LABELS), op_name="" if leaf else rng.choice(ops),
                          parents=parents, data=rng.choice((0.5, 2.0)),
                          requires_grad=rng.random() < 0.7))
    mods = [m for m in MODULES if m not in ("lists.0", "l0")] if plain_modules else MODULES
    owner = {i: m for i in range(n) if (m := rng.choice(mods))}
    outputs = {i for i in owner if rng.random() < 0.2}
    return nodes, owner, outputs


@pytest.mark.parametrize(("plain_words", "plain_modules"),
                         [(True, True), (False, True), (True, False)])
def test_lazy_names_equal_one_pass_names_when_names_collide(plain_words, plain_modules):
    """Labels that spell made-up names (``mul1``, ``output``), modules sharing a short path
    (``layers.0`` and ``lists.0`` are both ``l0``), op words ending in a digit or spelling
    ``out`` (``log1`` alone in a module is ``l0.log1``, as the first of two ``log``): a name
    read alone is the one ``Namer.names`` gives, whatever is read first."""
    rng = random.Random(17 + 2 * plain_words + plain_modules)
    fell_back = kept_lazy = 0
    for _ in range(200):
        nodes, owner, outputs = random_graph(rng, rng.randint(4, 40), plain_words,
                                             plain_modules)
        params = {id(n): n.label for n in nodes if n.label.startswith("layers.")}
        inputs = {i: f"x{i}" for i, n in enumerate(nodes)
                  if not n.parents and not n.label and rng.random() < 0.3}
        namer = names.Namer(nodes, walk.names(nodes), params, inputs)
        expected = namer.names(owner, outputs)
        assert expected == names.readable(nodes, walk.names(nodes), owner, params, outputs,
                                          inputs)
        lazy = namer.lazy(owner, outputs)
        order = list(range(len(nodes)))
        rng.shuffle(order)
        assert {i: lazy[i] for i in order} == dict(enumerate(expected))
        fell_back += lazy._all is not None
        kept_lazy += lazy._all is None
    assert fell_back > 0  # a name that may be taken: every name made at once
    assert kept_lazy > 0 or not (plain_words and plain_modules)


@pytest.mark.parametrize(("ops", "closing", "expected"), [
    (["log", "log", "log1"], set(), ["x", "l0.log1", "l0.log2", "l0.log1'"]),
    (["tanh", "out"], {1}, ["x", "l0.out", "l0.out'"]),
    (["mul", "mul"], set(), ["x", "l0.mul1", "l0.mul2"]),
])
def test_a_name_spelled_twice_gets_its_prime_when_read_alone(ops, closing, expected):
    """Op words that can spell another op's name: the last node, read first, is primed."""
    x = Fake(label="x", requires_grad=False)
    nodes = [x] + [Fake(op_name=op, parents=[x]) for op in ops]
    owner = {i: "layers.0" for i in range(1, len(nodes))}
    namer = names.Namer(nodes, walk.names(nodes), {}, {})
    assert namer.names(owner, closing) == expected
    lazy = namer.lazy(owner, closing)
    assert [lazy[i] for i in reversed(range(len(nodes)))] == expected[::-1]


def counting(monkeypatch):
    """Count the graph readings, the whole-level naming passes and the parameter counts."""
    calls = {"reading": 0, "names": 0, "sizes": 0}
    reading, whole = layout.Reading.__init__, names.Namer.names
    sizes = clusters.np.size

    def counted_reading(self, *args, **kwargs):
        calls["reading"] += 1
        reading(self, *args, **kwargs)

    def counted_names(self, *args, **kwargs):
        calls["names"] += 1
        return whole(self, *args, **kwargs)

    def counted_size(x):
        calls["sizes"] += 1
        return sizes(x)

    monkeypatch.setattr(layout.Reading, "__init__", counted_reading)
    monkeypatch.setattr(names.Namer, "names", counted_names)
    monkeypatch.setattr(clusters.np, "size", counted_size)
    return calls


def test_the_viewer_reads_the_graph_once_and_names_only_what_it_shows(monkeypatch):
    root, model = scalar_mlp([16, 16, 1])
    params = len(walk.named_parameters(model))
    calls = counting(monkeypatch)
    assert graphmodel.graph_model(root, model=model)["depth"] == 1
    # one reading for the levels it measures (neurons, layers) and its own data; one naming
    # pass, for its own nodes: the levels measured name only the few nodes outside their cards
    assert calls["reading"] == 1 and calls["names"] == 1
    # each parameter is counted once per level of modules it is drawn in (neurons, layers) and
    # once for the whole model: not again for every card that shows the count
    assert calls["sizes"] == 3 * params


def test_the_stepper_and_a_picture_read_the_graph_once(monkeypatch):
    root, model = scalar_mlp([16, 16, 1])
    calls = counting(monkeypatch)
    viz.animate_backward(root, model=model)  # the viewer's data and its steps
    assert calls["reading"] == 1 and calls["names"] == 1
    calls.update(reading=0, names=0)
    quiet(viz.draw_graph, root, model=model)
    assert calls["reading"] == 1 and calls["names"] == 0  # neurons as cards: names read lazily
