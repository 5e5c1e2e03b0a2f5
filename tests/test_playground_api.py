"""The playground's HTTP API, through a real server on an ephemeral port: every endpoint, and
every validation rule answering 4xx with a message (and the server still working after it)."""

import io
import json

import numpy as np
import pytest

nn = pytest.importorskip("chainrule.nn", reason="the playground trains nn models")
pytest.importorskip("chainrule.autograd", reason="the playground needs the engine").Tensor  # noqa: B018

from playground_support import SMALL, refused  # noqa: E402

from chainrule.playground.client import Client  # noqa: E402

# --- meta and sessions ------------------------------------------------------------------------

def test_meta_lists_settings_and_limits(server):
    meta = Client(server.url).meta()
    keys = [f["key"] for f in meta["fields"]]
    assert {"data", "layers", "act", "loss", "opt", "lr", "batch", "reg", "rate"} <= set(keys)
    assert meta["limits"]["hidden_layers"] == 6 and meta["limits"]["neurons"] == 16
    assert [f["name"] for f in meta["features"]][:2] == ["x1", "x2"]
    assert set(meta["available"]) == {"graph", "stepper"}


def test_create_gives_setup_and_snapshot(server):
    answer = Client(server.url).create("data=spirals&classes=4&layers=8,6&act=relu")
    setup, snap = answer["setup"], answer["snapshot"]
    assert setup["task"] == "multiclass" and setup["sizes"] == [2, 8, 6, 4]
    assert setup["config"]["loss"] == "ce"  # the default loss of the task, not BCE
    assert "loss=ce" in setup["query"] and "layers=8,6" in setup["query"]
    assert len(setup["points"]["train"]) + len(setup["points"]["test"]) == 300
    assert snap["step"] == 0 and snap["maps"]["output"]["kind"] == "classes"
    assert len(snap["maps"]["layers"]) == 3 and len(snap["maps"]["layers"][0]) == 8


def test_query_round_trips(server):
    c = Client(server.url)
    first = c.create("data=circles&noise=0.2&feat=x1sq,x2sq&layers=&act=linear&lr=0.3&hide=lr")
    again = Client(server.url).create(first["setup"]["query"])
    assert again["setup"]["config"] == first["setup"]["config"]
    assert again["setup"]["points"] == first["setup"]["points"]
    assert again["snapshot"]["weights"] == first["snapshot"]["weights"]


@pytest.mark.parametrize("query, words", [
    ("layers=8,8,8,8,8,8,8", "at most 6"),
    ("layers=17", "from 1 to 16"),
    ("layers=0", "from 1 to 16"),
    ("lr=0", "above 0"),
    ("lr=nan", "learning rate"),
    ("lr=1e400", "learning rate"),
    ("noise=0.9", "noise"),
    ("n=5", "number of points"),
    ("n=100000", "number of points"),
    ("test=1", "test fraction"),
    ("batch=0", "batch"),
    ("seed=-1", "seed"),
    ("act=softmax", "relu, tanh"),
    ("feat=", "at least 1"),
    ("feat=x3", "x1, x2"),
    ("data=mnist", "moons"),
    ("classes=9", "classes"),
    ("color=red", "unknown setting"),
    ("lr=1&lr=2", "twice"),
    ("data=csv", "upload a csv"),
    ("data=csv&csv=0123456789abcdef", "upload it again"),
    ("csv=../../etc", "hex digits"),
    ("data=spirals&loss=bce", "does not fit"),
    ("data=regression&loss=hinge", "does not fit"),
    ("showtest=maybe", "1 or 0"),
    ("hide=everything", "hidden controls"),
    ("x" * 5000, "characters"),
])
def test_create_refuses_bad_settings(server, query, words):
    refused(lambda: Client(server.url).create(query), 400, words)


def test_create_validates_its_body(server):
    c = Client(server.url)
    refused(lambda: c.call("POST", "/api/session", {"query": 3}), 400, "string")
    refused(lambda: c.call("POST", "/api/session", {"query": "", "x": 1}), 400, "unknown field")
    refused(lambda: c.call("POST", "/api/session", [1, 2]), 400, "json object")


def test_state_and_close(client):
    assert client.state()["setup"]["session"] == client.session
    client.close()
    refused(client.state, 404, "reload the page")
    refused(lambda: client.step(1), 404, "session")


def test_sessions_are_independent(server):
    a, b = Client(server.url), Client(server.url)
    a.create(SMALL)
    b.create(SMALL)
    assert a.session != b.session
    a.step(30)
    assert b.state()["snapshot"]["step"] == 0
    assert a.state()["snapshot"]["step"] == 30
    b.configure(layers=[3, 3])
    assert a.state()["setup"]["sizes"] == [2, 4, 1]


# --- configuring ------------------------------------------------------------------------------

def test_training_settings_keep_the_weights(client):
    client.step(10)
    before = client.state()["snapshot"]
    after = client.configure(lr=0.1, opt="sgd", batch=5, reg="l2", rate=0.01)
    assert after["snapshot"]["step"] == 10
    assert after["snapshot"]["weights"] == before["weights"]
    assert after["data_changed"] is False


