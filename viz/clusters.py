"""Grouping a model's graph by module: the clusters of nodes drawn as one neuron or layer card.

Which module each node belongs to is decided once per graph by the rules of ``viz.membership``;
a *level* (``viz.levels``) then maps each module path to the card that draws it (``layers.0``
for ``layers.0.neurons.3`` at the layer level), and ``collect`` gathers the clusters of that
level, so every level of one graph shares one pass of the rules.

A module's *output* is a member used outside the module (or the root) that is not parameter-only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import fmt, membership
from .membership import ACTIVATIONS, PRODUCTS, SUMS, WEIGHTED_SUMS, module_path
from .walk import grad_of

__all__ = ["ACTIVATIONS", "PRODUCTS", "SUMS", "WEIGHTED_SUMS", "Cluster", "assign", "collect",
           "declared_activations", "in_out", "layer_path", "module_path", "output_text", "resolve"]


def layer_path(path: str) -> str:
    """``layers.0.neurons.3`` -> ``layers.0``: the path cut after its first list index."""
    parts = path.split(".")
    for i, p in enumerate(parts):
        if p.isdigit():
            return ".".join(parts[: i + 1])
    return path


@dataclass
class Cluster:
    """One module's part of the graph."""

    path: str
    members: list[int] = field(default_factory=list)  # node indices, forward order
    params: list[int] = field(default_factory=list)
    outputs: list[int] = field(default_factory=list)
    activations: list[str] = field(default_factory=list)
    _sized: tuple = field(default=(None, 0), repr=False, compare=False)  # (nodes, count)

    def num_params(self, nodes: list) -> int:
        if self._sized[0] is not nodes:  # counted once per graph: every card asks, every level
            self._sized = (nodes, sum(int(np.size(nodes[i].data)) for i in self.params))
        return self._sized[1]

    def activation(self) -> str:
        return "/".join(dict.fromkeys(self.activations)) or "linear"

    def describe(self, nodes: list) -> str:
        """A module card's second line (static pictures, viewer and stepper alike): its products
        in forward order (``linear`` for weighted sums: ``w * x`` summed, ``x @ W.T``, the fused
        ``linear`` op; else the op's name), its activation, its parameter count:
        ``conv2d \u2192 relu \u00b7 80 params``; ``linear \u00b7 4 params`` without activation."""
        n = self.num_params(nodes)
        ops_ = (getattr(nodes[i], "op_name", "") for i in self.members)
        steps = ["/".join(dict.fromkeys("linear" if op in WEIGHTED_SUMS else op
                                        for op in ops_ if op in PRODUCTS)),
                 "/".join(dict.fromkeys(self.activations))]
        what = " \u2192 ".join(step for step in steps if step) or self.activation()
        return f"{what} \u00b7 {n} param{'s' * (n != 1)}"


def resolve(model: Any, path: str) -> Any:
    """The module at a dotted path of ``model`` (None if there is none)."""
    obj = model
    for part in path.split(".") if path else ():
        try:
            obj = obj[int(part)] if part.isdigit() else getattr(obj, part)
        except (AttributeError, IndexError, KeyError, TypeError, ValueError):
            return None
    return obj


def declared_activations(model: Any, paths: Any) -> dict[str, str]:
    """Module path -> the activation the model says it applies ('linear' for none), where known.

    Read from the module's own ``activation`` attribute (an nn ``Neuron`` or ``Layer``), else, for
    a layer of a model with ``layers`` and ``activation`` (an nn ``MLP`` on tensors): every layer
    applies the model's activation but the last, which is linear.
    """
    out: dict[str, str] = {}
    layers = getattr(model, "layers", None)
    model_act = getattr(model, "activation", None)
    for path in paths:
        act = getattr(resolve(model, path), "activation", None)
        if not isinstance(act, str) and isinstance(model_act, str) and layers is not None:
            parts = path.split(".")
            if len(parts) >= 2 and parts[0] == "layers" and parts[1].isdigit():
                act = "linear" if int(parts[1]) == len(layers) - 1 else model_act
        if isinstance(act, str):
            out[path] = act
    return out


