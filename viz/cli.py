"""The ``chainrule`` command: a dispatcher of subcommands, and ``chainrule graph``.

    chainrule graph "tanh(x*w + b)" x=2 w=-0.5 b=0.1 -o graph.svg --backward --explain
    chainrule demo NAME        (the lessons, module demos.cli)
    chainrule playground       (the browser playground, module viz.playground.cli)

Each subcommand is a ``main(argv: list[str]) -> int`` function in its own module, listed in
``COMMANDS`` and imported only when it runs, so a part that is not installed yet gives a clear
message instead of breaking the others. Errors print one line and exit with status 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path

# name -> (module, function, one-line help)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "graph": ("viz.cli", "graph_main", "draw an expression's computation graph and backward pass"),
    "demo": ("demos.cli", "main", "run a lesson: chainrule demo NAME (no NAME lists them)"),
    "playground": ("viz.playground.cli", "main", "build and train small networks in the browser"),
}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``chainrule`` console script."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help", "help"):
        print(_usage())
        return 0 if args else 2
    if args[0] == "--version":
        from importlib.metadata import PackageNotFoundError, version

        try:
            print(f"chainrule {version('chainrule')}")
        except PackageNotFoundError:
            print("chainrule (not installed as a package)")
        return 0
    name = args[0]
    if name not in COMMANDS:
        return _fail("chainrule", f"unknown command {name!r}; choose from {', '.join(COMMANDS)}")
    module, func, _ = COMMANDS[name]
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as e:
        if e.name and (module == e.name or module.startswith(e.name + ".")):
            return _fail(f"chainrule {name}", f"not available in this installation yet "
                                             f"(module {module} is missing)")
        raise
    try:
        return int(getattr(mod, func)(args[1:]) or 0)
    except SystemExit as e:  # argparse's --help and usage errors: a status, not a crash
        return e.code if isinstance(e.code, int) else (0 if e.code is None else 2)


def _usage() -> str:
    lines = ["usage: chainrule COMMAND [ARGS]", "", "commands:"]
    lines += [f"  {name:<11} {help_}" for name, (_, _, help_) in COMMANDS.items()]
    lines += ["", "chainrule COMMAND --help shows a command's options."]
    return "\n".join(lines)


def _fail(prog: str, message: str) -> int:
    print(f"{prog}: error: {message}", file=sys.stderr)
    return 2


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


def graph_main(argv: Sequence[str]) -> int:
    """``chainrule graph``: parse safely, build with Value, backpropagate, render."""
    from autograd import Value

    from . import expr as E

    ns = _graph_parser().parse_args(list(argv))
    prog = "chainrule graph"
    try:
        _check_path(ns.output, (".svg", ".png", ".pdf", ".dot", ".gv"), "-o")
        _check_path(ns.animate, (".html", ".htm"), "--animate")
        tree = E.parse(ns.expr)
        env: dict[str, Value] = {}
        for item in ns.values:
            key, number = E.parse_assignment(item)
            if key in env:
                raise E.ExprError(f"{key} is given twice")
            env[key] = Value(number, label=key)
        used = E.names(tree)
        missing = [n for n in used if n not in env]
        if missing:
            raise E.ExprError("missing value for " + ", ".join(missing) + ": add "
                              + " ".join(f"{n}=<number>" for n in missing))
        extra = [n for n in env if n not in used]
        if extra:
            raise E.ExprError(f"{', '.join(extra)} not used in the expression {ns.expr!r:.60}")
        if ns.name in env:
            raise E.ExprError(f"--name {ns.name!r} is also a variable: pick another name")
        out = E.build(tree, env)
    except E.ExprError as e:
        return _fail(prog, str(e))
    if not any(out is v for v in env.values()):  # a bare name keeps its own label
        out.label = ns.name
    print(f"{out.label} = {out.data!r}")
    try:
        return _graph_outputs(ns, out, env, prog)
    except (OSError, RuntimeError, ValueError) as e:
        return _fail(prog, str(e))


def _check_path(path: str | None, suffixes: tuple[str, ...], flag: str) -> None:
    from .expr import ExprError

    if path is None:
        return
    p = Path(path)
    if p.suffix.lower() not in suffixes:
        raise ExprError(f"{flag} {path!r}: use a file name ending in {' '.join(suffixes)}")
    if not p.parent.is_dir():
        raise ExprError(f"{flag} {path!r}: folder {str(p.parent)!r} does not exist")


def _graph_outputs(ns: argparse.Namespace, out, env: dict, prog: str) -> int:
    import viz

    wants_grad = ns.backward or ns.explain or ns.animate
    if wants_grad and not out.requires_grad:
        return _fail(prog, "the expression uses no variable, so it has no gradient")
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


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
