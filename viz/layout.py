"""The graph model of a picture: which nodes are drawn, as what, in which module, under which id.

``Layout`` reads the graph once (nodes in forward order, their parents, names, roles, module
clusters, composite-function regions, folds) and answers the questions the painter (and the
interactive viewer) ask; it draws nothing itself. Its public, stable surface:

    nodes, parents, names, roles     per node index (forward order): the node, its parents'
                                     indices, its name in the picture, its role in ``style``
    groups                           module path -> ``clusters.Cluster`` at the drawn level
    owner                            node index -> the module path it belongs to
    closed                           True when modules are drawn as one card each
    regions                          node index -> ``scopes.Region`` (a composite drawn as a card)
    fold                             module path -> (the card's path, how many it stands for)
    drawn(i), op_id(i)               the drawn id of node i and of the op that made it
    boxes()                          drawn card id -> ('module', path) or ('scope', Region)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from . import clusters, fmt, names, naming, scopes, walk


class Reading:
    """What every level's ``Layout`` of one graph shares, read once: node indices, parents,
    children, the model's inputs (``x1``), roles, base names and the ``names.Namer``."""

    def __init__(self, nodes: list, root: Any, params: dict[int, str]) -> None:
        self.index = {id(n): i for i, n in enumerate(nodes)}
        self.parents = [[self.index[id(p)] for p in n.parents] for n in nodes]
        self.children: dict[int, list[int]] = {}
        for i, ps in enumerate(self.parents):
            for j in ps:
                self.children.setdefault(j, []).append(i)
        self.inputs = naming.inputs(nodes, self.parents, params)
        roles = [walk.role(n, root, params, bool(params)) for n in nodes]
        for i in self.inputs:
            roles[i] = "input"
        biases = walk.own_biases(nodes) if not params else {}  # b beside w.0, w.1: a parameter
        self.roles = [("param" if id(n) in biases else r) for n, r in zip(nodes, roles)]
        self.base = walk.names(nodes)
        self.namer = names.Namer(nodes, self.base, params, self.inputs)
        #: unlabelled constants, named by value as the picture shows them
        self.values = {i: naming.short_value(n) for i, n in enumerate(nodes)
                       if not n.parents and i not in self.inputs and not getattr(n, "label", "")}
        #: the leaves a closed picture may show once for all the modules they feed (by name)
        self.shared_leaves = [i for i, n in enumerate(nodes)
                              if self.roles[i] in ("const", "input") and not n.parents
                              and not fmt.is_tensor(n) and self.children.get(i)]


