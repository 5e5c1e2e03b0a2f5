"""An overall deadline for reading one request, against clients that trickle it byte by byte.

A socket time-out bounds each read, not the request: a client sending one header byte every 20 s
keeps a connection and its thread forever. ``DeadlineReader`` is the connection's raw reader:
an idle connection may wait ``idle`` seconds for a request to begin, and once its first byte has
arrived the whole request (request line, headers and body) must arrive within ``budget``
seconds; after that a read raises ``TimeoutError`` (``http.server`` then drops the connection).
``start()`` re-arms it for the next request on a kept-alive connection.
"""

from __future__ import annotations

import io
import socket
import time


class DeadlineReader(io.RawIOBase):
    """Reads from ``sock``; see the module's docstring."""

    def __init__(self, sock: socket.socket, idle: float, budget: float) -> None:
        self.sock, self.idle, self.budget = sock, idle, budget
        self.deadline: float | None = None

    def start(self) -> None:
        """Wait for a new request: the next byte may take ``idle`` seconds."""
        self.deadline = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # noqa: ANN001 - a writable buffer
        if self.deadline is None:
            wait = self.idle
        else:
            wait = self.deadline - time.monotonic()
            if wait <= 0:
                raise TimeoutError(f"the request took longer than {self.budget:g} s to arrive")
        self.sock.settimeout(wait)
        n = self.sock.recv_into(buffer)
        if n and self.deadline is None:
            self.deadline = time.monotonic() + self.budget
        return n