def assign(
    nodes: list, params: dict[int, str], level: str = "neuron", declared: dict | None = None,
    key: Callable[[str], str] | None = None,
) -> dict[str, Cluster]:
    """Cluster path -> Cluster, for the nodes in forward order (see ``viz.membership``).

    ``level`` 'neuron' keeps each parameter's own module, 'layer' cuts paths to ``layer_path``;
    ``key`` (module path -> cluster path) replaces both (``levels.Level.key``). To cluster one
    graph at several levels, call ``membership.find`` once and ``collect`` per level.
    """
    if level not in ("neuron", "layer"):
        raise ValueError(f"cluster level must be 'neuron' or 'layer', not {level!r}")
    if key is None:
        key = (lambda c: c) if level == "neuron" else layer_path
    return collect(membership.find(nodes, params, declared), key)


def collect(found: membership.Membership, key: Callable[[str], str]) -> dict[str, Cluster]:
    """The clusters of one level: ``key`` maps a node's module path to its card's path."""
    nodes, parents, member, pure, params = (found.nodes, found.parents, found.member,
                                            found.pure, found.params)
    cards = {p: key(p) for p in set(member.values())}  # a level's key, once per module
    card = {i: cards[p] for i, p in member.items()}
    clusters: dict[str, Cluster] = {}
    for i in sorted(card):
        path = card[i]
        cl = clusters.setdefault(path, Cluster(path))
        cl.members.append(i)
        if id(nodes[i]) in params:
            cl.params.append(i)
        if i in found.closed:
            cl.activations.append(nodes[i].op_name)
    used_outside: set[int] = {len(nodes) - 1}  # the root counts as used
    for i, ps in enumerate(parents):
        mine = card.get(i)
        for j in ps:
            if j in card and card[j] != mine:
                used_outside.add(j)
    for cl in clusters.values():
        cl.outputs = [i for i in cl.members if i in used_outside and i not in pure]
    return clusters


def output_text(cl: Cluster, nodes: list, grads: bool) -> tuple[str, str | None]:
    """The summary of a cluster's output(s): (data text, grad text or None)."""
    outs = [nodes[i] for i in cl.outputs]
    if not outs:
        return "-", None
    if len(outs) == 1:
        n = outs[0]
        if fmt.is_tensor(n):
            g = grad_of(n)
            return fmt.array(n.data), (fmt.array(g) if grads and g is not None else "-")
        return fmt.num(n.data), (fmt.num(grad_of(n)) if grads else "-")
    data = np.array([np.mean(n.data) for n in outs], dtype=np.float64)
    g = np.array([np.mean(grad_of(n)) if grad_of(n) is not None else np.nan for n in outs])
    return fmt.array(data), (fmt.array(g) if grads else "-")


def in_out(cl: Cluster, nodes: list, parents: list[list[int]], same=lambda j: j,
           module: Any = None) -> str:
    """``(4, 2) -> (4, 16)`` (tensor shapes), else ``2 -> 16``: the module's own
    ``in_features``/``out_features`` when it has them (per sample), else the numbers drawn."""
    inside = set(cl.members)
    firsts: dict = {}  # one per input: a number merged for every neuron counts once
    for i in cl.members:
        for j in parents[i]:
            if j not in inside:
                firsts.setdefault(same(j), j)
    ins = list(firsts.values())
    outs = [nodes[i] for i in cl.outputs]
    if any(fmt.is_tensor(nodes[j]) for j in ins) or any(fmt.is_tensor(n) for n in outs):
        left = ", ".join(fmt.shape(nodes[j]) for j in ins) or "()"
        right = ", ".join(fmt.shape(n) for n in outs) or "()"
        return f"{left} \u2192 {right}"
    sizes = getattr(module, "in_features", None), getattr(module, "out_features", None)
    if all(isinstance(k, int) for k in sizes):
        return f"{sizes[0]} \u2192 {sizes[1]}"
    return f"{len(ins)} \u2192 {len(outs)}"
