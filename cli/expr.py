"""A safe reader for the expressions the command line draws: ``tanh(x*w + b)``, ``x**2 - 3*x``.

The text is parsed by Python's ``ast`` and every node is checked against a whitelist: numbers,
names, ``+ - * / **``, unary ``-`` and ``+``, parentheses, and calls of the engine's one-input
functions (``exp log sqrt tanh ...``, read from the op registry, so a new op is drawable at once;
an op with parameters takes them as number arguments, ``leaky_relu(x, slope)``). Anything
else (attributes, subscripts, lambdas, comprehensions, strings, keywords, ``__import__``...) is
refused with an ``ExprError`` naming it. The tree is then built with ``Value`` operations by a
small interpreter; nothing is ever passed to ``eval`` or ``exec``.
"""

from __future__ import annotations

import ast
import math
import sys
import unicodedata
from typing import Any

from chainrule.autograd import Value, ops

MAX_LENGTH = 2000
# function name -> its op class: every one-input elementwise op of the scalar engine
_OPS = ops.functions("scalar")
FUNCTIONS = tuple(_OPS)
_BINOPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
# the operators Python parses but the engine has no op for, by their symbol, for the messages
_REFUSED = {ast.BitXor: "^", ast.Mod: "%", ast.FloorDiv: "//", ast.MatMult: "@", ast.LShift: "<<",
            ast.RShift: ">>", ast.BitOr: "|", ast.BitAnd: "&", ast.Invert: "~", ast.Not: "not"}
_HINTS = {"^": ": powers are written ** (x**2)", "@": ": chainrule graph draws scalars"}
# a float holds at most about 1.8e308: a longer integer literal cannot be one
_MAX_INT = int(sys.float_info.max)


def short(text: str, limit: int = 40) -> str:
    """``repr(text)``, cut to about ``limit`` characters (a hostile input is not echoed whole)."""
    r = repr(text)
    return r if len(r) <= limit else r[: limit - 5] + "...'"


class ExprError(ValueError):
    """An expression or variable that cannot be drawn; the message says why and how to fix it."""


def parse(text: str) -> ast.expr:
    """Parse and check ``text``; return the body of the (whitelisted) expression tree."""
    if not isinstance(text, str):
        raise ExprError(f"the expression must be a string, not {type(text).__name__}")
    if not text.strip():
        raise ExprError("the expression is empty: give one like \"tanh(x*w + b)\"")
    if len(text) > MAX_LENGTH:
        raise ExprError(f"the expression is {len(text)} characters long; the limit is {MAX_LENGTH}")
    check_text(text, "the expression")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as e:
        where = f" at column {e.offset}" if e.offset else ""
        raise ExprError(f"bad syntax{where}: {short(e.msg, 80)}") from None
    except (RecursionError, MemoryError):
        raise ExprError("the expression is nested too deeply") from None
    except ValueError as e:  # e.g. a NUL character
        raise ExprError(f"bad syntax: {short(str(e), 80)}") from None
    _check(tree.body)
    return tree.body


