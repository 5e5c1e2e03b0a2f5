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
    """Calls one playground server; ``create`` starts a session that later calls use."""

    def __init__(self, url: str, timeout: float = 60.0) -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.timeout = timeout
        self.session: str | None = None

    def raw(self, method: str, path: str, body: bytes | None = None,
            headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        """One request as is: (status, headers with lower-case names, body)."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            res = conn.getresponse()
            return res.status, {k.lower(): v for k, v in res.getheaders()}, res.read()
        finally:
            conn.close()

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

    def step(self, steps: int = 1, budget_ms: float | None = None) -> dict:
        body: dict[str, Any] = {"steps": steps}
        if budget_ms is not None:
            body["budget_ms"] = budget_ms
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

    def export(self, kind: str) -> bytes:
        return self.call("GET", self._path(f"/export.{kind}"))

    def upload(self, body: bytes, name: str = "data.csv") -> dict:
        status, head, data = self.raw("POST", "/api/upload", body,
                                      {"Content-Type": "text/csv", "X-Filename": name})
        answer = json.loads(data)
        if status >= 400:
            raise ApiError(status, answer["error"])
        return answer
