"""Where each node of a picture goes: its drawn id, its module frame, what is highlighted.

``Layout`` reads the graph once (nodes in forward order, their parents, names, roles, module
clusters) and answers the questions the painter asks; it draws nothing itself.
"""

from __future__ import annotations

import math
from typing import Any

from . import fmt, walk


class Layout:
    """The placement of a graph's nodes in a picture (see the module docstring)."""

    def __init__(self, nodes, root, params, groups, collapse, horizontal) -> None:
        self.nodes, self.root, self.params, self.collapse = nodes, root, params, collapse
        self.horizontal = horizontal
        self.index = {id(n): i for i, n in enumerate(nodes)}
        self.parents = [[self.index[id(p)] for p in n.parents] for n in nodes]
        self.names = walk.names(nodes)
        self.roles = [walk.role(n, root, params, bool(params)) for n in nodes]
        self.groups = groups
        self.owner: dict[int, str] = {i: p for p, cl in groups.items() for i in cl.members}
        paths = sorted(groups, key=natural)
        self.box = {p: f"m{k}" for k, p in enumerate(paths)} if collapse else {}
        self.merged: dict[int, str] = self._merge_constants() if collapse else {}
        self.frame = self._frames()
        self.override: dict[int, Any] | None = None

    def drawn(self, i: int) -> str:
        """The id that node i is drawn as (its module's card when collapsed)."""
        if i in self.merged:
            return self.merged[i]
        if self.collapse and i in self.owner:
            return self.box[self.owner[i]]
        return f"v{i}"

    def op_id(self, i: int) -> str:
        return self.drawn(i) if self.collapse and i in self.owner else f"o{i}"

    def _merge_constants(self) -> dict[int, str]:
        """Collapsed pictures show each input number once, however many neurons it feeds."""
        children = self._children()
        merged: dict[int, str] = {}
        by_value: dict[float, str] = {}
        for i, n in enumerate(self.nodes):
            kids = children.get(i, [])
            if self.roles[i] == "const" and not fmt.is_tensor(n) and kids and all(
                k in self.owner for k in kids
            ):
                merged[i] = by_value.setdefault(float(n.data), f"v{i}")
        return merged

    def _children(self) -> dict[int, list[int]]:
        kids: dict[int, list[int]] = {}
        for i, ps in enumerate(self.parents):
            for j in ps:
                kids.setdefault(j, []).append(i)
        return kids

    def _frames(self) -> dict[int, str]:
        """The module frame each node is drawn in: its module's, and for a constant that feeds
        one module only (an input number lifted inside a neuron), that module's too."""
        frame = dict(self.owner)
        if self.collapse:
            return frame
        kids = self._children()
        for i, role in enumerate(self.roles):
            homes = {self.owner.get(k) for k in kids.get(i, [])}
            if role == "const" and len(homes) == 1 and None not in homes:
                frame[i] = homes.pop()
        return frame

    def count(self) -> int:
        ids = {self.drawn(i) for i in range(len(self.nodes))}
        ids.update(self.op_id(i) for i, ps in enumerate(self.parents) if ps)
        return len(ids)

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


def natural(path: str) -> list:
    """Sort key: ``layers.2`` before ``layers.10``."""
    return [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in path.split(".")]
