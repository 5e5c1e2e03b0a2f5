"""``chainrule graph EXPR NAME=NUMBER ...``: draw an expression's graph and its backward pass.

    chainrule graph "tanh(x*w + b)" x=2 w=-0.5 b=0.1 -o graph.svg --backward --explain

The expression is parsed by ``expr.py`` (a whitelist of operators and the engine's functions, never
``eval``), built with ``Value``, optionally backpropagated, and drawn by ``viz``. Errors print one
line and exit with status 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from chainrule import viz
from chainrule.autograd import Value

from . import expr, fail
from .expr import ExprError


class _Parser(argparse.ArgumentParser):
    """argparse, with errors on one line (the usage is one --help away)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        print(f"{self.prog}: error: {message} (see {self.prog} --help)", file=sys.stderr)
        raise SystemExit(2)


def _graph_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="chainrule graph",
        description="Build EXPR with chainrule's Value, optionally backpropagate, and draw it.",
        epilog='example: chainrule graph "tanh(x*w + b)" x=2 w=-0.5 b=0.1 -o graph.svg --backward',
    )
    p.add_argument("expr", help="the expression: numbers, names, + - * / **, and the functions "
                                "exp log sqrt tanh sigmoid relu softplus sin cos abs leaky_relu")
    p.add_argument("values", nargs="*", metavar="NAME=NUMBER", help="a value for each name")
    p.add_argument("-o", "--output", help="write the picture here (.svg .png .pdf .dot)")
    p.add_argument("--backward", action="store_true", help="backpropagate before drawing")
    p.add_argument("--explain", action="store_true",
                   help="print the backward pass step by step (the chain rule with numbers)")
    p.add_argument("--animate", metavar="HTML", help="write the backprop stepper page here")
    p.add_argument("--name", default="out", help="label of the result (default: out)")
    p.add_argument("--rankdir", choices=("LR", "TB"), default="LR", help="layout direction")
    return p


def main(argv: Sequence[str]) -> int:
    """``chainrule graph``: parse safely, build with Value, backpropagate, render."""
    ns = _graph_parser().parse_args(list(argv))
    prog = "chainrule graph"
    try:
        _check_path(ns.output, (".svg", ".png", ".pdf", ".dot", ".gv"), "-o")
        _check_path(ns.animate, (".html", ".htm"), "--animate")
        tree = expr.parse(ns.expr)
        env: dict[str, Value] = {}
        for item in ns.values:
            key, number = expr.parse_assignment(item)
            if key in env:
                raise ExprError(f"{key} is given twice")
            env[key] = Value(number, label=key)
        used = expr.names(tree)
        missing = [n for n in used if n not in env]
        if missing:
            raise ExprError("missing value for " + ", ".join(missing) + ": add "
                              + " ".join(f"{n}=<number>" for n in missing))
        extra = [n for n in env if n not in used]
        if extra:
            raise ExprError(f"{', '.join(extra)} not used in the expression {ns.expr!r:.60}")
        if ns.name in env:
            raise ExprError(f"--name {ns.name!r} is also a variable: pick another name")
        out = expr.build(tree, env)
    except ExprError as e:
        return fail(prog, str(e))
    if not any(out is v for v in env.values()):  # a bare name keeps its own label
        out.label = ns.name
    print(f"{out.label} = {out.data!r}")
    try:
        return _graph_outputs(ns, out, env, prog)
    except (OSError, RuntimeError, ValueError) as e:
        return fail(prog, str(e))


def _check_path(path: str | None, suffixes: tuple[str, ...], flag: str) -> None:
    if path is None:
        return
    p = Path(path)
    if p.suffix.lower() not in suffixes:
        raise ExprError(f"{flag} {path!r}: use a file name ending in {' '.join(suffixes)}")
    if not p.parent.is_dir():
        raise ExprError(f"{flag} {path!r}: folder {str(p.parent)!r} does not exist")


def _graph_outputs(ns: argparse.Namespace, out, env: dict, prog: str) -> int:
    wants_grad = ns.backward or ns.explain or ns.animate
    if wants_grad and not out.requires_grad:
        return fail(prog, "the expression uses no variable, so it has no gradient")
    if ns.explain:
        print(viz.explain_backward(out), end="")
    if ns.backward:
        out.backward()
        for key, v in env.items():
            print(f"d{out.label}/d{key} = {v.grad!r}")
    if ns.output:
        print(f"wrote {viz.render(out, Path(ns.output), rankdir=ns.rankdir)}")
    if ns.animate:
        print(f"wrote {viz.animate_backward(out, Path(ns.animate), rankdir=ns.rankdir).path}")
    return 0


