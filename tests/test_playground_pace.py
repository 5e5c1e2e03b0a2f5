"""A class on one server (issue 16): step answers that carry only the new loss points
(``history_since`` / ``history_cursor``), the ``sharing`` count a page paces itself by, the
``spread`` of ``/api/meta``'s pace, kept-alive connections (answered at once: TCP_NODELAY) and
the client that keeps one, as a browser tab does."""

import json
import socket
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytest.importorskip("chainrule.nn", reason="the playground trains nn models")

from playground_support import SMALL, refused  # noqa: E402

from chainrule.playground import server as server_module  # noqa: E402
from chainrule.playground import trainer as trainer_module  # noqa: E402
from chainrule.playground.client import Client  # noqa: E402

KEYS = ("step", "epoch", "train", "test")


def merged(held, snapshot):
    """What the page does with an answer (app.js ``withHistory``)."""
    start = snapshot["history_from"]
    if start == 0:
        return snapshot["history"]
    return {k: held[k][:start] + snapshot["history"][k] for k in KEYS}


def test_a_step_with_the_cursor_carries_only_the_new_points(client):
    first = client.step(2)["snapshot"]
    assert first["history_from"] == 0 and len(first["history"]["step"]) == 2
    held, cursor = first["history"], first["history_cursor"]
    for _ in range(5):
        answer = client.step(3, history_since=cursor)["snapshot"]
        assert answer["history_from"] == len(held["step"])
        assert len(answer["history"]["step"]) == 1  # one new point a step request
        held, cursor = merged(held, answer), answer["history_cursor"]
    assert held == client.state()["snapshot"]["history"]  # the whole curve, as the server has it
    assert "history_from" in client.state()["snapshot"]  # other answers: the whole history
    assert client.state()["snapshot"]["history_from"] == 0


def test_a_cursor_that_names_no_prefix_gets_the_whole_history(client):
    snap = client.step(1)["snapshot"]
    cursor = snap["history_cursor"]
    client.reset()  # a new history: the old cursor names nothing in it
    after = client.step(1, history_since=cursor)["snapshot"]
    assert after["history_from"] == 0 and after["history"]["step"] == [0, 1]
    number, _ = after["history_cursor"].split(":")
    ahead = client.step(1, history_since=f"{number}:99")["snapshot"]  # longer than the history
    assert ahead["history_from"] == 0 and len(ahead["history"]["step"]) == 3
    client.configure(layers=[2])  # a new model: a new history
    fresh = client.step(1, history_since=ahead["history_cursor"])["snapshot"]
    assert fresh["history_from"] == 0 and fresh["history"]["step"] == [0, 1]


def test_thinning_the_history_gives_it_a_new_number(client, monkeypatch):
    monkeypatch.setattr(trainer_module, "HISTORY_LIMIT", 6)
    snap = client.step(1)["snapshot"]
    held, cursor = snap["history"], snap["history_cursor"]
    thinned = False
    for _ in range(10):
        answer = client.step(1, history_since=cursor)["snapshot"]
        thinned |= answer["history_from"] == 0
        held, cursor = merged(held, answer), answer["history_cursor"]
        assert held == client.state()["snapshot"]["history"]
    assert thinned and len(held["step"]) <= 7


def test_a_malformed_cursor_is_refused_before_training(client):
    steps = client.state()["snapshot"]["step"]
    for bad in ["12", "a:b", "1:2:3", " 1:2", "1:-2", 12, 1.5, [1, 2], {"a": 1}, True,
                "9" * 16 + ":1"]:
        refused(lambda bad=bad: client.step(1, history_since=bad), 400, "history_since")
    assert client.state()["snapshot"]["step"] == steps


CURSORS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30), st.from_regex(r"[0-9]{1,3}:[0-9]{1,4}", fullmatch=True),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(since=CURSORS, steps=st.one_of(st.integers(-3, 600), st.text(max_size=3)))
def test_any_step_fields_are_answered_or_refused_never_a_5xx(server, since, steps):
    c = Client(server.url)
    c.create(SMALL)
    status, _, body = c.raw("POST", c._path("/step"),
                            json.dumps({"steps": steps, "history_since": since}).encode(),
                            {"Content-Type": "application/json"})
    assert status in (200, 400), body
    answer = json.loads(body)
    if status == 200:
        assert answer["sharing"] >= 1 and answer["snapshot"]["history_from"] >= 0
    else:
        assert answer["error"]


def test_sharing_and_the_pace(server, client):
    pace = client.meta()["pace"]
    assert pace["spread"] >= 1 and {"budget_ms", "frame_ms", "max_steps"} <= set(pace)
    assert client.step(1, 30)["sharing"] == 1  # alone on the server
    assert client.step(1)["sharing"] == 1


def test_kept_alive_connections_are_answered_at_once(server, monkeypatch):
    """A kept-alive connection (a browser tab's) sets TCP_NODELAY: without it each answer's
    body waits for the client's delayed acknowledgement of its headers (~40 ms on Linux)."""
    seen = []
    setup = server_module.Handler.setup

    def recording(self):
        setup(self)
        seen.append(self.connection.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))

    monkeypatch.setattr(server_module.Handler, "setup", recording)
    c = Client(server.url, keep_alive=True)
    c.create(SMALL)
    for _ in range(5):
        c.step(1)
    assert len(seen) == 1 and seen[0] != 0  # six requests on one connection, without Nagle


def test_a_kept_alive_client_reconnects_after_the_server_hangs_up(monkeypatch):
    from chainrule.playground import make_server

    monkeypatch.setattr(server_module, "IDLE_SECONDS", 0.2)
    s = make_server(port=0)
    s.start()
    try:
        c = Client(s.url, keep_alive=True)
        c.create(SMALL)
        first = c._conn
        time.sleep(0.6)  # the server closes the idle connection
        assert c.step(2)["ran"] == 2  # sent again on a new connection
        assert c._conn is not None and c._conn is not first
        c.disconnect()
        assert c._conn is None and c.step(1)["ran"] == 1
    finally:
        s.stop()
