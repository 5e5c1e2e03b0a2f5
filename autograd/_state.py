"""The engine's switches: gradient recording and anomaly detection (per thread), and the collector.

``no_grad``, ``enable_grad`` and ``detect_anomaly`` set a mode for the *current thread* only, as
PyTorch's do: a thread evaluating under ``no_grad`` never switches gradients off for another thread
that is training (the playground serves each request on its own thread). Blocks nest, and each
restores exactly the state it found; each also works as a decorator.

The check on every op's fast path stays one read of a module global, ``mode``: the number of mode
blocks open in *any* thread. While it is 0, every thread records with the default modes (grad on,
anomaly detection off), so an op needs to read nothing else. When it is not 0 an op takes the slow
path (``Node._record``), which reads its own thread's modes. A thread's block increments ``mode``
before it changes the thread's state and decrements it after restoring it, so a thread that is
inside a block always sees ``mode != 0``.
"""

from __future__ import annotations

import functools
import gc
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

#: 0 when an op may record without reading anything else: no mode block is open in any thread
#: and a recording session is on (see below); else the number of open blocks (+1 if no session)
mode: int = 1
_blocks = 0  # how many mode blocks are open, in all threads together
_lock = threading.RLock()  # re-entrant: a session may end (a graph freed) while it is held


def _refresh() -> None:
    global mode
    mode = _blocks + (0 if _session is not None else 1)


class _Modes(threading.local):
    """One thread's modes (each thread starts with the defaults)."""

    def __init__(self) -> None:
        self.grad_enabled = True
        self.anomaly = False
        self.saved: list[bool] = []  # the values each open block will restore


local = _Modes()


class _Mode:
    """A block that sets one of this thread's modes, restoring it on exit; also a decorator.

    ``with no_grad():``, ``@no_grad()`` and ``@no_grad`` all work.
    """

    _field = ""
    _value = False

    def __new__(cls, func: Callable | None = None) -> Any:
        self = super().__new__(cls)
        return self if func is None else self(func)

    def __enter__(self) -> None:
        global _blocks
        with _lock:
            _blocks += 1
            _refresh()
        s = local
        s.saved.append(getattr(s, self._field))
        setattr(s, self._field, self._value)

    def __exit__(self, *exc: object) -> None:
        global _blocks
        s = local
        setattr(s, self._field, s.saved.pop())
        with _lock:
            _blocks -= 1
            _refresh()

    def __call__(self, func: F) -> F:
        """Decorate ``func``: each call runs inside a block of its own (safe across threads)."""
        if not callable(func):
            raise TypeError(f"{type(self).__name__}() decorates a function, not {func!r:.60}")
        cls = type(self)

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with cls():
                return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class no_grad(_Mode):
    """Record nothing inside the block (in this thread): ops return plain leaves with no parents.

    Use it for evaluation and for optimizer updates, where building a graph would only cost time
    and memory::

        with autograd.no_grad():
            prediction = model(x)

    or as a decorator, ``@autograd.no_grad()`` (or ``@autograd.no_grad``). Other threads are
    not affected.
    """

    _field = "grad_enabled"
    _value = False


class enable_grad(_Mode):
    """Record ops again inside a ``no_grad`` block (in this thread); also a decorator."""

    _field = "grad_enabled"
    _value = True


class detect_anomaly(_Mode):
    """Raise ``FloatingPointError`` at the first op whose result (or gradient) holds nan or inf.

    The error names the op and the values of its inputs, so the place where a nan is *born* is
    found, not the place far downstream where it is noticed. Outside this block the engine follows
    IEEE arithmetic like PyTorch: ``log(0) = -inf``, ``sqrt(-1) = nan``. Like ``no_grad`` it
    applies to the current thread only and works as a decorator.
    """

    _field = "anomaly"
    _value = True


def is_grad_enabled() -> bool:
    """True unless this thread is inside ``no_grad()`` (and not in an ``enable_grad()`` in it)."""
    return local.grad_enabled


