"""The chainrule command: dispatch, chainrule graph, and the expression reader under attack."""

from __future__ import annotations

import ast
import math
import os
import sys
import tempfile
import types
from pathlib import Path

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


def _exp(v: float) -> float:
    return math.exp(v) if v < 709 else math.inf


def _sin(v: float) -> float:
    return math.sin(v) if math.isfinite(v) else math.nan


def _exprs():
    leaf = st.one_of(
        st.sampled_from([("x", 0.7), ("w", -1.3)]),
        st.floats(0.25, 4.0).map(lambda v: (repr(round(v, 3)), round(v, 3))),
    )

    def grow(inner):
        # math.exp overflows past ~709 and math.sin refuses inf: such cases are skipped below
        unary = st.sampled_from([("tanh", math.tanh), ("sin", _sin), ("exp", _exp)])
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


# --- issue 11: what a careless user or an attacker typed --------------------------------------

@pytest.mark.parametrize(("text", "symbol"), [
    ("x^2", "'^'"), ("x % 2", "'%'"), ("x // 2", "'//'"), ("~x", "'~'"), ("not x", "'not'"),
    ("x @ y", "'@'"), ("x << 1", "'<<'"), ("x >> 1", "'>>'"), ("x | y", "'|'"), ("x & y", "'&'"),
])
def test_refused_operators_are_named(text, symbol, capsys):
    code, _, err = run(["graph", text, "x=1", "y=2"], capsys)
    assert code == 2 and err.count("\n") == 1
    assert f"operator {symbol} is not allowed" in err
    assert ("powers are written **" in err) == (symbol == "'^'")


@pytest.mark.parametrize(("argv", "message"), [
    (["9" * 400 + " * x", "x=1"], "400 digits) is too large"),
    (["x\udcff", "x=1"], "not UTF-8"),
    (["x", "x=1\udcff"], "not UTF-8"),
    (["x", "x=1", "-o", "g\udcff.svg"], "not UTF-8"),
    (["x", "x=1", "--name", "a\nb"], "printable"),
    (["exp"], "exp is a function: call it on a value, as exp(x)"),
    (["exp + x", "x=1"], "exp is a function"),
    (["x", "x=1", "--timeout", "0"], "--timeout"),
    (["x", "x=1", "-y=2"], "goes first (or after --)"),
])
def test_more_errors_are_one_line_with_status_2(argv, message, capsys):
    code, _, err = run(["graph", *argv], capsys)
    assert code == 2 and err.count("\n") == 1 and message in err, err


def test_a_huge_value_is_not_echoed_in_full(capsys):
    code, _, err = run(["graph", "x", "x=" + "9" * 400], capsys)
    assert code == 2 and "finite" in err and len(err) < 160


@pytest.mark.parametrize("argv", [
    ["-x*2", "x=3"], ["--backward", "-x*2", "x=3"], ["--", "-x*2", "x=3"],
    ["-x*2", "x=3", "--name", "y"], ["--name=y", "-x*2", "x=3"], ["--na", "y", "-x*2", "x=3"],
])
def test_an_expression_may_start_with_a_minus(argv, capsys):
    code, out, err = run(["graph", *argv], capsys)
    assert (code, err) == (0, "")
    assert " = -6.0" in out


def test_fullwidth_names_are_the_names_python_reads(capsys):
    for argv in (["\uff58*2", "\uff58=3"], ["x*2", "\uff58=3"], ["\uff58*2", "x=3"]):
        code, out, err = run(["graph", *argv], capsys)
        assert (code, err) == (0, "") and "out = 6.0" in out


def test_nothing_drawn_says_how_to_draw(capsys):
    code, out, _ = run(["graph", "x*2", "x=1", "--backward"], capsys)
    assert code == 0 and "dout/dx = 2.0" in out and "-o graph.svg" in out