def test_model_settings_rebuild_the_model(client):
    client.step(10)
    answer = client.configure(layers=[5, 3], act="relu", feat=["x1", "x2", "x1x2"])
    assert answer["snapshot"]["step"] == 0 and answer["setup"]["sizes"] == [3, 5, 3, 1]
    assert answer["data_changed"] is False


def test_data_settings_rebuild_everything(client):
    before = client.state()["setup"]["points"]
    answer = client.configure(noise=0.3, seed=4)
    assert answer["data_changed"] is True
    assert answer["setup"]["points"] != before


def test_switching_task_picks_a_fitting_loss(client):
    assert client.configure(loss="hinge")["setup"]["config"]["loss"] == "hinge"
    assert client.configure(data="regression")["setup"]["config"]["loss"] == "mse"
    assert client.configure(data="blobs", classes=2)["setup"]["config"]["loss"] == "bce"
    refused(lambda: client.configure(loss="ce"), 400, "does not fit")


def test_bad_patch_changes_nothing(client):
    before = client.state()["setup"]["config"]
    refused(lambda: client.configure(lr=0.5, layers=[99]), 400, "hidden layers")
    refused(lambda: client.configure(lr=True), 400, "learning rate")
    refused(lambda: client.configure(layers="a,b"), 400, "whole number")
    refused(lambda: client.configure(batch=2.5), 400, "batch")
    refused(lambda: client.configure(secret=1), 400, "unknown setting")
    assert client.state()["setup"]["config"] == before


def test_json_bodies_are_checked(client):
    path = f"/api/session/{client.session}/config"
    for body, words in [(b"{", "not valid json"), (b'{"lr": NaN}', "not a number"),
                        (b"[]", "json object"), (b'{"lr": Infinity}', "not a number"),
                        (b"\xff\xfe", "not valid json")]:
        status, _, data = client.raw("POST", path, body, {"Content-Type": "application/json"})
        assert status == 400 and words in json.loads(data)["error"].lower(), data
    status, _, data = client.raw("POST", path, b'{"lr": 0.1}', {"Content-Type": "text/plain"})
    assert status == 400 and "application/json" in json.loads(data)["error"]


# --- training ---------------------------------------------------------------------------------

def test_step_trains_and_counts(client):
    answer = client.step(25)
    snap = answer["snapshot"]
    assert answer["ran"] == 25 and snap["step"] == 25
    assert snap["epoch"] == 25 // 4  # 70 training points in batches of 20, 20, 20, 10
    first = snap["history"]["test"][0]
    for _ in range(4):
        snap = client.step(100)["snapshot"]
    assert snap["scores"]["test"]["loss"] < first
    assert snap["scores"]["train"]["accuracy"] > 0.8


@pytest.mark.parametrize("steps, words", [(0, "1 to 500"), (501, "1 to 500"), (2.5, "whole"),
                                          ("3", "whole"), (True, "whole"), (None, "whole")])
def test_step_refuses_bad_counts(client, steps, words):
    refused(lambda: client.step(steps), 400, words)


def test_step_refuses_unknown_fields(client):
    path = f"/api/session/{client.session}/step"
    refused(lambda: client.call("POST", path, {"steps": 1, "fast": True}), 400, "unknown field")


def test_reset_restores_the_initial_weights(client):
    start = client.state()["snapshot"]["weights"]
    client.step(40)
    snap = client.reset()["snapshot"]
    assert snap["step"] == 0 and snap["weights"] == start


def test_divergence_is_reported_not_crashed(server):
    c = Client(server.url)
    c.create("data=regression&layers=16,16&act=relu&opt=sgd&lr=10&batch=100")
    snap = c.step(200)["snapshot"]
    assert snap["diverged"] is True and snap["step"] < 200
    assert c.step(5)["ran"] == 0  # stays stopped until a reset
    assert c.reset()["snapshot"]["diverged"] is False


# --- pictures and downloads -------------------------------------------------------------------

def test_graph_of_one_sample(client):
    client.step(5)
    answer = client.graph(sample=3)
    assert answer["svg"].lstrip().startswith(("<?xml", "<svg"))
    assert "loss" in answer["svg"] and "layers.0" in answer["svg"]
    assert answer["sample"] == 3 and len(answer["features"]) == 2


@pytest.mark.parametrize("query, words", [("sample=70", "0 to 69"), ("sample=-1", "whole number"),
                                          ("sample=x", "whole number"), ("part=val", "train")])
def test_graph_refuses_bad_samples(client, query, words):
    path = f"/api/session/{client.session}/graph?{query}"
    refused(lambda: client.call("GET", path), 400, words)


def test_stepper(client, server):
    if not client.meta()["available"]["stepper"]:
        refused(lambda: client.stepper(0, 0, 1), 501, "animate_backward")
        return
    html = client.stepper(0, 0, 1).decode()
    offline = html.replace("http://www.w3.org/", "")  # XML namespaces are names, not fetched
    assert "<html" in html.lower() and "http://" not in offline and "https://" not in offline
    status, head, _ = client.raw("GET", f"/api/session/{client.session}/stepper?sample=0")
    assert status == 200 and "default-src 'none'" in head["content-security-policy"]


