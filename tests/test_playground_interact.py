"""The playground's interactions through its API: drawn points (in the link, or uploaded in view
coordinates), editing a weight or a bias, one neuron's map, a step's time budget, the palette."""

import base64
import json

import numpy as np
import pytest

pytest.importorskip("chainrule.nn", reason="the playground trains nn models")

from playground_support import refused  # noqa: E402

from chainrule.playground import data as D  # noqa: E402
from chainrule.playground import drawn  # noqa: E402
from chainrule.viz import palette  # noqa: E402


def test_drawn_points_round_trip_through_the_link():
    rng = np.random.default_rng(0)
    X = rng.uniform(-D.VIEW, D.VIEW, size=(50, 2))
    y = rng.integers(0, 5, size=50)
    text = drawn.encode(X, y, D.VIEW)
    assert len(text) == 5 * 50
    X2, y2 = drawn.decode(text, D.VIEW)
    assert np.array_equal(y2, y) and np.max(np.abs(X2 - X)) <= D.VIEW / drawn.STEPS + 1e-12


def test_drawing_makes_the_data(client):
    X = np.array([[-2.0, -2.0], [-1.5, -2.5], [2.0, 2.0], [2.5, 1.5], [0.0, 3.0], [1.0, -3.0]])
    y = np.array([0, 0, 1, 1, 2, 2])
    answer = client.configure(data="drawn", pts=drawn.encode(X, y, D.VIEW))
    setup = answer["setup"]
    assert setup["task"] == "multiclass" and setup["classes"] == ["0", "1", "2"]
    assert "pts=" in setup["query"] and setup["config"]["loss"] == "ce"
    rows = np.array(setup["points"]["train"] + setup["points"]["test"])
    assert len(rows) == 6  # used as drawn: no re-centring or scaling
    got = rows[np.lexsort(rows[:, :2].T)][:, :2]
    assert np.allclose(got, X[np.lexsort(X.T)], atol=2e-3)
    assert client.step(3)["ran"] == 3
    # another tab opening the link gets the same points
    again = type(client)(f"http://{client.host}:{client.port}/")
    assert again.create(setup["query"])["setup"]["points"] == setup["points"]
    refused(lambda: client.configure(pts=drawn.encode(X[:2], y[:2], D.VIEW)), 400, "at least 4")
    refused(lambda: client.configure(pts=drawn.encode(X, 0 * y, D.VIEW)), 400, "two classes")
    refused(lambda: client.configure(pts="abc"), 400, "5 url-safe")
    refused(lambda: client.configure(pts=drawn.encode(X, y + 5, D.VIEW)), 400, "classes 0 to 4")
    refused(lambda: client.configure(data="drawn", pts=""), 400, "draw on the output map")
    # switching to another dataset drops the points from the link
    assert "pts=" not in client.configure(data="moons")["setup"]["query"]


def test_a_large_drawing_is_uploaded_in_view_coordinates(client):
    rng = np.random.default_rng(1)
    X = rng.uniform(-3.9, 3.9, size=(drawn.MAX_IN_LINK + 50, 2))
    rows = "\n".join(f"{a:.4f},{b:.4f},{int(a > 0)}" for a, b in X)
    body = f"x1,x2,label\n{rows}\n".encode()
    status, _, _ = client.raw("POST", "/api/upload", body, {"Content-Type": "text/csv",
                                                             "X-Coordinates": "sideways"})
    assert status == 400
    info = json.loads(client.raw("POST", "/api/upload", body, {
        "Content-Type": "text/csv", "X-Coordinates": "view"})[2])
    plain = client.upload(body)
    assert info["csv"] != plain["csv"]  # the same text, read two ways: two ids
    setup = client.configure(data="csv", csv=info["csv"])["setup"]
    pts = np.array(setup["points"]["train"] + setup["points"]["test"])
    assert np.abs(pts[:, :2]).max() == pytest.approx(np.abs(X).max(), abs=1e-3)  # not rescaled
    far = b"x1,x2,label\n" + b"9,9,0\n" * 5 + b"1,1,1\n" * 5
    status, _, data = client.raw("POST", "/api/upload", far, {"Content-Type": "text/csv",
                                                              "X-Coordinates": "view"})
    assert status == 400 and b"in the view" in data


def test_editing_a_weight_and_a_bias(client):
    before = client.state()["snapshot"]
    answer = client.set_weight(0, 1, 0, 2.5)
    w = answer["snapshot"]["weights"]
    assert w[0]["w"][1][0] == 2.5 and answer["snapshot"]["maps"] != before["maps"]
    assert client.set_weight(1, 0, None, -1.25)["snapshot"]["weights"][1]["b"][0] == -1.25
    assert client.step(1)["ran"] == 1  # training goes on from the edited values
    for bad, words in [((2, 0, 0, 1.0), "layer must be"), ((0, 4, 0, 1.0), "neuron must be"),
                       ((0, 0, 2, 1.0), "input must be"), ((0, 0, 0, 1e9), "value must be"),
                       ((0, 0, 0, True), "value must be")]:
        refused(lambda bad=bad: client.set_weight(*bad), 400, words)


def test_one_neurons_map_at_the_outputs_resolution(client):
    meta = client.meta()
    m = client.neuron_map(0, 2)
    assert m["grid"] == meta["grid"] >= 100
    values = np.frombuffer(base64.b64decode(m["values"]), np.uint8)
    assert values.size == m["grid"] ** 2 and values.std() > 0
    refused(lambda: client.neuron_map(5, 0), 400, "layer must be")
    refused(lambda: client.neuron_map(0, 9), 400, "neuron must be")


def test_a_step_keeps_to_its_budget(client):
    assert client.step(500, budget_ms=1)["ran"] >= 1  # at least one batch, then stop
    assert client.step(500, budget_ms=1)["ran"] < 500
    assert client.step(4, budget_ms=2000)["ran"] == 4
    refused(lambda: client.step(1, budget_ms=0), 400, "budget_ms")
    refused(lambda: client.step(1, budget_ms="fast"), 400, "budget_ms")


def test_meta_carries_the_palette_and_the_api_stays_compatible(client):
    meta = client.meta()
    assert meta["palette"] == palette.as_dict() and meta["classroom"] is False
    assert meta["markers"] == list(palette.MARKERS)  # class shapes, a cue besides colour
    assert meta["share_base"] is None  # on loopback, links use the page's own address
    answer = client.step(1)  # the old fields are all still there
    assert {"ran", "snapshot"} <= set(answer)
    assert {"step", "epoch", "diverged", "scores", "history", "weights", "maps"} <= set(
        answer["snapshot"])
    assert "small" not in answer["snapshot"]["maps"]  # the teacher's thumbnail stays server-side
