"""Pictures that say what a reader needs: module cards name what the module computes, the default
level is the same (and readable) in every view, a root is titled by its role, and module frames
never overlap, in Graphviz's pictures and in the viewer, left to right and top to bottom."""

from __future__ import annotations

import json
import re

import numpy as np
from browser_pages import chromium_pages
from test_viz_auto_cost import cnn, quiet

from chainrule import nn, viz
from chainrule.viz import graphmodel, levels, rendering

ARROW = "\u2192"


def small_cnn():
    """A Conv2d followed by a ReLU, a pool and a Linear, as in the cnn lesson (demos/cnn.py):
    ``test_viz_auto_cost``'s CNN, as (model, loss)."""
    loss, model = cnn()
    return model, loss


def tensor_mlp(hidden=(16, 16, 3)):
    model = nn.MLP(2, list(hidden), engine="tensor", seed=0)
    X = np.random.default_rng(0).normal(size=(8, 2))
    loss = nn.functional.cross_entropy(model(X), np.array([0, 1, 2, 0, 1, 2, 0, 1]))
    loss.backward()
    return model, loss


def card_lines(svg: str) -> list[str]:
    return [t.replace("\u00a0", "").strip() for t in re.findall(r">([^<>]*params?[^<>]*)<", svg)]


# --- 1. a module card says what the module is ------------------------------------------------

def test_conv_card_names_the_layer_and_its_activation_in_every_view():
    model, loss = small_cnn()
    svg = quiet(viz.to_svg, loss, model=model, collapse="layer")
    assert f"conv2d {ARROW} relu \u00b7 80 params" in card_lines(svg)
    assert "linear \u00b7 1290 params" in card_lines(svg)  # no activation: the product alone
    groups = graphmodel.graph_model(loss, model=model, depth=1)["groups"]
    assert [g["rows"][1] for g in groups if g["level"] == 1] == [
        f"conv2d {ARROW} relu \u00b7 80 params", "linear \u00b7 1290 params"]
    page = viz.animate_backward(loss, model=model, depth=1).html  # the stepper's own model
    data = json.loads(re.search(r'id="crv-model">(.*?)</script>', page, re.S).group(1))
    assert f"conv2d {ARROW} relu \u00b7 80 params" in [g["rows"][1] for g in data["groups"]]


def test_mlp_cards_read_linear_then_activation_on_both_engines():
    model, loss = tensor_mlp((4, 3))
    lines = card_lines(quiet(viz.to_svg, loss, model=model, collapse="layer"))
    assert lines == [f"linear {ARROW} relu \u00b7 12 params", "linear \u00b7 15 params"]
    scalar = nn.MLP(2, [3, 1], activation="tanh", seed=0)
    out = scalar([0.5, -1.0])
    lines = card_lines(quiet(viz.to_svg, out, model=scalar, collapse="neuron"))
    assert lines == [f"linear {ARROW} tanh \u00b7 3 params each", "linear \u00b7 4 params"]


# --- 2. 'auto' draws what a reader can take in, the same level in every view -----------------

def test_auto_level_of_a_tensor_mlp_is_its_layers_in_every_view():
    model, loss = tensor_mlp()
    every = quiet(viz.to_svg, loss, model=model, collapse=None)
    long_side = max(float(v) for v in re.search(r'width="([\d.]+)pt" height="([\d.]+)pt"',
                                                every).groups())
    assert long_side > levels.MAX_SIDE  # every node is one long chain: not readable at once
    assert quiet(viz.draw_graph, loss, model=model).viewer_input[1]["depth"] == 1
    assert graphmodel.graph_model(loss, model=model)["depth"] == 1  # the viewer opens there
    page = viz.animate_backward(loss, model=model).html  # and the stepper
    assert re.search(r'"depth":\s*1\b', page)
    for depth in (None, 0, 1):  # explicit levels are kept as asked
        assert graphmodel.graph_model(loss, model=model, depth=depth)["depth"] == depth


