"""Optimizers: the same updates as torch.optim on the same gradients; schedules; errors."""

import numpy as np
import pytest

from chainrule import nn
from chainrule.autograd import Value
from chainrule.nn.optim import SGD, Adam, AdamW

START = np.random.default_rng(0).normal(size=5)
GRADS = np.random.default_rng(1).normal(size=(6, 5))

CONFIGS = [
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.1, "momentum": 0.9}),
    ("SGD", {"lr": 0.05, "momentum": 0.8, "dampening": 0.3, "weight_decay": 0.01}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 0.1}),
    ("Adam", {"lr": 0.01}),
    ("Adam", {"lr": 0.02, "betas": (0.5, 0.9), "eps": 1e-6, "weight_decay": 0.1}),
    ("AdamW", {"lr": 0.01}),
    ("AdamW", {"lr": 0.03, "betas": (0.8, 0.99), "weight_decay": 0.5}),
]


def _run_ours(name, kwargs, schedule=None):
    params = [Value(float(x)) for x in START]
    opt = getattr(nn.optim, name)(params, **{**kwargs, **({"lr": schedule} if schedule else {})})
    history = []
    for g in GRADS:
        for p, gi in zip(params, g.tolist(), strict=True):
            p.grad = gi
        opt.step()
        history.append([p.data for p in params])
    return np.array(history)


@pytest.mark.parametrize(("name", "kwargs"), CONFIGS)
def test_value_parameters_match_torch(name, kwargs):
    torch = pytest.importorskip("torch")
    t = torch.tensor(START, dtype=torch.float64, requires_grad=True)
    opt = getattr(torch.optim, name)([t], **kwargs)
    theirs = []
    for g in GRADS:
        t.grad = torch.tensor(g)
        opt.step()
        theirs.append(t.detach().numpy().copy())
    np.testing.assert_allclose(_run_ours(name, kwargs), theirs, rtol=1e-13, atol=1e-15)


def test_lr_schedule_matches_torch_lambda():
    torch = pytest.importorskip("torch")

    def schedule(k):
        return 1.0 - 0.9 * k / 100

    t = torch.tensor(START, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([t], lr=1.0, momentum=0.5)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, schedule)
    theirs = []
    for g in GRADS:
        t.grad = torch.tensor(g)
        opt.step()
        sched.step()
        theirs.append(t.detach().numpy().copy())
    ours = _run_ours("SGD", {"lr": 1.0, "momentum": 0.5}, schedule=schedule)
    np.testing.assert_allclose(ours, theirs, rtol=1e-13, atol=1e-15)


def test_closed_forms_without_torch():
    p = Value(1.0)
    opt = SGD([p], lr=0.5)
    p.grad = 2.0
    opt.step()
    assert p.data == 0.0
    # Adam's first step moves each weight by about lr, whatever the gradient's size
    q = Value(1.0)
    opt = Adam([q], lr=0.1)
    q.grad = 123.0
    opt.step()
    assert q.data == pytest.approx(1.0 - 0.1 * 123.0 / (123.0 + 1e-8), rel=1e-14)
    # AdamW with a zero gradient only decays: x (1 - lr wd)
    r = Value(2.0)
    opt = AdamW([r], lr=0.1, weight_decay=0.5)
    r.grad = 0.0
    opt.step()
    assert r.data == pytest.approx(2.0 * (1 - 0.05))


def test_values_stay_python_floats_and_state_is_kept():
    ps = [Value(1.0), Value(2.0)]
    opt = Adam(ps, lr=0.1)
    for p in ps:
        p.grad = 0.5
    opt.step()
    assert all(type(p.data) is float for p in ps)
    assert opt.steps == 1 and opt.state[0]["t"] == 1


def test_zero_grad_and_model_training_with_optimizer():
    m = nn.MLP(2, [4, 1], seed=0)
    opt = SGD(m.parameters(), lr=0.1, momentum=0.9)
    before = m([1.0, 1.0]).data
    for _ in range(5):
        opt.zero_grad()
        out = m([1.0, 1.0])
        ((out - 3.0) * (out - 3.0)).backward()
        opt.step()
    assert all(isinstance(p.grad, float) for p in m.parameters())
    opt.zero_grad()
    assert all(p.grad == 0.0 for p in m.parameters())
    assert abs(m([1.0, 1.0]).data - 3.0) < abs(before - 3.0)


def test_schedule_sees_the_step_count_and_is_checked():
    seen = []
    p = Value(0.0)
    opt = SGD([p], lr=lambda k: seen.append(k) or 0.1)
    for _ in range(3):
        p.grad = 1.0
        opt.step()
    assert seen == [0, 1, 2] and opt.current_lr() == 0.1
    bad = SGD([Value(0.0)], lr=lambda k: float("nan"))
    with pytest.raises(ValueError, match="schedule gave nan at step 0"):
        bad.step()


@pytest.mark.parametrize(
    ("make", "error", "match"),
    [
        (lambda: SGD([], lr=0.1), ValueError, "empty parameter list"),
        (lambda: SGD([1.0], lr=0.1), TypeError, "parameter 0 is a float"),
        (lambda: SGD([Value(1.0) * 2], lr=0.1), ValueError, "not a leaf"),
        (lambda: SGD([Value(1.0, requires_grad=False)], lr=0.1), ValueError, "not a leaf"),
        (lambda: SGD([v := Value(1.0), v], lr=0.1), ValueError, "listed twice"),
        (lambda: SGD([Value(1.0)], lr=-1), ValueError, "lr must be"),
        (lambda: SGD([Value(1.0)], lr=0.1, nesterov=True), ValueError, "nesterov"),
        (lambda: Adam([Value(1.0)], betas=(0.9, 1.0)), ValueError, "beta2"),
        (lambda: Adam([Value(1.0)], betas=(0.9,)), ValueError, "pair"),
        (lambda: AdamW([Value(1.0)], weight_decay=-0.1), ValueError, "weight_decay"),
    ],
)
def test_bad_arguments(make, error, match):
    with pytest.raises(error, match=match):
        make()
