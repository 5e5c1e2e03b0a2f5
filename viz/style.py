"""The one style table of chainrule's pictures: every colour, shape and font lives here.

Legend (what a reader sees; colours from ``viz.palette``, Okabe-Ito)::

    role       look                                     meaning
    ---------  ---------------------------------------  ----------------------------------------
    input      blue card, thicker border                a leaf you created, or x1, x2 of a model
    param      orange card, bold border                 a model parameter (w, b)
    const      small dashed grey box, the number only   a plain number mixed in (2 in 2*x)
    value      white card                               an intermediate result
    output     purple card, thickest border             the root: the output or the loss
    op         grey circle (+ x / ...) or pill (tanh)   the operation making the card after it
    cluster    dashed frame titled by module path       one neuron or layer of a model
    module     green card, "x 16" when folded           a closed neuron or layer (summary)
    scope      grey card, thick border, function name   a composite call (cross-entropy)
    dead       faded card, dotted border                a ReLU whose output is 0 (edge_by=)
    highlight  vermillion outline and edges             chosen nodes and their paths to the root

A card reads ``label | data | grad``; grad shows ``-`` until a backward pass has run. With
``color_by='grad'`` the card's fill shades from white (no gradient) to red (the largest
|grad| in the picture) while its border keeps the role colour. ``edge_by=`` colours arrows with
``palette.diverging`` (see ``viz.edges``).

To restyle, change the dictionaries here (they are plain Graphviz attributes), or restyle the
``graphviz.Digraph`` that ``draw_graph`` returns.
"""

from __future__ import annotations

import math

from chainrule.autograd import ops

from . import palette

FONT = "Helvetica,Arial,sans-serif"

GRAPH = {
    "bgcolor": "white",
    "fontname": FONT,
    "fontsize": "11",
    "fontcolor": palette.MUTED,
    "nodesep": "0.22",
    "ranksep": "0.32",
    "pad": "0.2",
}
# lines at least 3:1 against white (palette.contrast), text 4.5:1
LINE = "#8B95A5"
NODE = {"fontname": FONT, "fontsize": "11", "penwidth": "1.4", "color": palette.AXIS,
        "fontcolor": palette.TEXT}
EDGE = {"color": LINE, "arrowsize": "0.6", "penwidth": "1.2", "fontname": FONT}
# many edges between closed modules: thinner, with more room between ranks to fan out
DENSE_EDGE = {"penwidth": "0.8", "arrowsize": "0.5"}
DENSE_RANKSEP = "1.0"
EDGE_LABEL_SIZE = "10"


def _card(role: str, **extra: str) -> dict[str, str]:
    return {"shape": "Mrecord", "style": "filled", "fillcolor": palette.ROLE_FILL[role],
            "color": palette.ROLE_STROKE[role], "fontcolor": palette.ROLE_INK[role], **extra}


# role -> Graphviz node attributes. Cards are records ("Mrecord": rounded corners), because
# HTML-like labels need a Graphviz built with expat, which the embedded renderer is not.
# Colours come from ``palette`` (Okabe-Ito, borders >= 3:1, text >= 4.5:1). Colour is never the
# only cue: roles differ by border too (inputs and modules thicker, parameters bold, constants
# dashed, the root and composite calls thickest), and cards name themselves (a folded module
# "layers.0.neurons × 16", a composite call by its function).
ROLES: dict[str, dict[str, str]] = {
    "input": _card("input", penwidth="1.8"),
    "param": _card("param", style="filled,bold"),
    "const": {
        "shape": "box",
        "style": "filled,dashed,rounded",
        "fillcolor": palette.TINT,
        "color": palette.AXIS,
        "fontcolor": palette.MUTED,
        "fontsize": "10",
        "height": "0.28",
        "margin": "0.08,0.03",
    },
    "value": _card("value"),
    "output": _card("output", penwidth="2.6"),
    "op": {
        "shape": "circle",
        "style": "filled",
        "fillcolor": palette.TINT,
        "color": palette.AXIS,
        "fontcolor": palette.TEXT,
        "fontsize": "13",
        "width": "0.32",
        "fixedsize": "true",
    },
    # an op whose name is a word (tanh, relu, ...): a pill instead of a circle
    "op_word": {
        "shape": "box",
        "style": "filled,rounded",
        "fillcolor": palette.TINT,
        "color": palette.AXIS,
        "fontcolor": palette.TEXT,
        "fontsize": "11",
        "height": "0.3",
        "width": "0.3",
        "margin": "0.07,0.02",
    },
    "module": _card("module", penwidth="1.8"),
    # a composite function's call (scope.named): a grey card with a thick border
    "scope": _card("value", penwidth="2.4", color=palette.MUTED),
}

