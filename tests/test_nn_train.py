"""nn.fit and History on the scalar engine, the progress bar, and predict."""

import gc
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


# --- nn.train_step: the one training step (fit and the playground both call it) ---------------

def _penalised_step_by_hand(model, X, y, lr, l1, l2, penalized):
    """zero_grad, forward, hinge + l1 sum|p| + l2 sum p^2, backward, p <- p - lr dL/dp."""
    for p in model.parameters():
        p.grad = 0.0 if isinstance(p.data, float) else None
    L = F.hinge_loss(model(X), y) + l1 * F.l1_penalty(penalized) + l2 * F.l2_penalty(penalized)
    L.backward()
    for p in model.parameters():
        p.data = p.data - lr * p.grad
    return float(L.data)


def _weights(model):
    return [p for n, p in model.named_parameters() if n.endswith("weight") or ".w." in n]


@pytest.mark.parametrize("engine", ["scalar", "tensor"])
def test_train_step_is_the_hand_written_step(engine):
    X, y = _moons(16, seed=2)
    a = nn.MLP(2, [5, 3, 1], activation="tanh", engine=engine, seed=4)
    b = nn.MLP(2, [5, 3, 1], activation="tanh", engine=engine, seed=4)
    weights_a, weights_b = _weights(a), _weights(b)  # the penalty skips the biases
    assert len(weights_a) == (3 if engine == "tensor" else 5 * 2 + 3 * 5 + 1 * 3)
    opt = nn.optim.SGD(a.parameters(), lr=0.3)
    for _ in range(3):
        done = nn.train_step(a, X, y, "hinge", opt, l1=1e-2, l2=1e-3, penalized=weights_a,
                             metrics={"accuracy": F.accuracy})
        by_hand = _penalised_step_by_hand(b, X, y, 0.3, 1e-2, 1e-3, weights_b)
        assert abs(done.loss - by_hand) < 1e-12 and done.lr == 0.3 and done.updated
        for (name, pa), pb in zip(a.named_parameters(), b.parameters(), strict=True):
            np.testing.assert_allclose(pa.data, pb.data, rtol=0, atol=1e-12, err_msg=name)
    assert opt.steps == 3 and 0.0 <= done.metrics["accuracy"] <= 1.0


def test_train_step_penalises_the_optimizers_parameters_by_default():
    X, y = _moons(10)
    a, b = nn.MLP(2, [3, 1], seed=0), nn.MLP(2, [3, 1], seed=0)
    nn.train_step(a, X, y, F.hinge_loss, nn.optim.SGD(a.parameters(), lr=0.1), l2=0.5)
    _penalised_step_by_hand(b, X, y, 0.1, 0.0, 0.5, b.parameters())
    np.testing.assert_allclose([p.data for p in a.parameters()],
                               [p.data for p in b.parameters()], rtol=0, atol=1e-12)


def test_train_step_skips_a_loss_that_is_not_finite():
    X, y = _moons(10)
    m = nn.MLP(2, [3, 1], engine="tensor", seed=0)
    for p in m.parameters():
        p.data[:] = 1e200  # the scores overflow to inf
    before = m.state_dict()
    opt = nn.optim.SGD(m.parameters(), lr=0.1)
    with np.errstate(all="ignore"):
        skipped = nn.train_step(m, X, y, "hinge", opt, skip_nonfinite=True)
        assert not skipped.updated and not np.isfinite(skipped.loss) and opt.steps == 0
        assert all(np.array_equal(v, m.state_dict()[k]) for k, v in before.items())
        taken = nn.train_step(m, X, y, "hinge", opt)  # by default the step is taken anyway
    assert taken.updated and opt.steps == 1


def test_train_step_pauses_the_collector_and_fit_calls_it(monkeypatch):
    seen = []

    def loss(pred, y):
        seen.append(gc.isenabled())
        return F.mse_loss(pred, y)

    X, y = _moons(8)
    m = nn.MLP(2, [2, 1], seed=0)
    nn.train_step(m, X, y.astype(float), loss, nn.optim.SGD(m.parameters(), lr=0.1))
    assert seen == [False] and gc.isenabled()
    calls = []
    real = nn.train.train_step
    monkeypatch.setattr(nn.train, "train_step", lambda *a, **k: calls.append(1) or real(*a, **k))
    h = nn.fit(m, X, y, loss="hinge", epochs=2, batch_size=4, verbose=False)
    assert len(calls) == len(h) == 4
    with pytest.raises(ValueError, match="unknown loss 'l1'"):
        nn.train_step(m, X, y, "l1", nn.optim.SGD(m.parameters(), lr=0.1))