@pytest.mark.parametrize("query, words", [("layer=2", "0 to 1"), ("neuron=4", "0 to 3"),
                                          ("layer=1&neuron=1", "0 to 0")])
def test_stepper_refuses_bad_neurons(client, query, words):
    path = f"/api/session/{client.session}/stepper?sample=0&{query}"
    refused(lambda: client.call("GET", path), 400, words)


def test_export_snippet_rebuilds_the_model(client):
    client.configure(feat=["x1", "x2", "sinx1"], loss="hinge")
    client.step(30)
    code = client.export("py").decode()
    scope = {"__name__": "snippet"}
    out = io.StringIO()
    import contextlib

    with contextlib.redirect_stdout(out):
        exec(compile(code, "snippet.py", "exec"), scope)
    snap = client.state()["snapshot"]
    for i, layer in enumerate(snap["weights"]):
        got = scope["model"].state_dict()[f"layers.{i}.weight"]
        assert np.allclose(got, layer["w"], atol=1e-5)
    assert "accuracy" in out.getvalue()
    status, head, _ = client.raw("GET", f"/api/session/{client.session}/export.py")
    assert head["content-disposition"] == 'attachment; filename="chainrule-moons-3-4-1.py"'


def _download(client, kind, folder):
    """Fetch export.<kind> and save it under the name the server gives it."""
    status, head, body = client.raw("GET", f"/api/session/{client.session}/export.{kind}")
    assert status == 200, body[:200]
    name = head["content-disposition"].split('filename="')[1].rstrip('"')
    (folder / name).write_bytes(body)
    return folder / name


def test_export_safetensors_rebuilds_the_model_and_torch_code_loads_it(client, tmp_path,
                                                                       monkeypatch):
    """Issue 15: the .safetensors download alone rebuilds the model (nn.load_model); the
    PyTorch code, beside it under its download name, builds the same network in PyTorch."""
    client.configure(feat=["x1", "x2", "x1x2"], layers=[5, 3])
    client.step(20)
    path = _download(client, "safetensors", tmp_path)
    assert path.name == "chainrule-moons-3-5-3-1.safetensors"
    model = nn.load_model(path)
    snap = client.state()["snapshot"]
    for i, layer in enumerate(snap["weights"]):
        assert np.allclose(model.state_dict()[f"layers.{i}.weight"], layer["w"], atol=1e-5)
    code_path = _download(client, "torch.py", tmp_path)
    assert code_path.name == "chainrule-moons-3-5-3-1-torch.py"
    code = code_path.read_text()
    assert f"load_file({path.name!r})" in code and "x1, x2, x1x2" in code
    torch = pytest.importorskip("torch")
    pytest.importorskip("safetensors")
    monkeypatch.chdir(tmp_path)
    scope = {"__name__": "exported"}
    exec(compile(code, str(code_path), "exec"), scope)
    X = np.random.default_rng(0).normal(size=(7, 3))
    with torch.no_grad():
        got = scope["model"](torch.tensor(X, dtype=torch.float64)).numpy()
    np.testing.assert_allclose(got[:, 0], nn.predict(model, X), rtol=0, atol=1e-6)


def test_export_onnx_runs_or_names_its_extra(client, tmp_path, monkeypatch):
    """With onnx installed the download runs in onnxruntime and gives the model's outputs;
    without it the answer is a 501 naming the extra to install (and /api/meta says so first)."""
    from chainrule.playground import export

    client.step(10)
    monkeypatch.setattr(export, "onnx_available", lambda: False)
    assert "chainrule[onnx]" in client.meta()["exports"]["missing"]["onnx"]
    refused(lambda: client.export("onnx"), 501, "pip install 'chainrule[onnx]'")
    monkeypatch.undo()
    assert client.meta()["exports"]["kinds"] == ["py", "npz", "safetensors", "torch.py", "onnx"]
    ort = pytest.importorskip("onnxruntime")
    pytest.importorskip("onnx")
    path = _download(client, "onnx", tmp_path)
    assert path.suffix == ".onnx"
    model = nn.load_model(_download(client, "safetensors", tmp_path))
    X = np.random.default_rng(1).normal(size=(5, 2)).astype(np.float32)
    got = ort.InferenceSession(str(path)).run(None, {"input": X})[0]
    np.testing.assert_allclose(got[:, 0], nn.predict(model, X.astype(np.float64)), atol=1e-5)


def test_export_npz_loads_into_a_scalar_model(client, tmp_path):
    client.step(10)
    path = tmp_path / "w.npz"
    path.write_bytes(client.export("npz"))
    scalar = nn.MLP(2, [4, 1], activation="tanh", engine="scalar")
    assert not scalar.load_state_dict(nn.load_state(path)).missing_keys
    snap = client.state()["snapshot"]
    assert np.allclose(scalar.state_dict()["layers.1.bias"], snap["weights"][1]["b"], atol=1e-5)
