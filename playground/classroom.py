"""``--classroom``: a teacher's page over every student's session, and a link pushed to them all.

    GET  /teacher?token=T                the teacher's page (it reads the token from its URL)
    GET  /api/teacher/sessions           every live session: set-up, epoch, losses, a small map
    POST /api/teacher/push {"query": q}  offer the set-up ``?q`` to every student's page

The teacher's requests carry the token printed at start-up in ``X-Teacher-Token``; a wrong or
missing token is a 403 (compared in constant time). Students' pages ask
``GET /api/session/<id>/inbox?since=n`` every few seconds and show the newest push as a notice
with a button: a push never replaces a student's own work without a click.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time

from . import config as C
from .errors import PlaygroundError


class Forbidden(PlaygroundError):
    """A teacher's request without the right token (403)."""

    status = 403


class Classroom:
    """The teacher's token and the latest pushed set-up."""

    def __init__(self, token: str | None = None) -> None:
        self.token = token or secrets.token_urlsafe(12)
        self._lock = threading.Lock()
        self.push: dict | None = None  # {"id": n, "query": q, "time": t}

    def check(self, given: str | None) -> None:
        if not given or not hmac.compare_digest(given.encode(), self.token.encode()):
            raise Forbidden("the teacher's page needs the token printed when the playground "
                            "started (open the /teacher link shown in its terminal)")

    def offer(self, query: object) -> dict:
        """Check a set-up (a bad one is refused here, not in 30 students' tabs) and keep it as
        written (settings it leaves out, such as the loss, then fit the data when opened)."""
        C.from_query(query)
        with self._lock:
            number = (self.push["id"] + 1) if self.push else 1
            self.push = {"id": number, "query": str(query).removeprefix("?"), "time": time.time()}
            return dict(self.push)

    def inbox(self, since: int) -> dict | None:
        with self._lock:
            return dict(self.push) if self.push and self.push["id"] > since else None
