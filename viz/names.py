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