def test_a_graph_over_the_node_limit_is_refused_before_any_layout(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(graph, "within", lambda *a: pytest.fail("the layout should not start"))
    big = "+".join(["x*y"] * 150)  # within the length limit: 301 values, very wide
    code, _, err = run(["graph", big, "x=1", "y=2", "-o", str(tmp_path / "g.svg")], capsys)
    assert code == 2 and err.count("\n") == 1
    assert "301 values, more than --max-nodes 150" in err and not (tmp_path / "g.svg").exists()
    code, _, err = run(["graph", "x*y+x", "x=1", "y=2", "-o", str(tmp_path / "g.svg"),
                        "--max-nodes", "3"], capsys)
    assert code == 2 and "4 values, more than --max-nodes 3" in err


def test_a_slow_layout_is_stopped_at_the_timeout(tmp_path, capsys, monkeypatch):
    import time

    monkeypatch.setattr(graph.viz, "render", lambda *a, **k: time.sleep(60))
    start = time.monotonic()
    code, _, err = run(["graph", "x*2", "x=1", "-o", str(tmp_path / "g.svg"),
                        "--timeout", "0.5"], capsys)
    assert code == 2 and err.count("\n") == 1 and "raise --timeout" in err
    assert time.monotonic() - start < 10  # the child was stopped, not waited for


def test_the_deadline_stops_the_child_and_what_it_started(tmp_path):
    import os
    import subprocess
    import time

    from chainrule.cli import deadline

    assert deadline.within(5, lambda: "drawn") == "drawn"
    with pytest.raises(RuntimeError, match="no such folder"):
        deadline.within(5, lambda: (_ for _ in ()).throw(OSError("no such folder")))
    pidfile = tmp_path / "pid"

    def slow():  # like viz running Graphviz's dot: a grandchild process
        p = subprocess.Popen(["sleep", "60"])
        pidfile.write_text(str(p.pid))
        p.wait()
        return "never"

    with pytest.raises(deadline.DeadlineError, match="stopped after 0.5 s"):
        deadline.within(0.5, slow)
    pid = int(pidfile.read_text())
    for _ in range(100):  # the grandchild gets SIGKILL with its group; its parent is gone
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        if Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z":
            break  # a zombie: killed, waiting to be reaped by init
        time.sleep(0.05)
    else:
        pytest.fail("the grandchild process still runs")


# --- the property: any text in, exit 0 or 2, one line on stderr, never a traceback ------------

def _terminal():
    """A stream like a real terminal's: UTF-8, strict for stdout, backslashreplace for stderr."""
    import io

    return (io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict"),
            io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="backslashreplace"))


ANY_CHAR = st.characters(exclude_categories=())  # every code point, lone surrogates included
EXPRESSION_LIKE = st.text(alphabet="xyw()+-*/^%.e 0123456789tanhexplogsqrtrelu,_=\uff58\udcff",
                          max_size=30)
VALUE_LIKE = st.one_of(
    st.text(ANY_CHAR, max_size=20),
    st.tuples(st.sampled_from(["x", "y", "w", "\uff58", "exp", "_x", ""]),
              st.one_of(st.floats().map(repr), st.text(ANY_CHAR, max_size=12),
                        st.integers().map(str), st.just("9" * 400)))
    .map(lambda t: f"{t[0]}={t[1]}"),
)
# values that fit the well-formed expressions of _exprs(): any float, huge and tiny included
FITTING = st.tuples(st.floats(), st.floats()).map(lambda t: [f"x={t[0]!r}", f"w={t[1]!r}"])
DOT = str(Path(tempfile.gettempdir()) / f"chainrule-cli-property-{os.getpid()}.dot")
OPTIONS = st.lists(st.sampled_from([
    ["--backward"], ["--explain"], ["--name", "y"], ["--rankdir", "TB"], ["--name", "\udcff"],
    ["--max-nodes", "1"], ["--timeout", "nan"], ["--"], ["-h"], ["--bogus"], ["-o", DOT],
    ["-o", "/no/such/folder/g.svg"], ["--animate", "g.txt"],
]), max_size=3)


@settings(max_examples=400, deadline=5000)
@given(st.one_of(st.text(ANY_CHAR, max_size=40), EXPRESSION_LIKE, _exprs().map(lambda t: t[0])),
       st.one_of(st.lists(VALUE_LIKE, max_size=3), FITTING), OPTIONS)
def test_any_text_gives_exit_0_or_2_and_one_line(expression, values, options):
    import contextlib

    out, err = _terminal()
    argv = ["graph", expression, *values, *[o for opt in options for o in opt]]
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(argv)  # an exception here is the failure the test looks for
    err.flush()
    text = err.buffer.getvalue().decode()
    assert code in (0, 2)
    assert text.count("\n") == (1 if code == 2 else 0), text
    assert "Traceback" not in text
