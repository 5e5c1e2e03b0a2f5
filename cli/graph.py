"""``chainrule graph EXPR NAME=NUMBER ...``: draw an expression's graph and its backward pass.

    chainrule graph "tanh(x*w + b)" x=2 w=-0.5 b=0.1 -o graph.svg --backward --explain

The expression is parsed by ``expr.py`` (a whitelist of operators and the engine's functions, never
``eval``), built with ``Value``, optionally backpropagated, and drawn by ``viz``. Errors print one
line and exit with status 2, whatever the input (the tests feed it arbitrary text).

Drawing is bounded twice, so the command always answers within seconds: a graph of more than
``--max-nodes`` values is refused before any layout starts, and the layout and writing run in a
child process stopped after ``--timeout`` seconds (see ``deadline.py``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from chainrule import viz
from chainrule.autograd import Value
from chainrule.viz.walk import forward_order

from . import expr, fail
from .deadline import DeadlineError, within
from .expr import ExprError, short

MAX_NODES = 150  # values in the graph; a wide graph this size lays out in a few seconds
TIMEOUT = 10.0  # seconds for the layout and the files
# the options that take a value: the token after them is never the expression
_VALUED = ("-o", "--output", "--animate", "--name", "--rankdir", "--max-nodes", "--timeout")


class _Parser(argparse.ArgumentParser):
    """argparse, with errors on one line (the usage is one --help away)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        hint = ""
        if "unrecognized arguments: -" in message:
            hint = "; an expression starting with - goes first (or after --)"
        message = message.replace("\n", " ")[:300]
        print(f"{self.prog}: error: {message}{hint} (see {self.prog} --help)", file=sys.stderr)
        raise SystemExit(2)


def _graph_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="chainrule graph",
        description="Build EXPR with chainrule's Value, optionally backpropagate, and draw it.",
        epilog='example: chainrule graph "tanh(x*w + b)" x=2 w=-0.5 b=0.1 -o graph.svg --backward',
    )
    p.add_argument("expr", help="the expression: numbers, names, + - * / **, and the functions "
                                + " ".join(expr.FUNCTIONS))
    p.add_argument("values", nargs="*", metavar="NAME=NUMBER", help="a value for each name")
    p.add_argument("-o", "--output", help="write the picture here (.svg .png .pdf .dot)")
    p.add_argument("--backward", action="store_true", help="backpropagate before drawing")
    p.add_argument("--explain", action="store_true",
                   help="print the backward pass step by step (the chain rule with numbers)")
    p.add_argument("--animate", metavar="HTML", help="write the backprop stepper page here")
    p.add_argument("--name", default="out", help="label of the result (default: out)")
    p.add_argument("--rankdir", choices=("LR", "TB"), default="LR", help="layout direction")
    p.add_argument("--max-nodes", type=int, default=MAX_NODES, metavar="N",
                   help=f"refuse to draw a graph of more than N values (default {MAX_NODES})")
    p.add_argument("--timeout", type=float, default=TIMEOUT, metavar="SECONDS",
                   help=f"stop drawing after this many seconds (default {TIMEOUT:g})")
    return p


def main(argv: Sequence[str]) -> int:
    """``chainrule graph``: parse safely, build with Value, backpropagate, render."""
    ns = _graph_parser().parse_args(_expression_first(list(argv)))
    prog = "chainrule graph"
    try:
        _check_path(ns.output, (".svg", ".png", ".pdf", ".dot", ".gv"), "-o")
        _check_path(ns.animate, (".html", ".htm"), "--animate")
        if not (0 < ns.timeout <= 3600 and ns.max_nodes > 0):
            raise ExprError("--timeout takes 0 to 3600 seconds, --max-nodes a positive number")
        ns.expr = ns.expr.strip()
        tree = expr.parse(ns.expr)
        env = _variables(ns.values)
        used = expr.names(tree)
        missing = [_cut(n) for n in used if n not in env]
        if missing:
            raise ExprError("missing value for " + ", ".join(missing[:5]) + ": add "
                            + " ".join(f"{n}=<number>" for n in missing[:5]))
        extra = [_cut(n) for n in env if n not in used]
        if extra:
            raise ExprError(f"{', '.join(extra[:5])} not used in the expression "
                            f"{short(ns.expr, 60)}")
        if ns.name in env:
            raise ExprError(f"--name {ns.name!r} is also a variable: pick another name")
        if not ns.name.isprintable() or len(ns.name) > 40:
            raise ExprError(f"--name {short(ns.name)}: use at most 40 printable characters")
        expr.check_text(ns.name, "--name")
        out = expr.build(tree, env)
    except ExprError as e:
        return fail(prog, str(e))
    if not any(out is v for v in env.values()):  # a bare name keeps its own label
        out.label = ns.name
    try:
        print(f"{out.label} = {out.data!r}")
        return _graph_outputs(ns, out, env, prog)
    except UnicodeEncodeError:
        return fail(prog, "the terminal cannot show these characters: set PYTHONIOENCODING=utf-8")
    except (OSError, RuntimeError, ValueError) as e:
        return fail(prog, str(e).replace("\n", " ")[:500])


