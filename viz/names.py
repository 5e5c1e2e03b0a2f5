"""Readable names for the viewer and the stepper: short module paths, ``x1``, op words.

A node's label is its name; an unlabelled node gets a name that says where it is and what
made it::

    layers.1.neurons.1.w.1          ->  l1.n1.w1        (a parameter: its path, shortened)
    the product w.1 * x in l1.n1    ->  l1.n1.mul2      (its module, its op, its place there)
    the module's activation         ->  l1.n1.out
    a plain number an MLP received  ->  x1, x2, ...     (the input it stands for)
    an unlabelled op outside models ->  sub1, tanh2     (the op and a count)
    the root, if unlabelled         ->  output          (a module's output keeps l1.n0.out)

The static pictures (``viz.layout``), the viewer, the stepper and ``explain_backward`` all use
these names, so a student sees one name per node in every view. Names built from the operands
(``relu(z)``, ``(a × 3) − 1``) were tried for the pictures: they repeat what the op node already
shows, grow without bound along a chain (``…²``), and make the stepper's equations say nothing
(``relu(z) = relu(z)``); a name by place and op is short, unique and says where the node is.

A path is shortened by keeping the first letter of each word that is followed by a list index
(``layers.0`` -> ``l0``) and writing a trailing ``w.1`` as ``w1``; ``short_path`` is the one
rule, used for names and for module titles alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

#: words for the ops written with a symbol (the rest are named by their op name: tanh, exp)
OP_WORDS = {"+": "add", "-": "sub", "*": "mul", "/": "div", "@": "matmul", "neg": "neg"}


def short_path(path: str, leaf: bool = False) -> str:
    """``layers.1.neurons.1`` -> ``l1.n1``; a parameter's name (``leaf``):
    ``layers.1.neurons.1.w.1`` -> ``l1.n1.w1``, ``layers.0.weight`` -> ``l0.weight``."""
    parts = path.split(".")
    out: list[str] = []
    k = 0
    while k < len(parts):
        word = parts[k]
        nxt = parts[k + 1] if k + 1 < len(parts) else ""
        if nxt.isdigit() and not word.isdigit():
            last = leaf and k + 2 >= len(parts)
            out.append((word if last else word[0]) + nxt)
            k += 2
        else:
            out.append(word)
            k += 1
    return ".".join(out)


def op_word(name: str) -> str:
    """A word for an op, usable in a name: ``*`` -> ``mul``, ``**2`` -> ``pow``, ``tanh``."""
    if name in OP_WORDS:
        return OP_WORDS[name]
    if name.startswith("**"):
        return "pow"
    word = "".join(ch for ch in name if ch.isalnum() or ch == "_")
    return word or "op"


def readable(nodes: list, base: list[str], owner: dict[int, str], params: dict[int, str],
             outputs: set[int], inputs: dict[int, str]) -> list[str]:
    """A readable name per node (see the module docstring).

    ``base`` are ``walk.names`` (labels kept as they are, unless a dotted parameter path);
    ``owner`` maps a node index to its module path; ``outputs`` are the nodes that close their
    module (named ``<module>.out``); ``inputs`` the names of a model's inputs (``x1``), from
    ``naming.inputs``. To name one graph at several levels, make its ``Namer`` once.
    """
    return Namer(nodes, base, params, inputs).names(owner, outputs)


class Namer:
    """What naming a graph's nodes needs whatever the level drawn, read once: the names that do
    not depend on modules (labels, ``x1``, constants) and the op word of every other node.
    ``names(owner, outputs)`` then names every node for one level (one pass, ``readable``)."""

    def __init__(self, nodes: list, base: list[str], params: dict[int, str],
                 inputs: dict[int, str]) -> None:
        self.base = base
        #: per node: its name when modules do not matter, else None (a result named by its op)
        self.fixed: list[str | None] = []
        #: per node: the word of the op that made it (for the nodes ``fixed`` leaves unnamed)
        self.words: dict[int, str] = {}
        for i, n in enumerate(nodes):
            label = str(getattr(n, "label", "") or "")
            if label:
                self.fixed.append(short_path(label, leaf=True)
                                  if (id(n) in params or "." in label) else label)
            elif i in inputs:
                self.fixed.append(inputs[i])
            elif not n.parents:
                self.fixed.append(base[i])  # a constant: its value
            else:
                self.fixed.append(None)
                self.words[i] = op_word(getattr(n, "op_name", "") or "op")
        #: every name a node has whatever the level (``lazy`` checks a made-up name against it)
        self.known = set(base).union(name for name in self.fixed if name is not None)
        #: made-up names ``module.word+count`` cannot meet unless a word ends in a digit or is
        #: 'out' (``mul1`` + count 1 = ``mul11``, as ``mul`` + 11; ``out`` + '' = ``m.out``)
        self.plain_words = not any(w[-1].isdigit() or w == "out" for w in self.words.values())

    def names(self, owner: dict[int, str], outputs: set[int]) -> list[str]:
        """Every node's name when its module is ``owner[i]`` and ``outputs`` close modules."""
        taken = set(self.base)
        last = len(self.fixed) - 1
        prefixes: dict[str, str] = {"": ""}
        counts: dict[tuple[str, str], int] = {}
        totals: dict[tuple[str, str], int] = {}
        for i, word in self.words.items():
            key = (owner.get(i, ""), word)
            totals[key] = totals.get(key, 0) + 1
        out: list[str] = []
        for i, name in enumerate(self.fixed):
            if name is None:
                mod = owner.get(i, "")
                prefix = prefixes.get(mod)
                if prefix is None:
                    prefix = prefixes[mod] = short_path(mod) + "."
                if i in outputs and mod:
                    name = prefix + "out"
                elif i == last and not mod:
                    name = "output" if "output" not in taken else "output'"
                else:
                    key = (mod, self.words[i])
                    counts[key] = counts.get(key, 0) + 1
                    k = "" if totals[key] == 1 and mod else str(counts[key])
                    name = prefix + key[1] + k
                    while name in taken:
                        name += "'"
            out.append(name)
            taken.add(name)
        return out

    def lazy(self, owner: dict[int, str], outputs: set[int],
             values: dict[int, str] | None = None,
             members: Callable[[str], Iterable[int]] | None = None) -> LevelNames:
        """The names ``names(owner, outputs)`` gives (``values`` over them), each made when it
        is first read (``LevelNames``)."""
        return LevelNames(self, owner, outputs, values, members)


