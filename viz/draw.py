"""``draw_graph``: a computation graph as a ``graphviz.Digraph`` (styled by ``viz.style``).

Each value is a card ``label | data | grad``; each op is a small node between its operands and
its result (``x`` and ``w`` -> ``x`` -> ``x*w``). A reused operand gets one edge per use, so
``a * a`` shows two. Node ids are ``v0, v1, ...`` (values), ``o<i>`` (the op that made value
``i``), ``m<k>`` (module cards) and ``s<k>`` (composite calls), counted in forward order, so the
same graph gives the same source, byte for byte.

How much is drawn (``viz.levels``): by default the finest level that fits a readable picture —
every node, else modules as cards from the deepest (neurons) up to the whole model — with a
caption and a ``LevelWarning`` saying which; ``collapse=`` or ``depth=`` force a level.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

from . import choice, clusters, levels, names, place, scopes, style, torch_graph, walk
from .drawing import Drawing
from .layout import Layout
from .paint import paint
from .scene import Scene


class LevelWarning(UserWarning):
    """``draw_graph`` drew a big graph at a coarser level than every node (it says which)."""


def draw_graph(
    root: Any,
    *,
    model: Any = None,
    rankdir: str = "LR",
    show_data: bool = True,
    show_grad: bool | None = None,
    collapse: str | None = "auto",
    depth: Any = "auto",
    fold: bool | None = None,
    expand: Any = False,
    color_by: str | None = None,
    edge_by: str | None = None,
    highlight: Any = None,
    theme: str = "default",
    max_nodes: int | None = None,
    _grads: dict[int, Any] | None = None,
) -> Drawing:
    """Draw the graph that computed ``root``; returns a ``graphviz.Digraph`` (render it or restyle).

    Colours and shapes (the table is ``viz.style``, colours from ``viz.palette``): blue card =
    input, orange bold card = parameter, dashed grey box = constant, white = intermediate value,
    purple with a thick border = the root (output or loss); grey circles and pills are ops.
    Dashed frames are modules, green cards closed modules ("× 16": 16 identical ones folded),
    grey cards with a thick border composite functions such as a loss.

    ``root`` may also be a ``torch.Tensor`` with a ``grad_fn`` (and ``model`` a
    ``torch.nn.Module``): PyTorch's graph is drawn the same way (see ``viz.torch_graph``, and
    ``viz.trace`` to record every value and gradient).

    Args:
        model: an ``nn.Module`` (anything with ``named_parameters()``); its parameters and the ops
            they feed are grouped by module path (``layers.0.neurons.3``). Without it, leaves
            labelled with dotted paths (as nn labels its parameters) are grouped the same way.
        collapse: ``'auto'`` (default: the finest level that fits, see ``viz.levels``), ``None``
            (every node), ``'neuron'``, ``'layer'`` or ``'model'`` (modules as cards).
        depth: torchview's meaning, overrides ``collapse``: 0 = the whole model as one card,
            1 = its children, ..., ``None`` = every node.
        fold: draw identical sibling modules (the 16 neurons of a layer) as one card "× 16";
            ``None`` (default) folds whenever modules are closed, ``False`` never.
        expand: composite functions (``autograd.scope``: losses, penalties) are one card each;
            ``True`` draws their ops, or a list of scope names to open ("cross-entropy").
        rankdir: ``'LR'`` (left to right, the default) or ``'TB'`` (top to bottom).
        show_data / show_grad: write each value's data / grad (``None``: grads once a backward
            pass ran, ``-`` before; ``True`` always, ``False`` never).
        color_by: ``'grad'`` fills cards by |grad| (white = 0, red = the largest; square root).
        edge_by: ``'weight'`` or ``'grad'``: arrow colour (diverging, vermillion < 0 < blue) and
            width by the weight on the arrow or the gradient along it, with a legend; dead ReLUs
            (output 0) are dimmed (see ``viz.edges``).
        highlight: nodes to outline; the paths from them to the root are drawn in vermillion.
        theme: ``'default'`` or ``'projector'`` (larger text and thicker lines, for a classroom).
        max_nodes: refuse (ValueError) to draw more nodes than this; never needed for a picture.

    (``_grads``, for the stepper: node index in forward order -> the gradient to write instead
    of ``.grad``; it draws every node with the names ``explain_backward`` prints.)
    """
    if torch_graph.is_torch(root):  # PyTorch's graph, presented as nodes (see viz.torch_graph)
        root, model = torch_graph.adapt(root, model)
    _check(rankdir, color_by, theme)
    nodes = walk.forward_order(root)
    params = _params(nodes, model, labelled=_grads is None)
    grads = walk.has_grads(nodes) if show_grad is None else bool(show_grad)
    grads = grads or _grads is not None
    if color_by == "grad" and not grads:
        raise ValueError("color_by='grad' needs gradients: call backward() on the root first")
    if edge_by == "grad" and not grads:
        raise ValueError("edge_by='grad' needs gradients: call backward() on the root first")
    paths = {clusters.module_path(n) for n in params.values()}
    if _grads is not None and collapse == "auto" and depth == "auto":
        collapse = None
    asked = levels.resolve(collapse, depth, paths)
    if asked is not None and not asked.every_node and not params:
        raise ValueError(
            f"collapse={collapse!r} / depth={depth!r} groups by module: pass the model too "
            "(model=...), or label parameters with dotted module paths as nn does"
        )
    built = choice.Levels(nodes, root, params, model=model, regions=scopes.regions(nodes, expand),
                          horizontal=rankdir in ("LR", "RL"), fold=fold, override=_grads)
    chosen = built.choose(asked, painter(show_data, show_grad, grads, color_by, highlight,
                                         edge_by))
    level, lay, scene, count = chosen.level, chosen.layout, chosen.scene, chosen.count
    if max_nodes is not None and count > max_nodes:
        raise ValueError(
            f"this graph has {count} nodes to draw (values and ops), more than max_nodes="
            f"{max_nodes}. Pass collapse='auto' (draws the finest level that fits) or "
            "collapse='neuron' / 'layer' with model=..., or raise max_nodes"
        )
    note = _note(level, asked, len(nodes), count, lay)
    text = summary(lay, level)
    g = Drawing(name="chainrule", comment=text, graph_attr=dict(style.GRAPH, rankdir=rankdir),
                node_attr=style.NODE, edge_attr=style.EDGE)
    g.summary = text
    if note:
        warnings.warn(note, LevelWarning, stacklevel=2)
        g.graph_attr.update(label=note, labelloc="b", labeljust="l")
    if lay.closed:
        g.graph_attr["ordering"] = "out"  # cards in module order (see edges.draw)
        g.graph_attr["ranksep"] = style.DENSE_RANKSEP if len(lay.box) > 8 else "0.5"
    place.emit(scene, g, built.horizontal, theme)
    g.remember(root, model=model, depth=level.depth, rankdir=rankdir, show_data=show_data,
               show_grad=show_grad)  # for the interactive viewer (Drawing._repr_html_)
    g.seal()
    return g


def auto_depth(root: Any, *, model: Any = None, rankdir: str = "LR", show_data: bool = True,
               show_grad: bool | None = None, fold: bool | None = None) -> int | None:
    """The level ``draw_graph``'s default (``collapse='auto'``) draws ``root`` at: ``None`` for
    every node, else the depth of the modules drawn as cards (``viz.levels``: the finest level
    whose picture fits). The viewer and the stepper open at the level found with
    ``fold=False``, as they draw every module as a card of its own: the same rule, measured on
    what they draw (110 neurons of one layer are one card "× 110" in a static picture, so it
    shows neurons, but 110 cards in the viewer, which opens at the layer). It measures the
    candidate levels as ``draw_graph`` does, without making the picture (``viz.choice``)."""
    if torch_graph.is_torch(root):
        root, model = torch_graph.adapt(root, model)
    _check(rankdir, None, "default")
    nodes = walk.forward_order(root)
    built = choice.Levels(nodes, root, _params(nodes, model), model=model,
                          regions=scopes.regions(nodes), horizontal=rankdir in ("LR", "RL"),
                          fold=fold)
    return auto_level(built, show_data, show_grad).depth


def auto_level(built: choice.Levels, show_data: bool = True,
               show_grad: bool | None = None) -> levels.Level:
    """The level ``auto_depth`` picks, on levels already prepared (the viewer's, which keeps
    their clusters for its own module groups)."""
    grads = walk.has_grads(built.nodes) if show_grad is None else bool(show_grad)
    return built.choose(None, painter(show_data, show_grad, grads)).level


def painter(show_data: bool, show_grad: bool | None, grads: bool, color_by: str | None = None,
            highlight: Any = None, edge_by: str | None = None) -> Callable[[Layout], Scene]:
    """Layout -> its painted Scene, with ``draw_graph``'s options (see ``viz.paint``)."""
    def painted(lay: Layout) -> Scene:
        scene = Scene()
        paint(lay, scene, show_data, show_grad is not False, grads, color_by, highlight, edge_by)
        return scene
    return painted


