"""A small Python client for the playground's JSON API (the tests and the benchmark use it).

    >>> from chainrule.playground import make_server
    >>> from chainrule.playground.client import Client
    >>> server = make_server(port=0); _ = server.start()
    >>> c = Client(server.url)
    >>> answer = c.create("data=xor&layers=4")
    >>> answer["setup"]["sizes"]
    [2, 4, 1]
    >>> c.step(5)["ran"]
    5
    >>> server.stop()
"""

from __future__ import annotations

import http.client
import json
from typing import Any
from urllib.parse import urlsplit


class ApiError(Exception):
    """A 4xx/5xx answer: ``status`` and the server's ``message``."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"{status}: {message}")
        self.status, self.message = status, message


class Client:
    """Calls one playground server; ``create`` starts a session that later calls use.

    ``keep_alive=True`` sends every request on one kept-alive connection, as a browser does
    (a new one is opened if the server closed it while idle); otherwise each request has its
    own connection. A kept-alive client is for one thread at a time."""

    def __init__(self, url: str, timeout: float = 60.0, keep_alive: bool = False) -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.timeout = timeout
        self.keep_alive = keep_alive
        self.session: str | None = None
        self._conn: http.client.HTTPConnection | None = None

    def raw(self, method: str, path: str, body: bytes | None = None,
            headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        """One request as is: (status, headers with lower-case names, body)."""
        if not self.keep_alive:
            conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            try:
                return self._exchange(conn, method, path, body, headers)
            finally:
                conn.close()
        reused = self._conn is not None
        if self._conn is None:
            self._conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            answer = self._exchange(self._conn, method, path, body, headers)
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            self.disconnect()
            if not reused:
                raise
            # the server closed the idle connection before reading this request (as browsers
            # do, send it again once on a new connection)
            return self.raw(method, path, body, headers)
        except BaseException:
            self.disconnect()
            raise
        if answer[1].get("connection", "").lower() == "close":
            self.disconnect()
        return answer

    def _exchange(self, conn: http.client.HTTPConnection, method: str, path: str,
                  body: bytes | None, headers: dict[str, str] | None
                  ) -> tuple[int, dict[str, str], bytes]:
        conn.request(method, path, body=body, headers=headers or {})
        res = conn.getresponse()
        return res.status, {k.lower(): v for k, v in res.getheaders()}, res.read()

    def disconnect(self) -> None:
        """Close the kept-alive connection, if any (the next request opens a new one)."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def call(self, method: str, path: str, payload: Any = None) -> Any:
        """A JSON request; returns the decoded answer (bytes for a non-JSON one)."""
        body, headers = None, {}
        if payload is not None:
            body = json.dumps(payload).encode()
            headers["Content-Type"] = "application/json"
        status, head, data = self.raw(method, path, body, headers)
        is_json = head.get("content-type", "").startswith("application/json")
        if status >= 400:
            message = json.loads(data)["error"] if is_json else data.decode(errors="replace")
            raise ApiError(status, message)
        if status == 204:
            return None
        return json.loads(data) if is_json else data

    def _path(self, tail: str) -> str:
        if self.session is None:
            raise RuntimeError("call create() first")
        return f"/api/session/{self.session}{tail}"

    def meta(self) -> dict:
        return self.call("GET", "/api/meta")

    def create(self, query: str = "") -> dict:
        answer = self.call("POST", "/api/session", {"query": query})
        self.session = answer["setup"]["session"]
        return answer

    def state(self) -> dict:
        return self.call("GET", self._path(""))

    def configure(self, **settings: Any) -> dict:
        return self.call("POST", self._path("/config"), settings)

    def step(self, steps: int = 1, budget_ms: float | None = None,
             history_since: str | None = None) -> dict:
        """Train; ``history_since``: an earlier snapshot's ``history_cursor``, so that the
        answer's ``history`` holds only the loss points after it (from ``history_from``)."""
        body: dict[str, Any] = {"steps": steps}
        if budget_ms is not None:
            body["budget_ms"] = budget_ms
        if history_since is not None:
            body["history_since"] = history_since
        return self.call("POST", self._path("/step"), body)

    def set_weight(self, layer: int, neuron: int, input: int | None, value: float) -> dict:  # noqa: A002
        """Set ``layers.<layer>.weight[neuron, input]`` (``input=None``: the bias)."""
        return self.call("POST", self._path("/weight"),
                         {"layer": layer, "neuron": neuron, "input": input, "value": value})

    def neuron_map(self, layer: int, neuron: int) -> dict:
        return self.call("GET", self._path(f"/map?layer={layer}&neuron={neuron}"))

    def reset(self) -> dict:
        return self.call("POST", self._path("/reset"), {})

    def close(self) -> None:
        self.call("POST", self._path("/close"), {})

    def graph(self, sample: int = 0, part: str = "train") -> dict:
        return self.call("GET", self._path(f"/graph?sample={sample}&part={part}"))

    def stepper(self, sample: int = 0, layer: int = 0, neuron: int = 0) -> bytes:
        return self.call("GET", self._path(f"/stepper?sample={sample}&layer={layer}"
                                           f"&neuron={neuron}"))

    def sample_neuron(self, sample: int = 0, part: str = "train", layer: int | None = None,
                      neuron: int | None = None, keep: bool = False) -> dict:
        """The neuron the page steps through for a sample (one that passes a gradient back)."""
        query = f"/neuron?sample={sample}&part={part}"
        if layer is not None:
            query += f"&layer={layer}&neuron={neuron or 0}&keep={int(keep)}"
        return self.call("GET", self._path(query))

    def export(self, kind: str) -> bytes:
        return self.call("GET", self._path(f"/export.{kind}"))

    def upload(self, body: bytes, name: str = "data.csv") -> dict:
        status, head, data = self.raw("POST", "/api/upload", body,
                                      {"Content-Type": "text/csv", "X-Filename": name})
        answer = json.loads(data)
        if status >= 400:
            raise ApiError(status, answer["error"])
        return answer