class LevelNames(Sequence):
    """One level's names (``Namer.names``), each made when read: a closed picture shows few
    nodes outside its cards, and naming every node was half the cost of laying out a level.

    A made-up name is ``prefix + word + count`` (the module's short path, the op's word, the
    node's place among its module's nodes made by that op). ``Namer.names`` adds a prime when
    the name is taken by a node before it; here the name is known untaken, without naming the
    nodes before it, when no label, input or constant has it (``Namer.known``), no two of the
    level's modules share a short path and no op word ends in a digit or is 'out': then no
    other made-up name can spell it. Otherwise every name is made at once, as
    ``Namer.names`` makes them.
    """

    def __init__(self, namer: Namer, owner: dict[int, str], outputs: set[int],
                 values: dict[int, str] | None = None,
                 members: Callable[[str], Iterable[int]] | None = None) -> None:
        self.namer, self.owner, self.outputs = namer, owner, outputs
        self.values = values or {}  # names given over the rule's (constants by value)
        self.members = members  # module path -> its nodes (a superset), else read from owner
        self.prefixes: dict[str, str] = {"": ""}
        mods = set(owner.values())
        shorts = {short_path(m) for m in mods}
        self.safe = namer.plain_words and len(shorts) == len(mods) and "" not in mods
        self._made: dict[tuple[str, str], list[int]] = {}
        self._all: list[str] | None = None

    def __len__(self) -> int:
        return len(self.namer.fixed)

    def __getitem__(self, i: int) -> str:  # type: ignore[override]  # one index, no slices
        if i < 0:
            i += len(self)
        if i in self.values:
            return self.values[i]
        if self._all is not None:
            return self._all[i]
        namer = self.namer
        name = namer.fixed[i]
        if name is not None:
            return name
        mod = self.owner.get(i, "")
        prefix = self.prefixes.get(mod)
        if prefix is None:
            prefix = self.prefixes[mod] = short_path(mod) + "."
        if i in self.outputs and mod:
            return prefix + "out"
        if i == len(namer.fixed) - 1 and not mod:
            return "output" if "output" not in namer.known else "output'"
        word = namer.words[i]
        same = self._same(mod, word)
        rank = 1 + sum(1 for j in same if j < i and not (j in self.outputs and mod)
                       and not (j == len(namer.fixed) - 1 and not mod))
        name = prefix + word + ("" if len(same) == 1 and mod else str(rank))
        if self.safe and name not in namer.known:
            return name
        self._all = namer.names(self.owner, self.outputs)  # a name may be taken: all of them
        return self._all[i]

    def _same(self, mod: str, word: str) -> list[int]:
        """The nodes of module ``mod`` (``''``: outside modules) made by op ``word``, in order."""
        key = (mod, word)
        if key not in self._made:
            words, owner = self.namer.words, self.owner
            if not mod:
                inside = [j for j in words if j not in owner]
            elif self.members is not None:
                inside = [j for j in self.members(mod) if owner.get(j) == mod]
            else:
                inside = [j for j, m in owner.items() if m == mod]
            self._made[key] = sorted(j for j in inside if words.get(j) == word)
        return self._made[key]


def relative(name: str, module: str) -> str:
    """``l1.n1.w1`` seen from inside ``l1.n1`` is ``w1``: drop the shared module prefix."""
    if module and name.startswith(module + "."):
        return name[len(module) + 1:]
    return name


def kind(path: str) -> str:
    """What a module is called by the list it sits in: ``layers.1.neurons.0`` -> ``neuron``,
    ``layers.1`` -> ``layer``; ``''`` when its last step is not a list entry (``fc1``, ``0``)."""
    parts = path.split(".")
    if len(parts) < 2 or not parts[-1].isdigit() or parts[-2].isdigit():
        return ""
    word = parts[-2]
    return word[:-1] if word.endswith("s") and len(word) > 1 else word


def title(root: Any, name: str, module: str = "") -> str:
    """How a page or a picture is titled by its root, for a student: the root's own label when
    it has one (``loss``, ``y``) or the name it was given (``output``, ``cross-entropy``), and
    for an unlabelled result of a module the module's role, ``the output of neuron l1.n0``
    instead of the internal name ``l1.n0.add3`` (which pages keep on hover). ``module`` is the
    dotted path of the module the root belongs to (``''`` outside any)."""
    if getattr(root, "label", "") or not module or not getattr(root, "parents", ()):
        return name
    what = kind(module)
    return f"the output of {what + ' ' if what else ''}{short_path(module)}"
