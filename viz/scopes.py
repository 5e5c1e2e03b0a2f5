"""Composite functions as one card: the regions that ``autograd.scope`` marks ("cross-entropy").

A function decorated with ``scope.named("cross-entropy")`` marks the node it returns; the nodes
its call created are ``scope.region(node)`` (see ``chainrule.autograd.scope``). A picture draws
each outermost region as one card named after the function, reading ``data``/``grad`` of its
output; ``expand=True`` (or a list of scope names) draws the primitive ops instead.

Only nodes of the engine carry scope marks; other node types (a bridged PyTorch graph) simply
have none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from chainrule.autograd import scope


@dataclass
class Region:
    """One closed composite call: its name, its output (node index) and every member."""

    key: str  # the card's drawn id, ``s0, s1, ...`` in forward order of the outputs
    name: str
    output: int
    members: list[int] = field(default_factory=list)
    inputs: int = 0


def regions(nodes: list, expand: Any = False) -> dict[int, Region]:
    """Node index -> the closed region it belongs to (outermost regions; inner ones vanish).

    ``expand``: False (every region closed), True (none), or the scope names to open.
    """
    if expand is True:
        return {}
    opened = set() if expand in (False, None) else {str(n) for n in expand}
    index = {id(n): i for i, n in enumerate(nodes)}
    users: dict[int, set[int]] = {}
    for i, n in enumerate(nodes):
        for p in n.parents:
            users.setdefault(index[id(p)], set()).add(i)
    owner: dict[int, Region] = {}
    found: list[Region] = []
    for i in range(len(nodes) - 1, -1, -1):  # outputs of outer calls come later: see them first
        s = scope.scope_of(nodes[i])
        if s is None or i in owner or s.name in opened:
            continue
        inside = {index[id(n)] for n in scope.region(nodes[i]) if id(n) in index}
        # the engine shares equal constants: one also used outside the call stays outside
        members = sorted(m for m in inside if nodes[m].parents or users.get(m, set()) <= inside)
        if len(members) < 2 or any(m in owner for m in members):
            continue  # one op is drawn as itself; a region overlapping a closed one stays open
        r = Region("", s.name, i, members, len(s.inputs))
        found.append(r)
        for m in members:
            owner[m] = r
    for k, r in enumerate(sorted(found, key=lambda r: r.output)):
        r.key = f"s{k}"
    return owner