class Layout:
    """The graph model of one picture (see the module docstring). ``reading``: what the
    graph's levels share (``Reading``), made here when not given."""

    def __init__(self, nodes, root, params, groups, closed, horizontal, *, regions=None,
                 fold=False, counter_names=False, reading: Reading | None = None) -> None:
        self.nodes, self.root, self.params, self.closed = nodes, root, params, closed
        self.horizontal = horizontal
        self.reading = reading = reading or Reading(nodes, root, params)
        self.index, self.parents, self.inputs = reading.index, reading.parents, reading.inputs
        self.roles = reading.roles
        self.regions: dict[int, scopes.Region] = regions or {}
        self.groups = groups
        self.owner: dict[int, str] = {i: p for p, cl in groups.items() for i in cl.members}
        paths = sorted(groups, key=natural)
        self.box = {p: f"m{k}" for k, p in enumerate(paths)} if closed else {}
        self.merged: dict[int, str] = self._merge_constants() if closed else {}
        self.fold: dict[str, tuple[str, int]] = self._fold(paths) if closed and fold else {}
        for p, (rep, _) in self.fold.items():
            self.box[p] = self.box[rep]
        self.ids = self._ids()
        self.names: Sequence[str] = reading.base if counter_names else self._names()
        self.frame = self._frames()
        self.override: dict[int, Any] | None = None
        self.model: Any = None  # the nn.Module drawn, when given (its modules' sizes)

    # --- ids ---------------------------------------------------------------------------------

    def drawn(self, i: int) -> str:
        """The id that node i is drawn as (its module's or composite's card when closed)."""
        return self.ids[i]

    def op_id(self, i: int) -> str:
        """The id of the op node that made node i (its card's id when the op is inside one)."""
        return self.ids[i] if self.in_card(i) else f"o{i}"

    def in_card(self, i: int) -> bool:
        return (self.closed and i in self.owner) or i in self.regions

    def _ids(self) -> list[str]:
        """Each node's drawn id (``drawn``): a merged input's, its card's, else ``v<i>``."""
        out = [f"v{i}" for i in range(len(self.nodes))]
        for i, r in self.regions.items():
            out[i] = r.key
        if self.closed:
            for i, path in self.owner.items():
                out[i] = self.box[path]
        for i, did in self.merged.items():
            out[i] = did
        return out

    def boxes(self) -> dict[str, tuple[str, Any]]:
        out: dict[str, tuple[str, Any]] = {}
        for p, b in self.box.items():
            out.setdefault(b, ("module", self.fold.get(p, (p, 1))[0]))
        for r in self.regions.values():
            out.setdefault(r.key, ("scope", r))
        return out

    def folded(self, path: str) -> list[str]:
        """The module paths drawn as the card of ``path`` (itself, or its folded siblings)."""
        return [p for p, (r, _) in self.fold.items() if r == path] or [path]

    def count(self) -> int:
        """How many shapes the picture draws: distinct drawn ids and ops outside cards."""
        ids = set(self.ids)
        ids.update(f"o{i}" for i, ps in enumerate(self.parents) if ps and not self.in_card(i))
        return len(ids)

    # --- construction ------------------------------------------------------------------------

    def _merge_constants(self) -> dict[int, str]:
        """Closed pictures show each input once, however many neurons it feeds (by name)."""
        children = self.reading.children
        merged: dict[int, str] = {}
        by_key: dict[Any, str] = {}
        for i in self.reading.shared_leaves:
            if all(k in self.owner for k in children[i]):
                n = self.nodes[i]
                key = (self.inputs.get(i) or getattr(n, "label", ""), float(n.data))
                merged[i] = by_key.setdefault(key, f"v{i}")
        return merged

    def _fold(self, paths: list[str]) -> dict[str, tuple[str, int]]:
        """Identical sibling modules (same parent, parameters, activation, size and inputs)
        become one card: module path -> (the first sibling's path, their number)."""
        rep: dict[str, str] = {}
        first: dict[tuple, str] = {}
        for p in paths:
            cl = self.groups[p]
            inside = set(cl.members)
            ins = frozenset(
                self.merged.get(j) or (self.box[rep.get(self.owner[j], self.owner[j])]
                                       if j in self.owner else f"v{j}")
                for i in cl.members for j in self.parents[i] if j not in inside)
            sig = (parent_path(p), len(cl.params), cl.num_params(self.nodes), cl.activation(),
                   len(cl.members), len(cl.outputs), ins)
            rep[p] = first.setdefault(sig, p)
        counts: dict[str, int] = {}
        for r in rep.values():
            counts[r] = counts.get(r, 0) + 1
        return {p: (r, counts[r]) for p, r in rep.items() if counts[r] > 1}

    def _frames(self) -> dict[int, str]:
        """The module frame each node is drawn in: its module's, and for a constant that feeds
        one module only (an input number lifted inside a neuron), that module's too."""
        frame = dict(self.owner)
        if self.closed:
            return frame
        kids = self.reading.children
        for i, role in enumerate(self.roles):
            homes = {self.owner.get(k) for k in kids.get(i, [])}
            if role == "const" and len(homes) == 1 and None not in homes:
                frame[i] = homes.pop()
        return frame

    def card_name(self, key: str) -> str:
        """How an operand drawn inside card ``key`` is named: the module path or scope name."""
        kind, what = self.boxes()[key]
        if kind == "scope":
            return what.name
        count = self.fold.get(what, (what, 1))[1]
        return parent_path(what) if count > 1 else what

    def _names(self) -> names.LevelNames:
        """The names the stepper, the viewer and ``explain_backward`` print (``viz.names``):
        labels, ``x1`` for a number a model received, constants by value, results by module
        and op (``l0.n1.mul2``, ``l0.n1.out``, ``sub1``), the root ``output`` if unlabelled."""
        closing = {i for cl in self.groups.values() for i in cl.outputs
                   if getattr(self.nodes[i], "op_name", "") in clusters.ACTIVATIONS}
        # each made when read (a closed picture names a few nodes); a constant: its value
        return self.reading.namer.lazy(self.owner, closing, self.reading.values,
                                       lambda path: self.groups[path].members)

    # --- questions the painter asks ----------------------------------------------------------

    def highlight(self, highlight) -> tuple[set[int], set[int]]:
        if highlight is None:
            return set(), set()
        items = [highlight] if hasattr(highlight, "parents") else list(highlight)
        hl = set()
        for h in items:
            if id(h) not in self.index:
                raise ValueError(f"highlight: {h!r:.80} is not a node of this graph")
            hl.add(self.index[id(h)])
        path = set()
        for i, ps in enumerate(self.parents):  # forward order: parents are decided first
            if i in hl or any(j in path for j in ps):
                path.add(i)
        return hl, path

    def shades(self) -> dict[Any, float]:
        mags: dict[Any, float] = {}
        for i, n in enumerate(self.nodes):
            if n.requires_grad:
                mags[i] = fmt.magnitude(walk.grad_of(n))
        for p, cl in self.groups.items():
            outs = [mags.get(i, 0.0) for i in cl.outputs]
            mags[p] = max(outs) if outs else 0.0
        top = max((m for m in mags.values() if math.isfinite(m)), default=0.0)
        return {k: (math.sqrt(m / top) if top > 0 else 0.0) for k, m in mags.items()}


def parent_path(path: str) -> str:
    """``layers.0.neurons.3`` -> ``layers.0.neurons``: the list a module sits in."""
    head, _, last = path.rpartition(".")
    return head if last.isdigit() else path


def natural(path: str) -> list:
    """Sort key: ``layers.2`` before ``layers.10``."""
    return [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in path.split(".")]