def test_viewer_auto_measures_the_cards_it_draws_unfolded():
    """A static picture folds a layer's 110 neurons into one card; the viewer draws 110 cards,
    so it opens at the layer instead of a column of 110 cards."""
    model = nn.MLP(2, [110, 1], seed=0)
    out = model([0.5, -1.0])
    assert quiet(viz.draw_graph, out, model=model).viewer_input[1]["depth"] == 2
    assert graphmodel.graph_model(out, model=model)["depth"] == 1
    small = nn.MLP(2, [4, 4, 1], seed=0)  # a few neurons: neurons as cards in both
    out = small([0.5, -1.0])
    assert graphmodel.graph_model(out, model=small)["depth"] == 2


def test_auto_keeps_every_node_when_it_fits_on_both_engines():
    model = nn.MLP(2, [2, 1], seed=0)
    out = model([0.5, -1.0])
    assert graphmodel.graph_model(out, model=model)["depth"] is None
    small, loss = tensor_mlp((3,))
    assert graphmodel.graph_model(loss, model=small)["depth"] == \
        quiet(viz.draw_graph, loss, model=small).viewer_input[1]["depth"]


# --- 4. a root is titled by its role ---------------------------------------------------------

def test_root_of_a_scalar_mlp_is_titled_by_its_role_with_the_name_on_hover():
    model = nn.MLP(2, [3, 1], seed=0)
    out = model([0.5, -1.0])
    out.backward()
    m = graphmodel.graph_model(out, model=model)
    assert m["title"] == "the output of neuron l1.n0" and m["root_name"] == "l1.n0.add3"
    page = viz.viewer.page(m)
    assert re.search(r'<h1 title="root node l1\.n0\.add3 = [^"]+">Computation graph of the '
                     r"output of neuron l1\.n0</h1>", page)
    stepper = viz.animate_backward(out, model=model).html
    assert "<title>Backward pass from the output of neuron l1.n0 - chainrule" in stepper
    assert 'title="root node l1.n0.add3' in stepper
    assert viz.draw_graph(out, model=model).summary.startswith(
        "Computation graph of the output of neuron l1.n0 (l1.n0.add3):")
    _, loss = tensor_mlp((4, 3))
    assert graphmodel.graph_model(loss)["title"] == "cross-entropy"  # a loss keeps its name
    model2, _ = tensor_mlp((4, 3))
    scores = model2(np.ones((2, 2)))
    assert graphmodel.graph_model(scores, model=model2)["title"] == "the output of layer l1"
    out.label = "y"  # a label the user gave is the title, with no hover
    m = graphmodel.graph_model(out, model=model)
    assert m["title"] == "y" and "<h1>" in viz.viewer.page(m)


# --- 3. module frames never overlap ----------------------------------------------------------

def cluster_boxes(svg: str) -> list[tuple]:
    out = []
    for title, pts in re.findall(r'class="cluster">\s*<title>([^<]*)</title>\s*<(?:path|polygon)'
                                 r'[^>]*?(?:points|d)="([^"]+)"', svg):
        nums = [float(v) for v in re.findall(r"-?[\d.]+", pts)]
        out.append((title, min(nums[0::2]), min(nums[1::2]), max(nums[0::2]), max(nums[1::2])))
    return out


def test_graphviz_clusters_do_not_overlap_top_to_bottom():
    """Graphviz keeps clusters apart in either direction (checked with the system dot and the
    embedded WebAssembly build): the overlaps were the viewer's, tested below."""
    model = nn.MLP(2, [3, 3, 1], seed=0)
    loss = (model([0.7, -1.2]) - 1.0) ** 2
    renderers = ["embedded"] + (["system"] if rendering.system_dot() else [])
    for renderer in renderers:
        boxes = cluster_boxes(viz.to_svg(loss, model=model, collapse=None, rankdir="TB",
                                         renderer=renderer))
        assert len(boxes) == 10  # 3 layers, 7 neurons
        for i, a in enumerate(boxes):
            for b in boxes[i + 1:]:
                nested = all(x <= y + 0.5 for x, y in zip(a[1:3], b[1:3])) and \
                    all(x >= y - 0.5 for x, y in zip(a[3:], b[3:])) or \
                    all(x <= y + 0.5 for x, y in zip(b[1:3], a[1:3])) and \
                    all(x >= y - 0.5 for x, y in zip(b[3:], a[3:]))
                apart = min(a[3], b[3]) <= max(a[1], b[1]) or min(a[4], b[4]) <= max(a[2], b[2])
                assert nested or apart, (renderer, a[0], b[0])


