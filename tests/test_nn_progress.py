"""nn's progress bar: tqdm on a terminal, nothing anywhere else (and tqdm not even imported)."""

import io
import subprocess
import sys

from chainrule.nn.progress import progress


class FakeTTY(io.StringIO):
    def isatty(self):
        return True


class ClosedTTY(FakeTTY):
    def isatty(self):
        raise ValueError("I/O operation on closed file")


def test_a_tqdm_bar_on_a_terminal():
    tty = FakeTTY()
    bar = progress(3, stream=tty, desc="train")
    assert type(bar.bar).__module__.startswith("tqdm")
    for k in range(3):
        bar.update({"loss": 1.0 / (k + 1), "accuracy": 0.5, "epoch": k})
    bar.close()
    out = tty.getvalue()
    assert "train" in out and "3/3" in out and "step" in out
    assert "loss 0.3333" in out and "accuracy 0.5" in out and "epoch 2" in out
    assert out.endswith("\n")  # leave=True: the finished bar stays on screen


def test_silent_off_a_terminal_or_when_asked():
    for stream, verbose in [(io.StringIO(), True), (FakeTTY(), False), (ClosedTTY(), True)]:
        bar = progress(2, verbose, stream)
        bar.update({"loss": 0.5})
        bar.close()
        assert stream.getvalue() == "", (type(stream).__name__, verbose)


def test_a_run_without_a_terminal_does_not_import_tqdm():
    code = (
        "import io, sys\n"
        "from chainrule import nn\n"
        "X, y = nn.data.make_moons(10, signed=True)\n"
        "nn.fit(nn.MLP(2, [2, 1], seed=0), X, y, loss='hinge', epochs=2, stream=io.StringIO())\n"
        "print('tqdm' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


class KernelStream(io.StringIO):
    """What a Jupyter kernel puts in sys.stderr: not a terminal, from the ipykernel package."""

    def isatty(self):
        return False


KernelStream.__module__ = "ipykernel.iostream"


def test_a_text_bar_in_a_notebook_without_ipywidgets(monkeypatch):
    from chainrule.nn import progress as P

    monkeypatch.setattr(P, "_has_widgets", lambda: False)
    stream = KernelStream()
    assert P.in_notebook(stream) and not P.in_notebook(io.StringIO())
    bar = progress(2, stream=stream)
    bar.update({"loss": 0.5})
    bar.update({"loss": 0.25})
    bar.close()
    assert "2/2" in stream.getvalue() and "loss 0.25" in stream.getvalue()
    assert progress(2, False, stream).__class__.__name__ == "_Silent"  # verbose=False still wins


def test_fit_shows_its_bar_in_a_notebook(monkeypatch):
    from chainrule import nn
    from chainrule.nn import progress as P

    monkeypatch.setattr(P, "_has_widgets", lambda: False)
    stream = KernelStream()
    X, y = nn.data.make_moons(10, signed=True)
    nn.fit(nn.MLP(2, [2, 1], seed=0), X, y, loss="hinge", epochs=3, stream=stream)
    assert "3/3" in stream.getvalue()
