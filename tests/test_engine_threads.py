"""Grad mode and anomaly mode are per thread (issue 11, item 1), nest, and work as decorators."""

from __future__ import annotations

import math
import sys
import threading
import time

import numpy as np
import pytest

from chainrule import autograd
from chainrule.autograd import Tensor, Value


def _scalar_case(k: int) -> tuple[float, float, float]:
    """f = tanh(x w + b) * x + x^2 on inputs from k; returns (f, df/dx, df/dw), graph-recorded."""
    x, w, b = Value(0.1 * (k % 7) - 0.3), Value(0.5 - 0.05 * (k % 11)), Value(0.2)
    f = (x * w + b).tanh() * x + x * x
    f.backward()
    return f.data, x.grad, w.grad


def _tensor_case(k: int) -> tuple[float, np.ndarray]:
    x = Tensor(np.linspace(-1, 1, 6).reshape(2, 3) * (1 + k % 5), requires_grad=True)
    loss = (x * x).sum() + x.tanh().sum()
    loss.backward()
    return loss.item(), x.grad


def test_many_threads_alternating_no_grad_and_gradients_never_interfere():
    # the exact results, computed up front in this thread
    cases = 40
    want_s = [_scalar_case(k) for k in range(cases)]
    want_t = [_tensor_case(k) for k in range(cases)]
    errors: list[str] = []
    checks = [0]
    stop = time.monotonic() + 3.0

    def worker(seed: int) -> None:
        k = seed
        try:
            while time.monotonic() < stop:
                k = (k + 1) % cases
                if k % 2:
                    with autograd.no_grad():  # evaluation: nothing recorded, in this thread only
                        y = (Value(0.3) * Value(2.0)).tanh() + 1
                        t = Tensor([1.0, 2.0], requires_grad=True) * 3
                        if y.parents or y.requires_grad or t.requires_grad:
                            errors.append(f"thread {seed}: no_grad recorded a graph")
                        if autograd.is_grad_enabled():
                            errors.append(f"thread {seed}: grad enabled inside no_grad")
                        with autograd.enable_grad():  # nested: recording again
                            z = Value(1.5) * 2
                            if not z.parents:
                                errors.append(f"thread {seed}: enable_grad inside no_grad")
                    continue
                if _scalar_case(k) != want_s[k]:
                    errors.append(f"thread {seed}: scalar gradient of case {k} differs")
                loss, g = _tensor_case(k)
                if loss != want_t[k][0] or not np.array_equal(g, want_t[k][1]):
                    errors.append(f"thread {seed}: tensor gradient of case {k} differs")
                checks[0] += 1
        except Exception as e:  # noqa: BLE001 - every failure is reported with its thread
            errors.append(f"thread {seed}: {type(e).__name__}: {e}")

    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)  # switch threads often, so that blocks overlap
    try:
        threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(old)
    assert not errors, f"{len(errors)} errors, e.g. {errors[:3]}"
    assert checks[0] > 100  # the gradient side really ran
    assert autograd.is_grad_enabled() and (Value(1.0) * 2).parents


def test_anomaly_mode_is_per_thread():
    inside = threading.Event()
    leave = threading.Event()
    seen: list = []

    def watcher() -> None:
        with autograd.detect_anomaly():
            inside.set()
            leave.wait(5)
            try:
                Value(0.0).log()
            except FloatingPointError:
                seen.append("raised")

    t = threading.Thread(target=watcher)
    t.start()
    assert inside.wait(5)
    try:
        assert Value(0.0).log().data == -math.inf  # this thread: IEEE, no error
    finally:
        leave.set()
        t.join()
    assert seen == ["raised"]


def test_a_no_grad_block_in_one_thread_leaves_another_recording():
    inside = threading.Event()
    leave = threading.Event()

    def evaluator() -> None:
        with autograd.no_grad():
            inside.set()
            leave.wait(5)

    t = threading.Thread(target=evaluator)
    t.start()
    assert inside.wait(5)
    try:
        assert autograd.is_grad_enabled()
        x = Value(2.0)
        y = x * x
        y.backward()
        assert y.parents and x.grad == 4.0
    finally:
        leave.set()
        t.join()


def test_blocks_nest_and_restore_what_they_found():
    assert autograd.is_grad_enabled()
    with autograd.no_grad():
        with autograd.enable_grad():
            assert autograd.is_grad_enabled()
            with autograd.no_grad():
                assert not autograd.is_grad_enabled()
                assert not (Value(1.0) * 2).parents
            assert (Value(1.0) * 2).parents
        assert not autograd.is_grad_enabled()
        with autograd.no_grad():
            assert not autograd.is_grad_enabled()
        assert not autograd.is_grad_enabled()
    assert autograd.is_grad_enabled()


def test_the_same_block_object_may_be_reused_and_shared():
    block = autograd.no_grad()
    with block:
        with block:
            assert not autograd.is_grad_enabled()
        assert not autograd.is_grad_enabled()
    assert autograd.is_grad_enabled()


def test_modes_work_as_decorators_with_and_without_parentheses():
    @autograd.no_grad()
    def evaluate(v: Value) -> Value:
        return v * 2

    @autograd.no_grad
    def evaluate_bare(v: Value) -> Value:
        """Doubles v."""
        return v * 2

    @autograd.enable_grad()
    def train(v: Value) -> Value:
        return v * 2

    @autograd.detect_anomaly
    def careful(v: Value) -> Value:
        return v.log()

    x = Value(3.0)
    assert not evaluate(x).parents and not evaluate_bare(x).parents
    assert evaluate_bare.__doc__ == "Doubles v." and evaluate_bare.__name__ == "evaluate_bare"
    with autograd.no_grad():
        assert train(x).parents  # enable_grad inside no_grad
        assert not (x * 2).parents
    with pytest.raises(FloatingPointError, match="log"):
        careful(Value(0.0))
    assert Value(0.0).log().data == -math.inf
    assert autograd.is_grad_enabled()
    with pytest.raises(TypeError, match="decorates a function"):
        autograd.no_grad()(3)


def test_a_decorated_function_restores_the_mode_when_it_raises():
    @autograd.no_grad()
    def fails() -> None:
        raise KeyError("x")

    with pytest.raises(KeyError):
        fails()
    assert autograd.is_grad_enabled() and (Value(1.0) * 2).parents


def test_collector_pauses_overlap_across_threads():
    import gc

    assert gc.isenabled()
    started, leave = threading.Event(), threading.Event()

    def other() -> None:
        with autograd.collector_paused():
            started.set()
            leave.wait(5)

    t = threading.Thread(target=other)
    t.start()
    assert started.wait(5)
    with autograd.collector_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()  # the other thread's block is still open
    leave.set()
    t.join()
    assert gc.isenabled()