def _params(nodes: list, model: Any, labelled: bool = True) -> dict[int, str]:
    """``id(parameter)`` -> its dotted name: the model's, else parameters labelled with module
    paths (``labelled``; the stepper draws every node as it is, without module frames)."""
    if model is None:
        return labelled_params(nodes) if labelled else {}
    params = walk.named_parameters(model)
    if params and not any(id(n) in params for n in nodes):
        raise ValueError(
            f"none of the model's {len(params)} parameters appear in this graph: was it computed "
            "by another model (or a copy, e.g. moved to the other engine with load_state_dict)? "
            "Pass the model that made the graph, or model=None"
        )
    return params


def _check(rankdir: str, color_by: Any, theme: str) -> None:
    if rankdir not in ("LR", "TB", "RL", "BT"):
        raise ValueError(f"rankdir must be 'LR', 'TB', 'RL' or 'BT', not {rankdir!r}")
    if color_by not in (None, "grad"):
        raise ValueError(f"color_by must be None or 'grad', not {color_by!r}")
    if theme not in style.THEMES:
        raise ValueError(f"theme must be one of {sorted(style.THEMES)}, not {theme!r}")


def labelled_params(nodes: list) -> dict[int, str]:
    """Without a model: leaves labelled with a dotted module path (``layers.0.weight``)."""
    out: dict[int, str] = {}
    for n in nodes:
        label = getattr(n, "label", "") or ""
        if not n.parents and "." in label and clusters.module_path(label) and \
                " " not in label and n.requires_grad:
            out[id(n)] = str(label)
    return out


