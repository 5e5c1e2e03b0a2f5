"""A deadline for the slow part of a command: laying out and writing a picture.

Graph layout is superlinear, and a wide graph of a few hundred nodes can keep Graphviz busy for
minutes. A thread cannot be stopped, so ``within(seconds, work)`` runs ``work`` in a forked child
process and kills it when the time is up: the command answers in ``seconds`` whatever the graph.
Where the platform cannot fork (Windows) the work runs in the process itself, bounded only by the
node limit the command also applies.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable


class DeadlineError(RuntimeError):
    """The work did not finish in time (it was stopped) or its process ended without answering."""


def within(seconds: float, work: Callable[[], str]) -> str:
    """``work()`` (which returns a short text), in a child process stopped after ``seconds``.

    An exception in ``work`` comes back as a ``RuntimeError`` carrying its message (the child's
    objects are not sent back); running out of time raises ``DeadlineError``.
    """
    if "fork" not in multiprocessing.get_all_start_methods():  # pragma: no cover - Windows
        return work()
    ctx = multiprocessing.get_context("fork")  # the child shares the built graph: nothing to send
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child, args=(work, send), daemon=True)
    child.start()
    send.close()
    try:
        if not receive.poll(seconds):
            raise DeadlineError(f"stopped after {seconds:g} s")
        kind, text = receive.recv()
    except EOFError:
        child.join(1.0)
        raise DeadlineError(f"the drawing process ended without an answer (exit code "
                            f"{child.exitcode})") from None
    finally:
        if child.is_alive():
            _kill_group(child.pid)
        child.join()
        receive.close()
    if kind == "error":
        raise RuntimeError(text)
    return text


def _kill_group(pid: int) -> None:
    """Stop the child and what it started (Graphviz's ``dot`` is its own process)."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):  # already gone, or not its own group yet
        os.kill(pid, signal.SIGKILL)


def _child(work: Callable[[], str], send: multiprocessing.connection.Connection) -> None:
    os.setpgid(0, 0)  # a process group of its own, so that a kill reaches the dot it runs
    try:
        result = ("ok", str(work()))
    except Exception as e:  # noqa: BLE001 - every failure goes back to the parent as text
        result = ("error", str(e) or type(e).__name__)
    send.send(result)
    send.close()
    os._exit(0)  # no atexit handlers or buffered output of the parent's run in the child
