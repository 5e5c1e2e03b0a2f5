"""A class on one server: share links at the address students reach, the teacher's page behind
its token (every session live, a set-up pushed to every student), and the command line."""

import json
import signal
import urllib.request

import pytest

pytest.importorskip("chainrule.nn", reason="the playground trains nn models")

from playground_support import SMALL, refused  # noqa: E402
from test_playground_cli import run_cli  # noqa: E402

from chainrule.playground import make_server  # noqa: E402
from chainrule.playground.client import Client  # noqa: E402
from chainrule.playground.hosts import reachable_address  # noqa: E402


@pytest.fixture(scope="module")
def room():
    s = make_server(port=0, classroom=True)
    s.start()
    yield s
    s.stop()


def teacher(server, method, path, body=None, token=None):
    room_token = server.api.classroom.token if token is None else token
    c = Client(server.url)
    status, _, data = c.raw(method, path, None if body is None else json.dumps(body).encode(),
                            {"X-Teacher-Token": room_token, "Content-Type": "application/json"})
    return status, json.loads(data) if data else None


def test_the_teacher_sees_every_session_and_pushes_a_set_up(room):
    a, b = Client(room.url), Client(room.url)
    a.create(SMALL)
    b.create("data=spirals&classes=4&n=200&layers=6")
    a.step(5)
    b.step(2)
    status, listing = teacher(room, "GET", "/api/teacher/sessions")
    assert status == 200
    mine = {s["query"]: s for s in listing["sessions"]}
    sa = next(s for q, s in mine.items() if "data=moons" in q)
    sb = next(s for q, s in mine.items() if "data=spirals" in q)
    assert sa["step"] == 5 and sb["step"] == 2 and sb["sizes"] == [2, 6, 4]
    assert sa["scores"]["train"]["loss"] > 0 and sb["map"]["kind"] == "classes"
    assert sa["map"]["grid"] == 25 and "session" not in sa  # no student's id leaks
    # a push reaches both students' inboxes, once
    assert a.call("GET", f"/api/session/{a.session}/inbox?since=0")["push"] is None
    status, pushed = teacher(room, "POST", "/api/teacher/push", {"query": "data=xor&layers=3"})
    assert status == 201 and pushed["push"]["id"] == 1
    for c in (a, b):
        got = c.call("GET", f"/api/session/{c.session}/inbox?since=0")["push"]
        assert got["id"] == 1 and "data=xor" in got["query"] and "layers=3" in got["query"]
    assert a.call("GET", f"/api/session/{a.session}/inbox?since=1")["push"] is None
    status, bad = teacher(room, "POST", "/api/teacher/push", {"query": "layers=99"})
    assert status == 400 and "layers" in bad["error"].lower()


def test_the_teacher_needs_the_token(room):
    c = Client(room.url)
    assert teacher(room, "GET", "/api/teacher/sessions", token="guess")[0] == 403
    assert teacher(room, "GET", "/api/teacher/sessions", token="")[0] == 403
    assert c.raw("GET", "/teacher")[0] == 403
    assert c.raw("GET", "/teacher?token=nope")[0] == 403
    status, _, page = c.raw("GET", room.teacher_url.split(str(room.server_address[1]))[1])
    assert status == 200 and b"Send a set-up to every student" in page


def test_without_classroom_there_is_no_teacher(client, server):
    refused(lambda: client.call("GET", "/api/teacher/sessions"), 404, "--classroom")
    assert client.call("GET", f"/api/session/{client.session}/inbox")["push"] is None
    assert Client(server.url).raw("GET", "/teacher")[0] == 404
    assert server.teacher_url is None


def test_share_links_use_the_address_students_reach():
    assert reachable_address("127.0.0.1") == "127.0.0.1"
    assert reachable_address("192.168.7.9") == "192.168.7.9"
    reach = reachable_address("0.0.0.0")
    assert reach != "0.0.0.0" and reach.count(".") == 3
    s = make_server(host="0.0.0.0", port=0)
    s.start()
    try:
        meta = Client(s.url).meta()
        port = s.server_address[1]
        assert meta["share_base"] == f"http://{reach}:{port}/" and s.url.startswith("http://127.")
        # a student's tab on the network address is served; a rebinding name is not
        c = Client(s.url)
        status, _, _ = c.raw("GET", "/api/meta", None, {"Host": f"{reach}:{port}"})
        assert status == 200
        status, _, _ = c.raw("GET", "/api/meta", None, {"Host": "school.example.com"})
        assert status == 400
    finally:
        s.stop()


def test_the_command_line_prints_the_students_and_the_teachers_links():
    proc = run_cli("--port", "0", "--no-browser", "--host", "0.0.0.0", "--classroom",
                   "--allow-host", "lab.school.example")
    try:
        lines = [proc.stdout.readline() for _ in range(3)]
        assert "chainrule playground at http://127.0.0.1:" in lines[0], proc.stderr.read()
        assert lines[1].startswith("students open http://") and "0.0.0.0" not in lines[1]
        assert "/teacher?token=" in lines[2]
        url = lines[2].split(": ", 1)[1].strip()
        with urllib.request.urlopen(url, timeout=10) as page:
            assert b"the class" in page.read()
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=10)
    assert "warning: listening on 0.0.0.0" in proc.stderr.read()
