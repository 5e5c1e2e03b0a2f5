"""The chainrule command: dispatch, chainrule graph, and the expression reader under attack."""

from __future__ import annotations

import ast
import math
import sys
import types

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chainrule import cli
from chainrule.autograd import Value, ops
from chainrule.cli import expr, graph

ALLOWED = (ast.BinOp, ast.UnaryOp, ast.Constant, ast.Name, ast.Call, ast.Add, ast.Sub, ast.Mult,
           ast.Div, ast.Pow, ast.USub, ast.UAdd, ast.Load)


def run(argv, capsys):
    code = cli.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_graph_end_to_end(tmp_path, capsys):
    svg, page = tmp_path / "g.svg", tmp_path / "g.html"
    code, out, err = run(["graph", "tanh(x*w + b)", "x=2", "w=-0.5", "b=0.1", "-o", str(svg),
                          "--backward", "--explain", "--animate", str(page)], capsys)
    assert (code, err) == (0, "")
    y = math.tanh(2 * -0.5 + 0.1)
    assert f"out = {y!r}" in out
    dx = (1 - y * y) * -0.5
    assert math.isclose(float(out.split("dout/dx = ")[1].split()[0]), dx, rel_tol=1e-14)
    assert "Topological order" in out and "x.grad += " in out
    assert "<svg" in svg.read_text() and "cr-frames" in page.read_text()


def test_dispatch(capsys, monkeypatch):
    code, out, _ = run([], capsys)
    assert code == 2 and "graph" in out and "demo" in out and "playground" in out
    assert run(["--help"], capsys)[0] == 0
    code, _, err = run(["frobnicate"], capsys)
    assert code == 2 and err.count("\n") == 1 and "unknown command" in err
    monkeypatch.setitem(cli.COMMANDS, "later", ("chainrule_not_written_yet.cli", "main", "x"))
    code, _, err = run(["later"], capsys)
    assert code == 2 and "not available in this installation yet" in err
    fake = types.ModuleType("fake_lessons")
    fake.main = lambda argv: 7 if argv == ["moons", "--out", "d"] else 1
    monkeypatch.setitem(sys.modules, "fake_lessons", fake)
    monkeypatch.setitem(cli.COMMANDS, "demo", ("fake_lessons", "main", "lessons"))
    assert run(["demo", "moons", "--out", "d"], capsys)[0] == 7


@pytest.mark.parametrize(("argv", "message"), [
    (["tanh(x*w", "x=1", "w=2"], "bad syntax"),
    (["foo(x)", "x=1"], "unknown function 'foo'"),
    (["x + y", "x=1"], "missing value for y"),
    (["x", "x=1", "y=2"], "y not used"),
    (["x", "x=1", "x=2"], "given twice"),
    (["x", "x=abc"], "not a number"),
    (["x", "x=inf"], "finite"),
    (["x", "1x=2"], "not a valid variable name"),
    (["x", "x"], "expected NAME=NUMBER"),
    (["x", "tanh=1"], "function name"),
    (["x", "x=1", "-o", "g.jpg"], "ending in"),
    (["x", "x=1", "--animate", "/no/such/dir/a.html"], "does not exist"),
    (["2 * 3", "--backward"], "no variable"),
    (["x", "x=1", "--name", "x"], "--name"),
    (["x", "x=1", "--bogus"], "unrecognized arguments"),
])
def test_graph_errors_are_one_line_with_status_2(argv, message, capsys):
    code, _, err = run(["graph", *argv], capsys)
    assert code == 2
    assert message in err and err.count("\n") == 1


def test_argparse_usage_errors_exit_2_on_one_line(capsys):
    with pytest.raises(SystemExit) as e:
        graph.main(["x", "x=1", "--rankdir", "diagonal"])
    assert e.value.code == 2
    assert capsys.readouterr().err.count("\n") == 1


HOSTILE = [
    "__import__('os').system('echo pwned')", "x.__class__", "(lambda: 1)()", "[q for q in x]",
    "x if x else 1", "open('/etc/passwd')", "x[0]", "'text'", "b'bytes'", "x @ x", "x // 2",
    "x % 2", "x < 1", "x and x", "tanh(x, y=1)", "tanh(*x)", "__builtins__", "_x", "globals()",
    "eval('1')", "exp.__call__(x)", "1j", "True", "None", "{1: 2}", "(x, x)", "x := 2",
    "f'{x}'", "...", "~x", "not x", "x << 1", "x ^ 2", "tanh(x)(x)", "leaky_relu(x, x)",
    "getattr(x, 'data')", "x; import os", "import os",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_expressions_are_refused(text):
    with pytest.raises(expr.ExprError):
        expr.parse(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=60))
def test_any_text_is_parsed_safely_or_refused_with_an_expr_error(text):
    try:
        tree = expr.parse(text)
    except expr.ExprError:
        return
    assert all(isinstance(n, ALLOWED) for n in ast.walk(tree))


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="xwb()+-*/. 0123456789tanhexplogsqrtrelu,_", max_size=40))
def test_expression_like_text_is_parsed_safely_or_refused(text):
    try:
        tree = expr.parse(text)
    except expr.ExprError:
        return
    assert all(isinstance(n, ALLOWED) for n in ast.walk(tree))


def _exprs():
    leaf = st.one_of(
        st.sampled_from([("x", 0.7), ("w", -1.3)]),
        st.floats(0.25, 4.0).map(lambda v: (repr(round(v, 3)), round(v, 3))),
    )

    def grow(inner):
        unary = st.sampled_from([("tanh", math.tanh), ("sin", math.sin), ("exp", math.exp)])
        binary = st.sampled_from(["+", "-", "*"])
        return st.one_of(
            st.tuples(unary, inner).map(lambda t: (f"{t[0][0]}({t[1][0]})", t[0][1](t[1][1]))),
            st.tuples(binary, inner, inner).map(lambda t: (
                f"({t[1][0]} {t[0]} {t[2][0]})",
                {"+": t[1][1] + t[2][1], "-": t[1][1] - t[2][1], "*": t[1][1] * t[2][1]}[t[0]])),
            inner.map(lambda t: (f"-{t[0]}", -t[1])),
        )

    return st.recursive(leaf, grow, max_leaves=8)


@settings(max_examples=150, deadline=None)
@given(_exprs())
def test_built_expressions_compute_what_python_computes(case):
    from chainrule.autograd import Value

    text, expected = case
    if not math.isfinite(expected) or abs(expected) > 1e12:
        return
    env = {"x": Value(0.7, label="x"), "w": Value(-1.3, label="w")}
    got = expr.build(expr.parse(text), env).data
    assert math.isclose(got, expected, rel_tol=1e-12, abs_tol=1e-12)


@pytest.mark.parametrize("name", sorted(expr.FUNCTIONS))
def test_every_engine_function_is_drawable(name):
    # the whitelist is the op registry's one-input functions: a new op is drawable at once
    op = ops.functions("scalar")[name]
    x0 = op.domain[0] + 0.41 * (op.domain[1] - op.domain[0])
    y = expr.build(expr.parse(f"{name}(x)"), {"x": Value(x0)})
    assert y.op_name == name and y.data == getattr(Value(x0), name)().data


def test_whitelist_is_the_registry():
    assert set(expr.FUNCTIONS) == {
        n for n, c in ops.methods("scalar").items() if c.kind == "elementwise" and c.arity == 1
    }
    assert {"exp", "tanh", "abs", "leaky_relu", "log1p"} <= set(expr.FUNCTIONS)
    assert expr.build(expr.parse("leaky_relu(x, 0.2)"), {"x": Value(-1.0)}).data == -0.2