def _note(level: levels.Level, asked: Any, total: int, count: int, lay: Layout) -> str:
    """The caption of a picture drawn coarser than asked for by default."""
    if asked is not None or level.every_node:
        return ""
    folded = " (identical siblings folded: fold=False unfolds)" if lay.fold else ""
    return (f"{total:,} nodes in all: drawn by {level.name}{folded}. "
            f"collapse=None draws every node, depth=0, 1, ... another level")


def summary(lay: Layout, level: levels.Level) -> str:
    """A text summary of the picture (the SVG's <desc>): what is drawn, at which level."""
    last = len(lay.nodes) - 1
    roots = names.title(lay.root, lay.names[last], lay.owner.get(last, ""))
    if roots != lay.names[last]:
        roots += f" ({lay.names[last]})"
    mods = sorted({lay.fold.get(p, (p, 1))[0] for p in lay.groups}, key=lambda p: p)
    parts = [f"Computation graph of {roots}: {len(lay.nodes)} nodes, drawn by {level.name} "
             f"({lay.count()} shapes)."]
    if lay.closed and mods:
        cards = [f"{lay.card_name(lay.box[p])} x {lay.fold[p][1]}" if p in lay.fold
                 else p or (type(lay.model).__name__ if lay.model is not None else "model")
                 for p in mods]
        parts.append("Modules: " + ", ".join(dict.fromkeys(cards)) + ".")
    named = sorted({r.name for r in lay.regions.values()})
    if named:
        parts.append("Composite functions: " + ", ".join(named) + ".")
    ins = sorted(set(lay.inputs.values()))
    if ins:
        parts.append("Inputs: " + ", ".join(ins) + ".")
    return " ".join(parts)
