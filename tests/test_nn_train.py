"""nn.fit and History on the scalar engine, the progress bar, and predict."""

import io
import os

import numpy as np
import pytest

from chainrule import nn
from chainrule.nn import functional as F


class FakeTTY(io.StringIO):
    def isatty(self):
        return True


def _moons(n=30, seed=0):
    return nn.data.make_moons(n, noise=0.1, signed=True, seed=seed)


def test_fit_records_every_step_and_learns():
    X, y = _moons()
    m = nn.MLP(2, [8, 1], seed=0)
    opt = nn.optim.SGD(m.parameters(), lr=0.1)
    h = nn.fit(m, X, y, loss="hinge", optimizer=opt, epochs=3, batch_size=10, verbose=False)
    assert len(h) == 9 and h["step"] == list(range(9))
    assert h["epoch"] == [0, 0, 0, 1, 1, 1, 2, 2, 2]
    d = h.to_dict()
    assert list(d) == ["step", "epoch", "lr", "loss", "accuracy"]
    assert all(isinstance(v, float) for v in d["loss"] + d["accuracy"])
    assert opt.steps == 9 and h.seconds > 0 and "9 steps" in repr(h)
    full = nn.fit(m, X, y, loss="hinge", optimizer=opt, epochs=15, verbose=False)
    assert full.loss[-1] < h.loss[0]


def test_fit_step_is_the_hand_written_step():
    """One full-batch step of fit == zero_grad, forward, loss + l2, backward, SGD update."""
    X, y = _moons(20)
    a, b = nn.MLP(2, [4, 1], seed=1), nn.MLP(2, [4, 1], seed=1)
    nn.fit(a, X, y, loss="hinge", optimizer=nn.optim.SGD(a.parameters(), lr=0.5), epochs=1,
           l2=1e-3, verbose=False)
    loss = F.hinge_loss(b(X), y) + 1e-3 * F.l2_penalty(b.parameters())
    loss.backward()
    for p in b.parameters():
        p.data -= 0.5 * p.grad
    np.testing.assert_allclose([p.data for p in a.parameters()],
                               [p.data for p in b.parameters()], rtol=1e-14)


def test_losses_by_name_and_custom_metrics():
    X, y = _moons(20)
    m = nn.MLP(2, [4, 1], seed=0)

    def margin(pred, labels):
        return float(np.mean(np.array([p.data for p in pred]) * labels))

    h = nn.fit(m, X, (y + 1) // 2, loss="bce", epochs=2, metrics=("accuracy", margin),
               verbose=False)
    assert "margin" in h.to_dict()
    h = nn.fit(m, X, y.astype(float), loss=F.mse_loss, epochs=1, metrics=(), verbose=False)
    assert list(h.to_dict()) == ["step", "epoch", "lr", "loss"]
    X3, y3 = nn.data.make_spirals(30, n_classes=3)
    h = nn.fit(nn.MLP(2, [8, 3], seed=0), X3, y3, loss="cross_entropy", epochs=2, verbose=False)
    assert len(h) == 2


def test_callbacks_see_logs_and_can_stop():
    X, y = _moons(20)
    seen = []

    def stop_at_three(logs):
        seen.append(logs["step"])
        return logs["step"] == 2

    later = []
    h = nn.fit(nn.MLP(2, [4, 1], seed=0), X, y, loss="hinge", epochs=10,
               callbacks=[stop_at_three, lambda logs: later.append(logs["loss"])], verbose=False)
    assert seen == [0, 1, 2] and len(h) == 3 and h.stopped_early
    assert later == h["loss"]  # every callback sees every step, the last one included


def test_schedule_lr_is_recorded():
    X, y = _moons(20)
    m = nn.MLP(2, [4, 1], seed=0)
    opt = nn.optim.SGD(m.parameters(), lr=lambda k: 1.0 - 0.9 * k / 100)
    h = nn.fit(m, X, y, loss="hinge", optimizer=opt, epochs=3, verbose=False)
    assert h["lr"] == pytest.approx([1.0, 0.991, 0.982])


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"loss": "huber"}, ValueError, "unknown loss 'huber'"),
        ({"metrics": ("f1",)}, ValueError, "unknown metric 'f1'"),
        ({"epochs": -1}, ValueError, "epochs must be"),
        ({"y": np.zeros(3)}, ValueError, "X has 20 samples but y has 3"),
    ],
)
def test_fit_errors(kwargs, error, match):
    X, y = _moons(20)
    args = {"loss": "hinge", "y": y, **kwargs}
    with pytest.raises(error, match=match):
        nn.fit(nn.MLP(2, [4, 1], seed=0), X, verbose=False, **args)
    with pytest.raises(TypeError, match="trains an nn.Module"):
        nn.fit(lambda x: x, X, y)


def test_progress_bar_only_on_a_terminal(monkeypatch):
    X, y = _moons(10)
    m = nn.MLP(2, [2, 1], seed=0)
    pipe = io.StringIO()
    nn.fit(m, X, y, loss="hinge", epochs=2, stream=pipe)
    assert pipe.getvalue() == ""  # not a TTY: silent
    tty = FakeTTY()
    nn.fit(m, X, y, loss="hinge", epochs=2, stream=tty, verbose=False)
    assert tty.getvalue() == ""  # verbose=False: silent
    nn.fit(m, X, y, loss="hinge", epochs=3, stream=tty)
    out = tty.getvalue()
    assert "3/3" in out and "loss" in out and "accuracy" in out


def test_default_stream_is_stderr_and_silent_when_captured(capsys):
    X, y = _moons(10)
    nn.fit(nn.MLP(2, [2, 1], seed=0), X, y, loss="hinge", epochs=2)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_predict_returns_numbers_without_a_graph():
    X, y = _moons(10)
    m = nn.MLP(2, [4, 1], seed=0)
    p = nn.predict(m, X)
    assert p.shape == (10,) and p.dtype == np.float64
    assert p[3] == m(X[3]).data
    p3 = nn.predict(nn.MLP(2, [4, 3], seed=0), X)
    assert p3.shape == (10, 3)


@pytest.mark.skipif(not os.environ.get("CHAINRULE_SLOW"),
                    reason="about 30 s; set CHAINRULE_SLOW=1 to run")
def test_micrograd_moons_demo_scalar_engine_full():
    """micrograd's demo, all 100 steps on the scalar engine: 100% training accuracy."""
    X, y = _moons(100, seed=0)
    m = nn.MLP(2, [16, 16, 1], seed=0)
    opt = nn.optim.SGD(m.parameters(), lr=lambda k: 1.0 - 0.9 * k / 100)
    nn.fit(m, X, y, loss="hinge", optimizer=opt, epochs=100, l2=1e-4, verbose=False)
    assert F.accuracy(nn.predict(m, X), y) == 1.0