def is_anomaly_enabled() -> bool:
    """True inside ``detect_anomaly()`` (in this thread)."""
    return local.anomaly


# --- the cyclic garbage collector ---------------------------------------------------------------

_pauses = 0  # how many collector_paused blocks are open, in all threads
_resume = False  # whether the last one to close must switch the collector back on


def _pause() -> None:
    global _pauses, _resume
    with _lock:
        if _pauses == 0:
            _resume = gc.isenabled()
            gc.disable()
        _pauses += 1


def _unpause() -> None:
    global _pauses
    with _lock:
        _pauses -= 1
        if _pauses == 0 and _resume:
            gc.enable()


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector inside the block; memory is still freed.

    chainrule's graphs hold no reference cycles (parents point one way, ops hold no nodes), so
    reference counting frees every node as soon as the last reference to its graph goes, and the
    cyclic collector has nothing to find in them. Left on, it still walks the young objects every
    700 allocations and, as a large graph grows, the whole heap now and then. Pausing it around a
    training step (build, backward, update, drop the graph) skips that work: ``nn.fit`` does so,
    and the backward pass always does. Measured on the scalar moons training: 1.8-2.9x faster.
    Blocks may overlap across threads: the collector comes back on when the last one closes (and
    only if it was on when the first one opened).
    """
    _pause()
    try:
        yield
    finally:
        _unpause()


# --- recording sessions: the collector while a graph is being built ------------------------------
#
# Python's cyclic collector walks the young objects every 700 allocations, and now and then the
# whole heap; a graph being built is nothing but new objects that survive, so its nodes get walked
# again and again, and a large graph makes each full walk longer: the cost per node grew with the
# graph (2-64-64-1 on 100 points: 3x the cost per node of 2-8-8-1). chainrule's graphs have no
# reference cycles (reference counting frees them), so while one is alive the engine raises the
# collector's first threshold from 700 to SESSION_THRESHOLD allocations. The collector stays on:
# user code still has its cyclic garbage collected, only after more allocations.
#
# A session starts at the first op that records a node while none is on (that op takes the slow
# path, ``Node._record``, because ``mode`` is not 0) and ends when that first node is freed: its
# label holds a ``_SessionEnd``, an empty str whose deletion ends the session and restores the
# threshold (unless the user changed it meanwhile). While a session is on, recording reads the one
# global ``mode`` as before.

SESSION_THRESHOLD = 1_000_000
_session: int | None = None  # id() of the session's _SessionEnd (a reference would keep it)
_saved_threshold: tuple[int, ...] | None = None


class _SessionEnd(str):
    """The label ('') of a session's first node: when that node is freed, the session ends."""

    __slots__ = ()

    def __del__(self) -> None:
        try:  # noqa: SIM105 (a try costs nothing in 3.11; contextlib.suppress cost 0.4 us a step)
            end_session(self)
        except Exception:  # at interpreter shutdown there is nothing to restore
            pass


def start_session() -> str:
    """Start a recording session (if none is on); the label to give the node being recorded."""
    global _session, _saved_threshold
    token = _SessionEnd()
    with _lock:
        if _session is not None:
            return ""
        threshold = gc.get_threshold()
        if 0 < threshold[0] < SESSION_THRESHOLD:
            _saved_threshold = threshold
            gc.set_threshold(SESSION_THRESHOLD, *threshold[1:])
        else:  # the user set it (0: automatic collection off): leave it alone
            _saved_threshold = None
        _session = id(token)
        _refresh()
    return token


def end_session(token: str) -> None:
    """End the session that ``token`` started (nothing if it is over already)."""
    global _session, _saved_threshold
    with _lock:
        if _session != id(token):
            return
        _session = None
        saved, _saved_threshold = _saved_threshold, None
        if saved is not None and gc.get_threshold()[0] == SESSION_THRESHOLD:
            gc.set_threshold(*saved)
        _refresh()
