"""How a model prints: a nested repr like PyTorch's, and ``summary()``, a table of its layers.

    >>> from chainrule import nn
    >>> print(nn.MLP(2, [16, 16, 1]))
    MLP(
      2 -> [16, 16, 1], activation='relu', engine='scalar'
      (layers.0): Layer(
        2 -> 16, relu
        (neurons.0-15): 16 x Neuron(2, relu)
      )
      ...

Runs of identical children (the 16 neurons of a layer) are shown once, with their count.
"""

from __future__ import annotations

from typing import Any

# Every function takes a module (``nn.Module``, or anything with its ``named_children``,
# ``extra_repr`` and ``num_parameters``) and imports none: ``module.py`` builds on this file.


def module_repr(m: Any) -> str:
    """``Name(settings)``, or ``Name(`` with the settings and one line per child, indented."""
    extra = m.extra_repr()
    children = list(m.named_children())
    name = type(m).__name__
    if not children:
        return f"{name}({extra})"
    lines = [f"{name}("]
    if extra:
        lines.append("  " + extra)
    for label, text in _compress(children):
        body = text.replace("\n", "\n  ")
        lines.append(f"  ({label}): {body}")
    lines.append(")")
    return "\n".join(lines)


def _compress(children: list[tuple[str, Any]]) -> list[tuple[str, str]]:
    """Merge consecutive children of a list with the same repr: ``(neurons.0-15): 16 x ...``."""
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(children):
        name, m = children[i]
        text = repr(m)
        base, _, idx = name.rpartition(".")
        j = i + 1
        if idx.isdigit():
            while j < len(children):
                nb, _, nidx = children[j][0].rpartition(".")
                if nb != base or not nidx.isdigit() or repr(children[j][1]) != text:
                    break
                j += 1
        if j - i > 1:
            last = children[j - 1][0].rpartition(".")[2]
            out.append((f"{name}-{last}", f"{j - i} x {text}"))
        else:
            out.append((name, text))
        i = j
    return out


def _rows(m: Any, name: str) -> list[tuple[str, Any]]:
    """The layers to list: modules with an output size (``out_features``) or no sub-modules."""
    out = []
    for child_name, child in m.named_children(name):
        if hasattr(child, "out_features") or not any(child.named_children()):
            out.append((child_name, child))
        else:
            out.append(("", child))  # a container: list what it holds instead
            out.extend(_rows(child, child_name))
    return [r for r in out if r[0]]


def summary(model: Any) -> str:
    """A table: each layer's name, what it is, its output size per sample and its parameters.

    The last line is the total, which equals ``model.num_parameters()``.
    """
    header = ("layer", "type", "output", "params")
    table: list[tuple[str, ...]] = []
    for name, m in _rows(model, ""):
        out = getattr(m, "out_features", None)
        extra = m.extra_repr()
        count = m.num_parameters()
        shown = "-" if out is None else str(out)
        table.append((name, f"{type(m).__name__}({extra})", shown, f"{count:,}"))
    total = model.num_parameters()
    widths = [max(len(r[i]) for r in [header, *table]) for i in range(4)]
    width_total = sum(widths) + 6

    def fmt(r: tuple[str, ...]) -> str:
        return "  ".join(
            c.rjust(w) if i >= 2 else c.ljust(w)
            for i, (c, w) in enumerate(zip(r, widths, strict=True))
        ).rstrip()

    title = f"{type(model).__name__}({model.extra_repr()})"
    lines = [title, "=" * max(width_total, len(title)), fmt(header), "-" * width_total]
    lines += [fmt(r) for r in table]
    lines += ["-" * width_total, f"total parameters: {total:,}"]
    return "\n".join(lines)