def _expression_first(argv: list[str]) -> list[str]:
    """argparse reads ``-x*2`` as an unknown option: the first token that is neither an option
    nor an option's value is the expression, even when it starts with a single ``-``; a space in
    front of it makes argparse take it as a positional argument (the expression is stripped)."""
    i = 0
    while i < len(argv):
        token = argv[i]
        if token == "--":
            break
        if token.startswith("--"):  # a long option (or an abbreviation of one), maybe =value
            name = token.split("=")[0]
            takes = "=" not in token and any(o.startswith(name) for o in _VALUED[1:])
            i += 2 if takes else 1
        elif token in ("-o", "-h"):
            i += 2 if token == "-o" else 1
        elif token.startswith("-o"):  # -ograph.svg
            i += 1
        else:
            if token.startswith("-"):
                argv = [*argv[:i], " " + token, *argv[i + 1:]]
            break
    return argv


def _cut(name: str) -> str:
    """A variable name for a message: identifiers can be as long as the expression."""
    return name if len(name) <= 30 else name[:27] + "..."


def _variables(items: list[str]) -> dict[str, Value]:
    env: dict[str, Value] = {}
    for item in items:
        key, number = expr.parse_assignment(item)
        if key in env:
            raise ExprError(f"{key} is given twice")
        env[key] = Value(number, label=key)
    return env


def _check_path(path: str | None, suffixes: tuple[str, ...], flag: str) -> None:
    if path is None:
        return
    expr.check_text(path, flag)
    p = Path(path)
    if p.suffix.lower() not in suffixes:
        raise ExprError(f"{flag} {path!r}: use a file name ending in {' '.join(suffixes)}")
    if not p.parent.is_dir():
        raise ExprError(f"{flag} {path!r}: folder {str(p.parent)!r} does not exist")


def _graph_outputs(ns: argparse.Namespace, out, env: dict, prog: str) -> int:
    wants_grad = ns.backward or ns.explain or ns.animate
    if wants_grad and not out.requires_grad:
        return fail(prog, "the expression uses no variable, so it has no gradient")
    drawing = ns.output or ns.animate
    if drawing:
        size = len(forward_order(out))
        if size > ns.max_nodes:
            return fail(prog, f"the graph has {size} values, more than --max-nodes "
                              f"{ns.max_nodes}: a picture that large is unreadable and slow to "
                              "lay out; draw a smaller expression, or raise --max-nodes")
    if ns.explain:
        print(viz.explain_backward(out), end="")
    if ns.backward:
        out.backward()
        for key, v in env.items():
            print(f"d{out.label}/d{key} = {v.grad!r}")
    if not drawing:
        print("(nothing drawn: add -o graph.svg for the picture, --animate steps.html for the "
              "backward pass step by step)")
        return 0
    try:
        print(within(ns.timeout, lambda: _draw(ns, out)), end="")
    except DeadlineError as e:
        return fail(prog, f"drawing did not finish ({e}): the layout of this graph is too slow; "
                          "draw a smaller expression, or raise --timeout")
    return 0


def _draw(ns: argparse.Namespace, out) -> str:
    """Write the picture and the stepper page; the lines to print (runs under the deadline)."""
    lines = ""
    if ns.output:
        lines += f"wrote {viz.render(out, Path(ns.output), rankdir=ns.rankdir)}\n"
    if ns.animate:
        page = viz.animate_backward(out, Path(ns.animate), rankdir=ns.rankdir)
        lines += f"wrote {page.path}\n"
    return lines