def check_text(text: str, what: str) -> None:
    """Refuse text that cannot be printed back: bytes that were not UTF-8 on the command line
    (Python keeps them as lone surrogates), which would otherwise fail much later."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as e:
        raise ExprError(f"{what} holds a byte that is not UTF-8 text (character {e.start + 1}): "
                        "type it again, or save it as UTF-8") from None


def _refused(op: ast.AST, allowed: str) -> ExprError:
    symbol = _REFUSED.get(type(op), type(op).__name__)
    return ExprError(f"operator {symbol!r} is not allowed{_HINTS.get(symbol, '')} (use {allowed})")


def _check(root: ast.expr) -> None:
    stack = [root]
    while stack:  # iterative: a hostile input cannot exhaust the Python stack here
        node = stack.pop()
        if isinstance(node, ast.BinOp):
            if type(node.op) not in _BINOPS:
                raise _refused(node.op, "+ - * / **")
            stack += [node.left, node.right]
        elif isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, (ast.USub, ast.UAdd)):
                raise _refused(node.op, "unary - or +")
            stack.append(node.operand)
        elif isinstance(node, ast.Constant):
            v = node.value
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                raise ExprError(f"{short(repr(v))} is not a number; only numbers and names are "
                                "allowed")
            if isinstance(v, int) and abs(v) > _MAX_INT:
                raise ExprError(f"the number {short(str(v), 30)} ({len(str(abs(v)))} digits) is "
                                "too large: a float holds at most about 1.8e308")
        elif isinstance(node, ast.Name):
            if node.id.startswith("_"):
                raise ExprError(f"name {node.id!r} is not allowed (names may not start with _)")
            if node.id in FUNCTIONS:
                raise ExprError(f"{node.id} is a function: call it on a value, as {node.id}(x)")
        elif isinstance(node, ast.Call):
            _check_call(node)
            stack += list(node.args)
        else:
            raise ExprError(f"{_text(node)} is not allowed: use numbers, names, + - * / **, "
                            f"parentheses and the functions {', '.join(FUNCTIONS)}")


def _check_call(node: ast.Call) -> None:
    if not isinstance(node.func, ast.Name):
        raise ExprError(f"only plain function calls are allowed, not {_text(node.func)}(...)")
    name = node.func.id
    if name not in FUNCTIONS:
        raise ExprError(f"unknown function {name!r}: use one of {', '.join(FUNCTIONS)}")
    if node.keywords:
        raise ExprError(f"{name}() takes no keyword arguments")
    if any(isinstance(a, ast.Starred) for a in node.args):
        raise ExprError(f"{name}() takes no *arguments")
    params = _OPS[name].params  # optional number arguments after x
    wanted = tuple(range(1, len(params) + 2))
    if len(node.args) not in wanted:
        raise ExprError(f"{name}() takes {' or '.join(map(str, wanted))} argument(s), "
                        f"not {len(node.args)}")
    for arg, param in zip(node.args[1:], params):
        if not isinstance(arg, ast.Constant):
            raise ExprError(f"{name}(x, {', '.join(params)}): the {param} must be a number")


def _text(node: ast.AST) -> str:
    try:
        return repr(ast.unparse(node))[:60]
    except Exception:  # an operator node has no source form
        return type(node).__name__


def names(tree: ast.expr) -> list[str]:
    """The variable names the expression uses, in order of first appearance."""
    out: dict[str, None] = {}
    calls = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    for n in ast.walk(tree):
        if isinstance(n, ast.Name) and id(n) not in calls:
            out.setdefault(n.id, None)
    return list(out)


def build(tree: ast.expr, env: dict[str, Any]) -> Any:
    """Compute the checked tree with the engine: names come from ``env`` (Values)."""
    def num(x: Any) -> Any:  # a number-only subexpression still computes with the engine
        return Value(float(x), requires_grad=False) if isinstance(x, (int, float)) else x

    # post-order without recursion: (node, visited?) pairs
    stack: list[tuple[ast.expr, bool]] = [(tree, False)]
    done: dict[int, Any] = {}
    while stack:
        node, visited = stack.pop()
        kids = _children(node)
        if not visited and kids:
            stack.append((node, True))
            stack += [(k, False) for k in reversed(kids)]
            continue
        if isinstance(node, ast.Constant):
            done[id(node)] = float(node.value)
        elif isinstance(node, ast.Name):
            if node.id not in env:
                raise ExprError(f"missing value for {node.id}: add {node.id}=<number>")
            done[id(node)] = env[node.id]
        elif isinstance(node, ast.UnaryOp):
            x = done[id(node.operand)]
            done[id(node)] = -x if isinstance(node.op, ast.USub) else x
        elif isinstance(node, ast.BinOp):
            a, b = done[id(node.left)], done[id(node.right)]
            if isinstance(a, float) and isinstance(b, float):
                a = num(a)
            done[id(node)] = _apply(_BINOPS[type(node.op)], a, b)
        else:  # a checked call
            x = num(done[id(node.args[0])])
            extra = [float(a.value) for a in node.args[1:]]  # checked: number constants
            done[id(node)] = getattr(x, node.func.id)(*extra)
    return num(done[id(tree)])


def _children(node: ast.expr) -> list[ast.expr]:
    if isinstance(node, ast.BinOp):
        return [node.left, node.right]
    if isinstance(node, ast.UnaryOp):
        return [node.operand]
    if isinstance(node, ast.Call):
        return [node.args[0]]
    return []


def _apply(op: str, a: Any, b: Any) -> Any:
    try:
        if op == "+":
            return a + b
        if op == "-":
            return a - b
        if op == "*":
            return a * b
        if op == "/":
            return a / b
        return a**b
    except (OverflowError, ZeroDivisionError) as e:  # pragma: no cover - the engine is IEEE
        raise ExprError(f"cannot compute {op}: {e}") from None


def parse_assignment(text: str) -> tuple[str, float]:
    """``'x=2'`` -> ``('x', 2.0)``, with a clear error for anything else.

    The name is read as Python reads the expression's names (NFKC: a fullwidth ``ｘ`` is ``x``).
    """
    check_text(text, f"the value {short(text)}")
    name, sep, value = text.partition("=")
    name = unicodedata.normalize("NFKC", name.strip())
    if not sep:
        raise ExprError(f"expected NAME=NUMBER, got {short(text, 60)}")
    if not name.isidentifier() or name.startswith("_"):
        raise ExprError(f"{short(name)} is not a valid variable name (in {short(text, 60)})")
    if name in FUNCTIONS:
        raise ExprError(f"{name!r} is a function name and cannot be a variable")
    try:
        number = float(value)
    except ValueError:
        raise ExprError(f"{name}={short(value)}: the value is not a number") from None
    if not math.isfinite(number):
        raise ExprError(f"{name}={short(value)}: the value must be a finite number "
                        "(at most about 1.8e308)")
    return name, number
