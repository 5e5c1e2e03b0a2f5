"""SVG written by viz itself, for big graphs whose nodes viz has placed (``viz.place``).

Above ``place.DOT_LIMIT`` shapes viz computes every position itself; Graphviz would then only
draw, and for 10,000 shapes the drawing alone (quoting the DOT source, parsing it again, writing
SVG) costs seconds. This module draws the same ``Scene`` straight to SVG, in the look Graphviz
gives it, from the same style attributes:

- cards (``Mrecord``): a rounded box, one row per field, a line between rows;
- constants and word ops (``box``, ``rounded``): a small box; symbol ops (``circle``): a circle;
- borders: ``penwidth``, ``bold`` (at least 2), ``dashed`` / ``dotted``; fills when ``filled``;
- arrows: straight lines from border to border (what ``splines=line`` gives), a ``normal``
  arrowhead ``10 * arrowsize`` long, an optional label at the middle (``256``);
- tooltips as ``<title>`` elements (browsers show them on hover); the graph's caption at the
  bottom left.

Groups and classes are those of Graphviz's SVG (``<g class="node cr&#45;param">``), so
``viz.polish`` (bold names, dimmed row captions, ``<title>``/``<desc>``) works on both.
"""

from __future__ import annotations

import math
import re
from typing import Any

from . import place

_SPLIT = re.compile(r"(?<!\\)\|")
_UNESCAPE = re.compile(r"\\(.)")
ROUND = 9.0  # corner radius of a card, points (as Graphviz draws an Mrecord)


def svg(scene: Any, pos: dict[str, tuple[float, float]], graph: dict, node: dict, edge: dict,
        horizontal: bool = True) -> str:
    """The SVG of ``scene`` with node centres ``pos`` (points, y downwards); ``graph``,
    ``node`` and ``edge`` are the Digraph's default attributes."""
    nodes = [(n, {**node, **a}) for n, a in scene.all_nodes() if a and n in pos]
    size = {n: place.size(a, horizontal) for n, a in nodes}
    pad = float(graph.get("pad", 0.2)) * 72
    xs = [pos[n][0] - size[n][0] / 2 for n, _ in nodes] or [0.0]
    xe = [pos[n][0] + size[n][0] / 2 for n, _ in nodes] or [0.0]
    ys = [pos[n][1] - size[n][1] / 2 for n, _ in nodes] or [0.0]
    ye = [pos[n][1] + size[n][1] / 2 for n, _ in nodes] or [0.0]
    x0, y0 = min(xs) - pad, min(ys) - pad
    width, height = max(xe) + pad - x0, max(ye) + pad - y0
    label = str(graph.get("label", "") or "")
    font = graph.get("fontname", node.get("fontname", "Helvetica"))
    gsize = float(graph.get("fontsize", 11))
    if label:
        height += gsize * 1.6
        width = max(width, len(label) * place.CHAR * gsize + 2 * pad)
    out = ['<?xml version="1.0" encoding="UTF-8" standalone="no"?>',
           f'<svg width="{width:.0f}pt" height="{height:.0f}pt" viewBox="0.00 0.00 '
           f'{width:.2f} {height:.2f}" xmlns="http://www.w3.org/2000/svg" '
           'xmlns:xlink="http://www.w3.org/1999/xlink">',
           f'<g id="graph0" class="graph" transform="translate({-x0:.2f} {-y0:.2f})">',
           f'<rect x="{x0:.2f}" y="{y0:.2f}" width="{width:.2f}" height="{height:.2f}" '
           f'fill="{graph.get("bgcolor", "white")}"/>']
    circles = {n for n, a in nodes if a.get("shape") == "circle"}
    k = 0
    for a, b, attrs in scene.all_edges():
        if a not in size or b not in size or a == b:
            continue
        e = {**edge, **attrs}
        if "invis" in str(e.get("style", "")):
            continue
        k += 1
        out.append(_edge(k, a, b, e, pos, size, font, circles))
    for k, (n, a) in enumerate(nodes, start=1):
        out.append(f"<!-- {_xml(n)} -->")
        out.append(_node(k, n, a, pos[n], size[n], font, horizontal))
    if label:
        ink = graph.get("fontcolor", "black")
        out.append(f'<text x="{x0 + pad:.2f}" y="{y0 + height - pad:.2f}" font-family='
                   f'"{_xml(font)}" font-size="{gsize:.2f}" fill="{ink}">{_xml(label)}</text>')
    out += ["</g>", "</svg>", ""]
    return "\n".join(out)


