"""The ``chainrule`` command: a dispatcher of subcommands.

    chainrule graph "tanh(x*w + b)" x=2 w=-0.5 b=0.1 -o graph.svg --backward --explain
    chainrule demo NAME        (the lessons, module chainrule.demos.cli)
    chainrule playground       (the browser playground, module chainrule.playground.cli)

Each subcommand is a ``main(argv: list[str]) -> int`` function in its own module, listed in
``COMMANDS`` and imported only when it runs, so a part that is missing gives a clear message
instead of breaking the others. Errors print one line and exit with status 2.

The command is the app layer: it sits on top of ``viz``, ``nn`` and the lessons, and nothing in
the library imports it.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version

# name -> (module, function, one-line help)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "graph": ("chainrule.cli.graph", "main",
              "draw an expression's computation graph and backward pass"),
    "demo": ("chainrule.demos.cli", "main",
             "run a lesson: chainrule demo NAME (no NAME lists them)"),
    "playground": ("chainrule.playground.cli", "main",
                   "build and train small networks in the browser"),
}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``chainrule`` console script."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help", "help"):
        print(_usage())
        return 0 if args else 2
    if args[0] == "--version":
        try:
            print(f"chainrule {version('chainrule')}")
        except PackageNotFoundError:
            print("chainrule (not installed as a package)")
        return 0
    name = args[0]
    if name not in COMMANDS:
        return fail("chainrule", f"unknown command {name!r}; choose from {', '.join(COMMANDS)}")
    module, func, _ = COMMANDS[name]
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as e:
        if e.name and (module == e.name or module.startswith(e.name + ".")):
            return fail(f"chainrule {name}", f"not available in this installation yet "
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


def fail(prog: str, message: str) -> int:
    """Print ``prog: error: message`` on stderr; return the exit status 2."""
    print(f"{prog}: error: {message}", file=sys.stderr)
    return 2