# the viewer's frames, as drawn: pairs of frames of unrelated modules sharing area, and cards
# inside the frame of a module they are not part of (sampled every 2 px with isPointInPath)
OVERLAPS = """() => {
  const v = window.viewer, ctx = document.createElement('canvas').getContext('2d');
  const frames = [...document.querySelectorAll('.crv-frame')].map((f) => {
    const p = f.querySelector('path');
    return {g: +f.dataset.key.slice(1), path: new Path2D(p.getAttribute('d')), bb: p.getBBox()};
  });
  const related = (a, b) => v.groupChain[a].includes(b) || v.groupChain[b].includes(a);
  const pairs = [], foreign = [];
  frames.forEach((A, i) => frames.slice(i + 1).forEach((B) => {
    if (related(A.g, B.g)) return;
    const x0 = Math.max(A.bb.x, B.bb.x), x1 = Math.min(A.bb.x + A.bb.width, B.bb.x + B.bb.width);
    const y0 = Math.max(A.bb.y, B.bb.y), y1 = Math.min(A.bb.y + A.bb.height, B.bb.y + B.bb.height);
    for (let x = x0 + 1.37; x < x1; x += 2) for (let y = y0 + 1.37; y < y1; y += 2) {
      if (ctx.isPointInPath(A.path, x, y) && ctx.isPointInPath(B.path, x, y)) {
        pairs.push([v.groups[A.g].path, v.groups[B.g].path]); return;
      }
    }
  }));
  for (const [key, b] of Object.entries(v.boxes)) {
    const chain = key[0] === 'n' ? v.chain[+key.slice(1)] : v.groupChain[+key.slice(1)];
    const pts = [[b.x + b.w / 2, b.y + b.h / 2], [b.x + 2, b.y + 2],
                 [b.x + b.w - 2, b.y + b.h - 2]];
    for (const F of frames) {
      if (!chain.includes(F.g) && pts.some((p) => ctx.isPointInPath(F.path, p[0], p[1]))) {
        foreign.push([key, v.groups[F.g].path]);
      }
    }
  }
  return {frames: frames.length, pairs, foreign};
}"""


def test_viewer_frames_do_not_overlap_in_either_direction(tmp_path):
    model = nn.MLP(2, [3, 3, 1], seed=0)
    loss = (model([0.7, -1.2]) - 1.0) ** 2
    loss.backward()
    with chromium_pages() as open_:
        for rankdir in ("TB", "LR"):
            path = tmp_path / f"{rankdir}.html"
            m = graphmodel.graph_model(loss, model=model, depth=None, rankdir=rankdir)
            path.write_text(viz.viewer.page(m), encoding="utf-8")
            found = open_(path, 1280, 900).evaluate(OVERLAPS)
            assert found["frames"] == 11  # the model, 3 layers, 7 neurons
            assert found["pairs"] == [] and found["foreign"] == [], rankdir


def test_viewer_opens_at_the_static_pictures_level_top_to_bottom_too():
    model, loss = small_cnn()
    for rankdir in ("TB", "LR"):  # no siblings to fold: the picture's own level
        assert graphmodel.graph_model(loss, model=model, rankdir=rankdir)["depth"] == quiet(
            viz.draw_graph, loss, model=model, rankdir=rankdir).viewer_input[1]["depth"]
