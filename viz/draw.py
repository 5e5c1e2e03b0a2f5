"""``draw_graph``: a computation graph as a ``graphviz.Digraph`` (styled by ``viz.style``).

Each value is a card ``label | data | grad``; each op is a small node between its operands and
its result (``x`` and ``w`` -> ``x`` -> ``x*w``). A reused operand gets one edge per use, so
``a * a`` shows two. Node ids are ``v0, v1, ...`` (values) and ``o<i>`` (the op that made value
``i``), counted in forward order, so the same graph gives the same source, byte for byte.
"""

from __future__ import annotations

from typing import Any

from . import clusters, style, torch_graph, walk
from .drawing import Drawing
from .layout import Layout
from .paint import paint


def draw_graph(
    root: Any,
    *,
    model: Any = None,
    rankdir: str = "LR",
    show_data: bool = True,
    show_grad: bool | None = None,
    collapse: str | None = None,
    color_by: str | None = None,
    highlight: Any = None,
    max_nodes: int = 2000,
    _grads: dict[int, Any] | None = None,
) -> Drawing:
    """Draw the graph that computed ``root``; returns a ``graphviz.Digraph`` (render it or restyle).

    Colours and shapes (the table is ``viz.style``): blue card = input leaf, orange = parameter,
    dashed grey box = constant, white = intermediate value, violet with a thick border = the root
    (output or loss); grey circles and pills are ops. Dashed frames are modules, teal cards are
    collapsed modules, crimson marks ``highlight``.

    ``root`` may also be a ``torch.Tensor`` with a ``grad_fn`` (and ``model`` a
    ``torch.nn.Module``): PyTorch's graph is drawn the same way (see ``viz.torch_graph``, and
    ``viz.trace`` to record every value and gradient).

    Args:
        model: an ``nn.Module`` (anything with ``named_parameters()``); its parameters and the ops
            they feed are framed in clusters named by module path (``layers.0.neurons.3``).
        rankdir: ``'LR'`` (left to right, the default) or ``'TB'`` (top to bottom).
        show_data: write each value's data.
        show_grad: ``None`` (default) writes grads when the graph has been backpropagated and
            ``-`` before (a Value's grad is 0.0 until then, which would read as a real zero); the
            graph counts as backpropagated when any node has a nonzero Value grad or any Tensor
            grad (``backward()`` sets the root's grad to 1). ``True`` always writes the numbers,
            ``False`` leaves the grad row out.
        collapse: ``'neuron'`` or ``'layer'`` (needs ``model``): each module becomes one card
            with its activation, parameter count, output value and grad.
        color_by: ``'grad'`` fills each card by its |grad| (white = 0, red = the largest; the
            mean |grad| for a tensor; square-root scale) while borders keep the role colours.
        highlight: nodes to outline; the paths from them to the root are drawn in crimson.
        max_nodes: refuse (ValueError) to draw more nodes than this (ops count as nodes).

    (``_grads``, for the stepper: node index in forward order -> the gradient to write,
    instead of reading ``.grad``.)
    """
    if torch_graph.is_torch(root):  # PyTorch's graph, presented as nodes (see viz.torch_graph)
        root, model = torch_graph.adapt(root, model)
    if rankdir not in ("LR", "TB", "RL", "BT"):
        raise ValueError(f"rankdir must be 'LR', 'TB', 'RL' or 'BT', not {rankdir!r}")
    if collapse not in (None, "neuron", "layer"):
        raise ValueError(f"collapse must be None, 'neuron' or 'layer', not {collapse!r}")
    if collapse is not None and model is None:
        raise ValueError(f"collapse={collapse!r} groups by module: pass the model too (model=...)")
    if color_by not in (None, "grad"):
        raise ValueError(f"color_by must be None or 'grad', not {color_by!r}")
    nodes = walk.forward_order(root)
    params = walk.named_parameters(model) if model is not None else {}
    if params and not any(id(n) in params for n in nodes):
        raise ValueError(
            f"none of the model's {len(params)} parameters appear in this graph: was it computed "
            "by another model (or a copy, e.g. moved to the other engine with load_state_dict)? "
            "Pass the model that made the graph, or model=None"
        )
    grads = walk.has_grads(nodes) if show_grad is None else bool(show_grad)
    grads = grads or _grads is not None
    if color_by == "grad" and not grads:
        raise ValueError("color_by='grad' needs gradients: call backward() on the root first")
    if params:
        paths = {clusters.module_path(n) for n in params.values()}
        declared = clusters.declared_activations(model, paths)
        groups = clusters.assign(nodes, params, collapse or "neuron", declared)
    else:
        groups = {}
    lay = Layout(nodes, root, params, groups, collapse, rankdir in ("LR", "RL"))
    lay.override = _grads
    count = lay.count()
    if count > max_nodes:
        raise ValueError(
            f"this graph has {count} nodes to draw (values and ops), more than max_nodes="
            f"{max_nodes}: a picture that large is unreadable and slow to lay out. Pass "
            "collapse='neuron' or collapse='layer' with model=..., draw a smaller piece (one "
            "sample, one neuron), or raise max_nodes"
        )
    g = Drawing(name="chainrule", graph_attr=dict(style.GRAPH, rankdir=rankdir),
                node_attr=style.NODE, edge_attr=style.EDGE)
    if collapse:
        g.graph_attr["ordering"] = "out"  # cards in module order (see paint._edges)
        g.graph_attr["ranksep"] = style.DENSE_RANKSEP if len(lay.box) > 8 else "0.5"
    paint(lay, g, show_data, show_grad is not False, grads, color_by, highlight)
    return g
