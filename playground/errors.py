"""The playground's request errors: each carries the HTTP status the page gets, with its message.

The server turns one of these into a JSON answer ``{"error": message}`` with the status; any other
exception is a bug and becomes a 500 whose message says so (the server keeps running).
"""

from __future__ import annotations


class PlaygroundError(Exception):
    """A request the playground refuses; ``status`` is the HTTP status code."""

    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadRequest(PlaygroundError):
    """Malformed or out-of-range input (400)."""


class NotFound(PlaygroundError):
    """No such page, session or uploaded file (404)."""

    status = 404


class MethodNotAllowed(PlaygroundError):
    """A known path asked with the wrong HTTP method (405)."""

    status = 405


class TooLarge(PlaygroundError):
    """A request body over the size limit (413)."""

    status = 413



class MissingExtra(PlaygroundError):
    """A feature that needs an optional package this installation lacks (501); the message
    names the extra to install."""

    status = 501
