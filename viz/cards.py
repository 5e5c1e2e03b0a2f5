"""The text and look of each node: value cards, module cards, op nodes (records, escaped)."""

from __future__ import annotations

from typing import Any

import numpy as np

from . import clusters, fmt, layout, style, walk


def pad(text: str, bold: bool = False) -> str:
    """``text`` with room to spare: Graphviz sizes a box from its own estimate of the text's
    width, which runs 8-12% narrower than browsers draw Helvetica/Arial; the padding (no-break
    spaces, which Graphviz keeps) stops long numbers from touching or crossing the border."""
    n = round(0.06 * len(text)) + (2 if bold else 0)
    return "\u00a0" * n + text + "\u00a0" * n if n else text


def record(lay: Any, fields: list[str]) -> str:
    """The record label: one field per row (LR) or column (TB); the widest fields padded (the
    card is as wide as its widest field), the title more, as it is set in bold later."""
    widest = max(len(f) for f in fields)
    fields = [pad(f, bold=k == 0) if len(f) >= widest - 2 else f for k, f in enumerate(fields)]
    body = " | ".join(esc(f) for f in fields)
    return body if lay.horizontal else "{" + body + "}"


def card(lay: Any, i: int, show_data, grad_row, grads) -> dict:
    n, role = lay.nodes[i], lay.roles[i]
    attrs = dict(style.ROLES[role], **{"class": f"cr-{role}"})
    tensor = fmt.is_tensor(n)
    if role == "const":
        attrs.update(label=esc(pad(fmt.array(n.data) if tensor else fmt.num(n.data))),
                     tooltip=tip(n, "constant"))
        return attrs
    name = lay.names[i]  # the name the viewer, the stepper and explain_backward print
    fields = [name]
    if tensor:
        fields.append(fmt.shape_dtype(n))
    if show_data and not (tensor and role == "input" and np.size(n.data) > fmt.MAX_LISTED):
        fields.append("data " + (fmt.array(n.data) if tensor else fmt.num(n.data)))
    if grad_row and n.requires_grad:
        g = walk.grad_of(n) if grads else None
        if lay.override is not None:
            g = lay.override.get(i)
        text = "-" if g is None else (fmt.array(g) if tensor else fmt.num(g))
        fields.append("grad " + text)
    attrs.update(label=record(lay, fields),
                 tooltip=tip(n, lay.names[i], lay.override is None))
    if not getattr(n, "label", "") and i not in lay.inputs:
        attrs["class"] += " cr-auto"  # a name viz made up: drawn in grey italics
    return attrs


def module_card(lay: Any, path: str, grads: bool, grad_row: bool) -> dict:
    """A closed module (or ``count`` identical siblings folded into one): its name, activation,
    parameter count, ``in -> out`` sizes (shapes for tensors), and its output and grad."""
    cl = lay.groups[path]
    count = lay.fold.get(path, (path, 1))[1]
    siblings = [lay.groups[p] for p in lay.folded(path)]
    n = cl.num_params(lay.nodes)
    whole = type(lay.model).__name__ if lay.model is not None else "model"
    title = f"{layout.parent_path(path)} \u00d7 {count}" if count > 1 else (path or whole)
    each = " each" if count > 1 else ""
    fields = [title, cl.describe(lay.nodes) + each,
              clusters.in_out(cl, lay.nodes, lay.parents, lambda j: lay.merged.get(j, j),
                            clusters.resolve(lay.model, path) if lay.model else None) + each]
    if count > 1:
        merged = clusters.Cluster(path, outputs=[i for c in siblings for i in c.outputs])
        data, grad = clusters.output_text(merged, lay.nodes, grads)
    else:
        data, grad = clusters.output_text(cl, lay.nodes, grads)
    tensor = any(fmt.is_tensor(lay.nodes[i]) for i in cl.outputs)
    if not tensor:
        fields.append("out " + data)
        if grad_row and grad is not None:
            fields.append("grad " + grad)
    tip_text = (f"{path}: {sum(len(c.members) for c in siblings)} nodes, {n * count} "
                f"parameters, output {data}")
    if grad is not None:
        tip_text += f", grad {grad}"
    attrs = dict(style.ROLES["module"], label=record(lay, fields), tooltip=tip_text,
                 **{"class": "cr-module"})
    return attrs


def scope_card(lay: Any, r: Any, grads: bool, grad_row: bool) -> dict:
    """A composite function's call (``scope.named``) as one card: its name, value and grad."""
    out = lay.nodes[r.output]
    label = getattr(out, "label", "") or ""
    title = r.name if str(label) == r.name else f"{label} = {r.name}"
    tensor = fmt.is_tensor(out)
    fields = [title, f"{len(r.members)} nodes"]
    fields.append("data " + (fmt.array(out.data) if tensor else fmt.num(out.data)))
    if grad_row and out.requires_grad:
        g = walk.grad_of(out) if grads else None
        fields.append("grad " + ("-" if g is None else fmt.array(g) if tensor else fmt.num(g)))
    role = "output" if out is lay.root else "scope"
    attrs = dict(style.ROLES[role], label=record(lay, fields), **{"class": f"cr-{role} cr-scope"})
    attrs.update(tooltip=f"{r.name}: one call, {len(r.members)} nodes "
                 "(expand=True draws them)")
    return attrs


def esc(text: str) -> str:
    """Escape the characters that Graphviz records treat as structure."""
    out = text.replace("\\", "\\\\")
    for ch in "{}|<>\"":
        out = out.replace(ch, "\\" + ch)
    return out


def tip(n: Any, name: str, with_grad: bool = True) -> str:
    if fmt.is_tensor(n):
        text = f"{name}: {fmt.shape_dtype(n)}"
    else:
        text = f"{name} = {fmt.full(n.data)}"
        g = walk.grad_of(n)
        if with_grad and n.requires_grad and g is not None:
            text += f"; grad = {fmt.full(g)}"
    return text.replace("\\", "\\\\").replace('"', "'")


def op_tooltip(lay: Any, i: int) -> str:
    """An op's hover text: the equation with the picture's names (which operand is which, for a
    subtraction) and the op's derivative rule (its docstring's first line)."""
    n = lay.nodes[i]
    doc = (type(n.op).__doc__ or n.op_name or "").strip().splitlines()
    rule = doc[0] if doc else n.op_name
    equation = getattr(n.op, "equation", None)  # PyTorch's nodes (viz.torch_graph) have none
    if equation is None:
        return rule.replace("\\", "\\\\").replace('"', "'")
    text = equation(lay.names[i], [lay.names[j] for j in lay.parents[i]])
    return f"{text}  [{rule}]".replace("\\", "\\\\").replace('"', "'")