def _xml(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def _stroke(a: dict) -> str:
    styles = set(str(a.get("style", "")).replace(" ", "").split(","))
    width = float(a.get("penwidth", 1.0))
    if "bold" in styles:
        width = max(width, 2.0)
    text = f'stroke="{a.get("color", "black")}" stroke-width="{width:g}"'
    if "dashed" in styles:
        text += ' stroke-dasharray="5,2"'
    elif "dotted" in styles:
        text += ' stroke-dasharray="1,5"'
    return text


def _text(x: float, y: float, text: str, a: dict, font: str) -> str:
    fs = float(a.get("fontsize", 14))
    return (f'<text text-anchor="middle" x="{x:.2f}" y="{y + 0.35 * fs:.2f}" font-family='
            f'"{_xml(str(a.get("fontname", font)))}" font-size="{fs:.2f}" '
            f'fill="{a.get("fontcolor", "black")}">{_xml(text)}</text>')


def _fields(label: str) -> list[str]:
    body = label.strip()
    if body.startswith("{") and body.endswith("}") and not body.endswith("\\}"):
        body = body[1:-1]
    return [_UNESCAPE.sub(r"\1", f.strip()) for f in _SPLIT.split(body)]


def _node(k: int, name: str, a: dict, centre, wh, font: str, horizontal: bool) -> str:
    cls = str(a.get("class", "")).strip()
    head = f'<g id="node{k}" class="node{" " + cls if cls else ""}">'.replace("cr-", "cr&#45;")
    parts = [head, f"<title>{_xml(str(a.get('tooltip') or name))}</title>"]
    styles = set(str(a.get("style", "")).replace(" ", "").split(","))
    fill = a.get("fillcolor", "lightgrey") if "filled" in styles else "none"
    stroke = _stroke(a)
    cx, cy = centre
    w, h = wh
    shape = a.get("shape", "ellipse")
    label = str(a.get("label", name))
    if shape == "circle":
        parts.append(f'<circle fill="{fill}" {stroke} cx="{cx:.2f}" cy="{cy:.2f}" '
                     f'r="{w / 2:.2f}"/>')
        parts.append(_text(cx, cy, _UNESCAPE.sub(r"\1", label), a, font))
    elif shape == "Mrecord":
        x, y = cx - w / 2, cy - h / 2
        parts.append(f'<rect fill="{fill}" {stroke} x="{x:.2f}" y="{y:.2f}" width="{w:.2f}" '
                     f'height="{h:.2f}" rx="{ROUND}"/>')
        fields = _fields(label)
        row = h / len(fields)
        for r, f in enumerate(fields):
            if r:
                parts.append(f'<polyline fill="none" {stroke} points="{x:.2f},{y + r * row:.2f}'
                             f' {x + w:.2f},{y + r * row:.2f}"/>')
            parts.append(_text(cx, y + (r + 0.5) * row, f, a, font))
    else:
        rx = ' rx="6"' if "rounded" in styles else ""
        parts.append(f'<rect fill="{fill}" {stroke} x="{cx - w / 2:.2f}" y="{cy - h / 2:.2f}" '
                     f'width="{w:.2f}" height="{h:.2f}"{rx}/>')
        parts.append(_text(cx, cy, _UNESCAPE.sub(r"\1", label), a, font))
    parts.append("</g>")
    return "\n".join(parts)


def _exit(wh, dx: float, dy: float, circle: bool) -> float:
    """How far from a node's centre a ray (dx, dy) (unit length) leaves its border."""
    w, h = wh
    if circle:
        return w / 2
    tx = (w / 2) / abs(dx) if dx else math.inf
    ty = (h / 2) / abs(dy) if dy else math.inf
    return min(tx, ty)


def _edge(k: int, a: str, b: str, e: dict, pos, size, font: str, circles: set) -> str:
    (xa, ya), (xb, yb) = pos[a], pos[b]
    dx, dy = xb - xa, yb - ya
    length = math.hypot(dx, dy) or 1.0
    ux, uy = dx / length, dy / length
    sa = _exit(size[a], ux, uy, a in circles)
    sb = _exit(size[b], ux, uy, b in circles)
    arrow = 10 * float(e.get("arrowsize", 1.0))
    half = 0.35 * arrow
    tip = (xb - ux * sb, yb - uy * sb)
    start = (xa + ux * sa, ya + uy * sa)
    base = (tip[0] - ux * arrow, tip[1] - uy * arrow)
    colour = e.get("color", "black")
    stroke = _stroke(e)
    title = str(e.get("tooltip") or f"{a}->{b}")
    parts = [f'<g id="edge{k}" class="edge">', f"<title>{_xml(title)}</title>",
             f'<path fill="none" {stroke} d="M{start[0]:.2f},{start[1]:.2f}L{base[0]:.2f},'
             f'{base[1]:.2f}"/>',
             f'<polygon fill="{colour}" stroke="{colour}" points="{tip[0]:.2f},{tip[1]:.2f} '
             f'{base[0] - uy * half:.2f},{base[1] + ux * half:.2f} '
             f'{base[0] + uy * half:.2f},{base[1] - ux * half:.2f}"/>']
    if e.get("label"):
        mx, my = (start[0] + base[0]) / 2, (start[1] + base[1]) / 2
        parts.append(_text(mx - uy * 8, my + ux * 8, str(e["label"]), e, font))
    parts.append("</g>")
    return "\n".join(parts)
