"""``explain_backward``: the backward pass as text, a line per chain-rule step, with numbers."""

from __future__ import annotations

from typing import Any

from . import fmt
from .graphmodel import graph_model, node_modules
from .steps import backward_steps

WHY = (
    "Why this order: a node may pass its gradient on only once it is complete, and it is\n"
    "complete only after every node that uses it has added its share (the chain rule sums over\n"
    "all paths). Visiting the nodes in reverse topological order (every user before what it\n"
    "uses) guarantees that."
)  # the stepper shows the same paragraph



def explain_backward(root: Any, *, model: Any = None) -> str:
    """The backward pass from ``root`` as text, in the order it runs.

    It lists the topological order first (and why), then one step per node: how the node was
    computed, its op's derivative rule, and for each input the chain rule with the numbers::

        step 3  n = x1 * w1                     [a * b;  d/da = b,  d/db = a]
                x1.grad += n.grad * w1 = 0.5 * -0.5 = -0.25

    An input used several times gets one line per use, marked ``(use 1 of 2)``, and its running
    total. Nothing is changed: ``.grad`` fields are left alone (the numbers are computed from
    the same derivative rules ``backward()`` runs, so they agree with it).

    Names and order are the stepper's (``animate_backward`` with the same ``model``): labels,
    ``x1`` for a number a model received, short module paths (``l1.n0.w2``), results by module
    and op (``l1.n0.mul2``, ``l1.n0.out``), and a module's steps kept together.
    """
    m = graph_model(root, model=model, depth=None, show_grad=False)
    p = backward_steps(root, [n["name"] for n in m["nodes"]], node_modules(m))
    names, nodes = p.names, p.nodes
    root_name = names[p.order[0]]
    lines = [f"Backward pass from {root_name}, in the order it runs.", ""]
    lines.append(f"Topological order ({root_name} first): "
                 + ", ".join(names[i] for i in p.order))
    lines += [WHY, ""]
    seed = fmt.array(p.seed) if fmt.is_tensor(root) else fmt.short(p.seed)
    lines.append(f"step 0  {root_name}.grad = {seed}   (the seed: d{root_name}/d{root_name} = 1)")
    width = max((len(s.equation) for s in p.steps), default=0)
    for k, step in enumerate(p.steps, start=1):
        lines.append(f"step {k:<2} {step.equation:<{width}}   [{step.rule}]")
        for c in step.contributions:
            text = f"{names[c.parent]}.grad += {c.formula} = {c.numbers}"
            if c.uses > 1:
                total = fmt.array(c.total) if fmt.is_tensor(nodes[c.parent]) else fmt.short(c.total)
                done = "complete" if c.use == c.uses else "so far"
                text += f"   (use {c.use} of {c.uses}; {names[c.parent]}.grad = {total} {done})"
            lines.append("        " + text)
    lines.append("")
    leaves = [i for i in reversed(p.order) if not nodes[i].parents]
    if leaves:
        parts = []
        for i in leaves:
            g = p.grads.get(i)
            parts.append(f"{names[i]}.grad = "
                         + (fmt.array(g) if fmt.is_tensor(nodes[i]) else fmt.short(g)))
        lines.append("Result: " + ", ".join(parts))
    return "\n".join(lines) + "\n"