CLUSTER = {
    "style": "dashed,rounded",
    "color": LINE,
    "fontcolor": palette.MUTED,
    "fontsize": "11",
    "fontname": FONT,
    "labeljust": "l",
    "margin": "10",
}
# the outer frame when neuron clusters are nested in their layer
LAYER_CLUSTER = dict(CLUSTER, style="rounded,filled", fillcolor=palette.TINT, color=LINE)

# a dead ReLU (output 0): faded, dotted border
DEAD = {"style": "filled,dotted", "fillcolor": palette.TINT, "fontcolor": palette.MUTED,
        "color": palette.AXIS}
LEGEND = {"style": "rounded", "color": LINE, "fontcolor": palette.MUTED, "fontsize": "10",
          "fontname": FONT, "labeljust": "l", "margin": "8"}
LEGEND_NODE = {"shape": "box", "style": "filled", "color": palette.AXIS, "fontsize": "10",
               "width": "0.5", "height": "0.25", "margin": "0.04,0.02"}

THEMES = ("default", "projector")  # projector: text and lines 1.5 times larger

HIGHLIGHT_COLOR = palette.ROLE_STROKE["highlight"]
HIGHLIGHT_NODE = {"color": HIGHLIGHT_COLOR, "penwidth": "3"}
HIGHLIGHT_EDGE = {"color": HIGHLIGHT_COLOR, "penwidth": "2.4"}

# How an op is written on its node: its own ``symbol`` (``Op.symbol``), else its name.

_SUPERSCRIPT = str.maketrans(
    "0123456789-", "\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079\u207b"
)


def op_symbol(name: str) -> str:
    """The text on an op node: ``*`` -> ``x``, ``**2`` -> ``x^2`` (as a superscript), ``tanh``."""
    op = ops.lookup(name)
    if op is not None:
        return op.symbol or name
    if name.startswith("**"):
        k = name[2:]
        if k.lstrip("-").isdigit():
            return "x" + k.translate(_SUPERSCRIPT)
        return "x^" + k
    return name


def op_role(name: str) -> str:
    """'op' (a circle) for symbols, 'op_word' (a pill) for names like tanh."""
    return "op" if len(op_symbol(name)) <= 2 else "op_word"


# --- colour by gradient ------------------------------------------------------------------------

# white -> pale amber -> amber -> orange -> red: a sequential scale (light to dark, so it also
# reads in greyscale and for colour-blind viewers)
_HEAT = ((255, 255, 255), (254, 243, 199), (252, 211, 77), (249, 115, 22), (220, 38, 38))


def heat(t: float) -> str:
    """The fill for a relative gradient magnitude ``t`` in [0, 1] (0 white, 1 red).

    ``t`` is ``sqrt(|grad| / max |grad|)``: the square root keeps small but nonzero gradients
    visibly tinted, since gradients in one graph often span orders of magnitude.
    """
    if not math.isfinite(t):
        t = 1.0
    t = min(max(t, 0.0), 1.0) * (len(_HEAT) - 1)
    i = min(int(t), len(_HEAT) - 2)
    f = t - i
    rgb = (round(a + (b - a) * f) for a, b in zip(_HEAT[i], _HEAT[i + 1], strict=True))
    return "#{:02X}{:02X}{:02X}".format(*rgb)


def heat_font(t: float) -> str:
    """Text colour that stays readable on ``heat(t)``."""
    return "#FFFFFF" if t > 0.9 else "#0F172A"
