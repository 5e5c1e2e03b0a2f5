"""Finishing touches on a rendered SVG that a Graphviz record label cannot express.

Records give every field the same font, so after layout each card's name is set in bold (a name
viz made up, ``v1``, in grey italics) and the words ``data``/``grad``/``out`` are dimmed, leaving
the numbers to stand out. Only cards (SVG groups with a ``cr-`` role class) are touched, only by
adding attributes and ``<tspan>``s that keep every text's position; any SVG viewer, PNG
converter or browser shows the result.
"""

from __future__ import annotations

import re

_CARD = re.compile(
    r'(<g id="[^"]*" class="node cr&#45;(?:input|param|value|output|module|scope)'
    r'( cr&#45;auto)?(?: cr&#45;scope)?">)'
    r"(.*?)(</g>\n(?:<!--|</g>))",
    re.S,
)
# the opacity of dimmed text (row captions, made-up names): the lightest it can go and keep 3:1
# against every role's fill (tests/test_viz_levels.py checks it)
DIM = "0.75"
_TEXT = re.compile(r"<text ([^>]*)>([^<]*)</text>")
# a row caption, after the no-break spaces that pad a long row (as a character or an entity)
_KEY = re.compile(r"^((?:&#160;|\u00a0)*)(data|grad|out)( .*)$", re.S)


def polish(svg: str, summary: str = "") -> str:
    """Bold card names and dim the row captions (see the module docstring); with a
    ``summary``, the SVG opens with ``<title>`` and ``<desc>`` (what screen readers announce)."""
    svg = _CARD.sub(_card, svg)
    if summary:
        svg = _OPEN.sub(lambda m: m.group(0) + _accessible(summary), svg, count=1)
    return svg


_OPEN = re.compile(r"<svg\b[^>]*>")


def _accessible(summary: str) -> str:
    text = summary.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    title = text.split(":", 1)[0]
    return f"\n<title>{title}</title>\n<desc>{text}</desc>"


def summary_of(source: str) -> str:
    """The text summary ``draw_graph`` puts in the DOT source's first comment line."""
    first = source.split("\n", 1)[0]
    return first[3:].strip() if first.startswith("// ") else ""


def _card(m: re.Match) -> str:
    head, auto, body, tail = m.groups()
    first = True
    name_style = f'font-style="italic" fill-opacity="{DIM}"' if auto else 'font-weight="bold"'

    def text(t: re.Match) -> str:
        nonlocal first
        attrs, content = t.groups()
        if first:
            first = False
            return f"<text {attrs} {name_style}>{content}</text>"
        m = _KEY.match(content)
        if m:
            lead, key, rest = m.groups()
            return (f'<text {attrs}>{lead}<tspan class="cr-key" fill-opacity="{DIM}">{key}'
                    f"</tspan>{rest}</text>")
        return t.group(0)

    return head + _TEXT.sub(text, body) + tail
