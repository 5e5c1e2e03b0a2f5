"""The playground's uploads and HTTP plumbing, through a real server on an ephemeral port: CSV
files good and bad, static files, unknown paths and methods, body limits, hosts and origins."""

import json

import numpy as np
import pytest

nn = pytest.importorskip("chainrule.nn", reason="the playground trains nn models")
pytest.importorskip("chainrule.autograd", reason="the playground needs the engine").Tensor  # noqa: B018

from playground_support import refused  # noqa: E402

from chainrule.playground.client import Client  # noqa: E402

# --- uploads ----------------------------------------------------------------------------------

def csv_text(rows=40, label=lambda i: i % 2, header=True):
    rng = np.random.default_rng(0)
    lines = ["x1,x2,label"] if header else []
    lines += [f"{a:.4f},{b:.4f},{label(i)}" for i, (a, b) in enumerate(rng.normal(size=(rows, 2)))]
    return ("\n".join(lines) + "\n").encode()


def test_upload_and_train_on_it(client):
    info = client.upload(csv_text(label=lambda i: 7 if i % 2 else -3), "mine.csv")
    assert info["rows"] == 40 and info["task"] == "binary" and info["classes"] == ["-3", "7"]
    answer = client.configure(data="csv", csv=info["csv"])
    assert answer["setup"]["classes"] == ["-3", "7"] and "csv=" + info["csv"] in answer["setup"][
        "query"]
    assert client.step(3)["ran"] == 3
    again = Client(client.host and f"http://{client.host}:{client.port}/")
    assert again.create(answer["setup"]["query"])["setup"]["config"]["csv"] == info["csv"]


def test_upload_kinds_of_labels(client):
    assert client.upload(csv_text(label=lambda i: i % 4))["task"] == "multiclass"
    assert client.upload(csv_text(label=lambda i: i * 0.5))["task"] == "regression"
    many = client.upload(csv_text(label=lambda i: i % 9))
    assert many["task"] == "regression" and "regression" in many["note"]


@pytest.mark.parametrize("body, status, words", [
    (b"", 400, "empty"),
    (b"x1,x2,label\n", 400, "no data rows"),
    (csv_text(rows=5), 400, "10 to 2000"),
    (csv_text(rows=2100), 400, "10 to 2000"),
    (b"1,2,0\n3,4\n", 400, "line 2"),
    (b"1,2,0\n3,oops,1\n", 400, "'oops' is not a number"),
    (b"1,2,0\n3,inf,1\n", 400, "not a finite number"),
    (csv_text(label=lambda i: 1), 400, "at least two"),
    (b"\x00\x01\x02binary", 400, "binary"),
    (b"1,2,\xff\n", 400, "utf-8"),
    (b"1,2,0\n" * 200_000, 413, "limit"),
])
def test_upload_refuses_bad_files(client, body, status, words):
    refused(lambda: client.upload(body, "bad.csv"), status, words)


def test_upload_needs_its_content_type(client):
    status, _, data = client.raw("POST", "/api/upload", csv_text(), {"Content-Type": "text/plain"})
    assert status == 400 and "text/csv" in json.loads(data)["error"]


# --- HTTP plumbing and safety -----------------------------------------------------------------

def test_page_and_static_files(server):
    c = Client(server.url)
    status, head, body = c.raw("GET", "/")
    assert status == 200 and b"<title>chainrule playground</title>" in body
    assert "default-src 'self'" in head["content-security-policy"]
    assert head["x-content-type-options"] == "nosniff"
    for path in ("/static/js/app.js", "/static/style.css"):
        status, head, body = c.raw("GET", path)
        assert status == 200 and body
    for path in ("/static/../server.py", "/static/%2e%2e/server.py", "/etc/passwd", "/static/"):
        assert c.raw("GET", path)[0] == 404


def test_no_network_references_in_the_page():
    from pathlib import Path

    import chainrule.playground

    static = Path(chainrule.playground.__file__).with_name("static")
    for path in static.rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            assert "http://" not in text.replace("http://www.w3.org/", ""), path
            assert "https://" not in text and "//cdn" not in text, path


def test_unknown_paths_and_methods(server):
    c = Client(server.url)
    refused(lambda: c.call("GET", "/api/nothing"), 404, "no such api endpoint")
    refused(lambda: c.call("GET", "/api/upload"), 405, "takes post")
    refused(lambda: c.call("DELETE", "/api/meta"), 405, "takes get")
    assert c.raw("POST", "/")[0] == 405


def test_oversized_and_malformed_bodies(client):
    path = f"/api/session/{client.session}/config"
    status, _, data = client.raw("POST", path, b"{}", {"Content-Length": "99999999",
                                                        "Content-Type": "application/json"})
    assert status == 413 and "limit" in json.loads(data)["error"]
    status, _, _ = client.raw("POST", path, b"{}", {"Content-Length": "abc"})
    assert status == 400
    assert client.state()["snapshot"]["step"] == 0  # still serving


def test_foreign_hosts_and_origins_are_refused(client):
    status, _, data = client.raw("GET", "/api/meta", None, {"Host": "evil.example:80"})
    assert status == 400 and "only to 127.0.0.1" in json.loads(data)["error"]
    status, _, data = client.raw("POST", f"/api/session/{client.session}/step", b'{"steps": 1}',
                                 {"Origin": "http://evil.example",
                                  "Content-Type": "application/json"})
    assert status == 400 and "not allowed" in json.loads(data)["error"]
    assert client.raw("GET", "/api/meta", None, {"Origin": "null"})[0] == 400
    assert client.raw("GET", "/api/meta", None, {"Host": "localhost:1"})[0] == 200
