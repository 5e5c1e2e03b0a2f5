"""The playground's model side: data, features, training steps, pictures, the scalar copy of one
sample, the neuron stepper's gradients (against finite differences), the export, the stores."""

import base64
import contextlib
import io

import numpy as np
import pytest

nn = pytest.importorskip("chainrule.nn", reason="the playground trains nn models")
pytest.importorskip("chainrule.autograd", reason="the playground needs the engine").Tensor  # noqa: B018

from nn_util import leaves_by_label  # noqa: E402

from chainrule import autograd, viz  # noqa: E402
from chainrule.playground import config as C  # noqa: E402
from chainrule.playground import data as D  # noqa: E402
from chainrule.playground import export, features, inspect_graph, pictures  # noqa: E402
from chainrule.playground.errors import BadRequest, NotFound, TooLarge  # noqa: E402
from chainrule.playground.session import Session, SessionStore  # noqa: E402
from chainrule.playground.trainer import Trainer  # noqa: E402
from chainrule.playground.uploads import MAX_CSV_BYTES, UploadStore, parse_csv  # noqa: E402


def trainer(query="data=moons&n=120&layers=5,3&batch=16", upload=None):
    config, given = C.from_query(query)
    data = D.build(config, upload)
    return Trainer(C.check_task(config, data.task, "loss" in given), data)


def test_data_is_in_the_view_and_split():
    t = trainer("data=blobs&classes=4&n=200&test=0.25")
    X = np.concatenate([t.data.X_train, t.data.X_test])
    assert np.isclose(np.abs(X).max(), D.SPAN) or np.abs(X).max() <= D.SPAN + 1e-9
    assert len(t.data.y_test) == 50 and t.data.task == "multiclass" and t.nout == 4
    assert np.abs(X).max() < D.VIEW


def test_regression_targets_are_standardised():
    t = trainer("data=regression&n=300&test=0.5")
    y = np.concatenate([t.data.y_train, t.data.y_test])
    assert abs(y.mean()) < 1e-12 and abs(y.std() - 1) < 1e-12 and t.config["loss"] == "mse"


def test_features_match_the_snippet_source():
    X = np.random.default_rng(1).normal(size=(20, 2))
    names = C.FEATURES
    scope = {"np": np}
    exec("def f(X):\n    " + features.source(names), scope)
    assert np.array_equal(scope["f"](X), features.transform(X, names))
    assert features.transform(X, ("x1sq",))[:, 0].tolist() == (X[:, 0] ** 2).tolist()


def test_training_is_reproducible_and_learns():
    a, b = trainer(), trainer()
    first = a.evaluate()["test"]["loss"]
    assert a.step(60) == 60 and b.step(60) == 60
    for (k, wa), wb in zip(a.model.state_dict().items(), b.model.state_dict().values()):
        assert np.array_equal(wa, wb), k
    assert a.evaluate()["test"]["loss"] < first
    assert a.steps == 60 and a.epochs == 60 // a.batches_per_epoch


def test_a_step_is_one_batch_of_plain_gradient_descent():
    t = trainer("data=xor&n=60&layers=3&opt=sgd&lr=0.1&batch=7&act=sigmoid")
    idx = t.order[:7]
    before = t.model.state_dict()
    t.step(1)
    after = t.model.state_dict()
    ref = nn.MLP(2, [3, 1], activation="sigmoid", engine="tensor")
    ref.load_state_dict(before)
    loss = nn.functional.binary_cross_entropy_with_logits(ref(t.Xtr[idx]), t.ytr[idx])
    loss.backward()
    for name, p in ref.named_parameters():
        assert np.allclose(after[name], before[name] - 0.1 * p.grad, atol=1e-14)


def test_regularisation_shrinks_weights():
    plain = trainer("data=circles&n=100&layers=6&opt=sgd&lr=0.1")
    l2 = trainer("data=circles&n=100&layers=6&opt=sgd&lr=0.1&reg=l2&rate=1")
    plain.step(40)
    l2.step(40)
    size = lambda t: sum(float(np.sum(w.data ** 2)) for w in t.weights)  # noqa: E731
    assert size(l2) < 0.7 * size(plain)


def test_retune_keeps_weights_and_adam_state():
    t = trainer("opt=adam")
    t.step(5)
    w, opt = t.model.state_dict(), t.optimizer
    t.retune({**t.config, "lr": 0.5, "batch": 3})
    assert t.optimizer is opt and t.optimizer.lr == 0.5
    assert all(np.array_equal(v, t.model.state_dict()[k]) for k, v in w.items())
    t.retune({**t.config, "opt": "sgd"})
    assert t.optimizer is not opt


def test_pack_and_lattice():
    v = np.array([-1.0, 0.0, 1.0, 2.0, np.nan])
    raw = np.frombuffer(base64.b64decode(pictures.pack(v)), dtype=np.uint8)
    assert raw.tolist() == [0, 128, 255, 255, 128]
    pts = pictures.lattice(4, view=2.0)
    assert pts[0].tolist() == [-1.5, 1.5] and pts[-1].tolist() == [1.5, -1.5]


def test_lattice_features_are_built_once_and_read_only():
    """Every step request draws on the same lattice: its features are computed once per
    feature set (the same array comes back, in float32 as the pictures' pass) and cannot be
    changed by a caller."""
    feat = ("x1", "x2", "sinx1")
    X = pictures.lattice_features(feat, 6, 3)
    assert pictures.lattice_features(feat, 6, 3) is X
    expected = features.transform(np.concatenate([pictures.lattice(6), pictures.lattice(3)]), feat)
    assert X.dtype == np.float32 and not X.flags.writeable
    assert np.array_equal(X, expected.astype(np.float32))
    assert pictures.lattice_features(("x1", "x2"), 6, 3).shape == (45, 2)


def test_maps_show_what_the_model_computes():
    t = trainer("data=moons&n=80&layers=4&loss=bce")
    t.step(20)
    maps = pictures.snapshot_maps(t, grid=8, thumb=4)
    pts = pictures.lattice(8)
    with np.errstate(all="ignore"):
        z = nn.predict(t.model, features.transform(pts, t.config["feat"]))
    expected = np.round((2 / (1 + np.exp(-z)) - 1 + 1) * 127.5)
    got = np.frombuffer(base64.b64decode(maps["output"]["values"]), dtype=np.uint8)
    assert np.abs(got - expected).max() <= 1
    assert [len(layer) for layer in maps["layers"]] == [4, 1]


def test_multiclass_map_is_the_argmax():
    t = trainer("data=spirals&classes=3&n=90&layers=6")
    maps = pictures.snapshot_maps(t, grid=6, thumb=4)
    z = nn.predict(t.model, features.transform(pictures.lattice(6), t.config["feat"]))
    cls = np.frombuffer(base64.b64decode(maps["output"]["classes"]), dtype=np.uint8)
    assert cls.tolist() == z.argmax(axis=1).tolist()


def test_scalar_copy_agrees_with_the_tensor_model():
    t = trainer("data=moons&n=60&layers=4,3&act=tanh&feat=x1,x2,x1x2")
    t.step(10)
    done = inspect_graph.forward_one(t, 5, "train")
    z = nn.predict(t.model, t.Xtr[5:6])
    assert abs(done["scores"][0] - float(z[0])) < 1e-12
    assert [v.label for v in done["layers"][0]] == ["x1", "x2", "x1*x2"]


@pytest.mark.parametrize("query, layer, neuron", [
    ("data=moons&n=50&layers=4,3&act=tanh", 0, 2),
    ("data=spirals&n=60&layers=5&act=relu", 1, 2),
    ("data=regression&n=40&layers=3&act=sigmoid", 0, 1),
])
def test_neuron_stepper_root_gives_the_loss_gradient(query, layer, neuron):
    """The stepper's root is out * dL/dout: its backward pass must give each weight of the neuron
    exactly dL/dw of the sample's loss, which finite differences of the tensor model confirm."""
    t = trainer(query)
    t.step(15)
    root = inspect_graph.neuron_root(t, 4, layer, neuron)
    root.backward()
    leaves = leaves_by_label(root)
    assert set(leaves) >= {"w.0", "b", "dL/dout"}  # the neuron's own names (the page says which)
    state = t.model.state_dict()

    def sample_loss(s):
        m = nn.MLP(t.sizes[0], t.sizes[1:], activation=t.config["act"], engine="tensor")
        m.load_state_dict(s)
        return float(t.loss_fn(m(t.Xtr[4:5]), t.ytr[4:5]).data)

    eps = 1e-6
    where = [("weight", (neuron, i), f"w.{i}") for i in range(t.sizes[layer])]
    for kind, index, label in [*where, ("bias", (neuron,), "b")]:
        plus, minus = dict(state), dict(state)
        for s, sign in ((plus, 1), (minus, -1)):
            p = s[f"layers.{layer}.{kind}"].copy()
            p[index] += sign * eps
            s[f"layers.{layer}.{kind}"] = p
        fd = (sample_loss(plus) - sample_loss(minus)) / (2 * eps)
        assert abs(leaves[label].grad - fd) < 1e-6 * max(1, abs(fd)), label


@pytest.mark.parametrize("layer, inputs", [(0, ["x1", "x2", "x1*x2"]), (1, ["a0", "a1", "a2"])])
def test_neuron_stepper_takes_one_step_per_input(layer, inputs):
    """Issue 16: the stepper shows the neuron, not a staircase. Each input's product and running
    sum are one named card, '+ w_i*input' (counting from 0 as the page does), so the backward
    pass through the weighted sum is one step per input; no layer or model frames."""
    t = trainer("data=moons&n=50&layers=3,2&feat=x1,x2,x1x2")
    root = inspect_graph.neuron_root(t, 2, layer, 1)
    model = viz.viewer.graph_model(root)
    cards = [g["name"] for g in model["groups"]]
    assert cards == [f"+ w{i}*{x}" for i, x in enumerate(inputs)]
    inside = [n for n in model["nodes"] if n["group"] is not None]
    assert len(inside) == 2 * len(inputs)  # a product and a sum in each card, nothing else
    leaves = {n["name"] for n in model["nodes"] if "op" not in n}
    assert leaves == {"w0", "w1", "w2", "b", *inputs, "dL/dout"}


def test_graph_and_stepper_refuse_bad_indices():
    t = trainer()
    with pytest.raises(BadRequest, match="sample"):
        inspect_graph.sample_point(t, len(t.ytr), "train")
    with pytest.raises(BadRequest, match="layer"):
        inspect_graph.neuron_root(t, 0, 3, 0)
    with pytest.raises(BadRequest, match="neuron"):
        inspect_graph.neuron_root(t, 0, 1, 3)


@pytest.mark.parametrize("query", [
    "data=moons&n=60&layers=4&loss=hinge",
    "data=spirals&n=60&classes=3&layers=4",
    "data=regression&n=60&layers=4&feat=x1,x2,sinx1",
])
def test_snippet_runs_and_matches(query):
    t = trainer(query)
    t.step(20)
    scope = {"__name__": "snippet"}
    with contextlib.redirect_stdout(io.StringIO()) as out:
        exec(compile(export.snippet(t), "snippet.py", "exec"), scope)
    X = np.concatenate([t.data.X_train, t.data.X_test])
    ours = features.transform(X, t.config["feat"])
    theirs = scope["features"](scope["X"])
    assert np.allclose(np.sort(theirs, axis=0), np.sort(ours, axis=0))
    for k, v in t.model.state_dict().items():
        assert np.array_equal(scope["model"].state_dict()[k], v)
    assert ("accuracy" in out.getvalue()) != (t.data.task == "regression")


@pytest.mark.parametrize("query, line", [
    ("data=moons&n=40&layers=2&loss=hinge", "y = 2 * y - 1  # hinge_loss wants labels -1 or +1"),
    ("data=moons&n=40&layers=2&loss=bce", "y = y.astype(float)  # binary_cross_entropy_with_"),
    ("data=spirals&n=40&layers=2", "# cross_entropy takes class indices 0..k-1 as they are"),
    ("data=regression&n=40&layers=2", "print('loss', nn.functional.mse_loss(scores, y).data)"),
])
def test_the_loss_and_its_targets_come_from_nn_losses(query, line):
    t = trainer(query)
    loss = nn.losses.get(t.config["loss"])
    assert t.loss_fn is loss
    assert np.array_equal(t.ytr, loss.encode(t.data.y_train)) and t.ytr.dtype == loss.encode(
        t.data.y_train).dtype
    assert line in export.snippet(t)


def test_csv_snippet_maps_labels():
    up = parse_csv(b"x1,x2,y\n" + b"".join(f"{i},{i % 3},{5 if i % 2 else 9}\n".encode()
                                            for i in range(30)), "d.csv")
    config = C.updated(C.DEFAULTS, {"data": "csv", "csv": up.id, "loss": "hinge"})
    t = Trainer(config, D.build(config, up))
    code = export.snippet(t)
    assert "load_csv" in code and "searchsorted" in code and "2 * y - 1" in code


def test_parse_csv_size_limit_and_names():
    with pytest.raises(TooLarge):
        parse_csv(b"1,2,0\n" * (MAX_CSV_BYTES // 6 + 1), "big.csv")
    with pytest.raises(BadRequest, match="notes.csv"):
        parse_csv(b"1,2,0\n1,2", "../../home/notes.csv")


def test_upload_store_keeps_the_latest():
    store = UploadStore(limit=2)
    ups = [parse_csv(csv_rows(seed), f"{seed}.csv") for seed in range(3)]
    for u in ups:
        store.add(u)
    assert store.get(ups[0].id) is None and store.get(ups[2].id) is ups[2]


def csv_rows(seed):
    rng = np.random.default_rng(seed)
    points = rng.normal(size=(12, 2))
    return "".join(f"{a},{b},{i % 2}\n" for i, (a, b) in enumerate(points)).encode()


def test_session_store_limits_and_expiry():
    store = SessionStore(UploadStore(), limit=2, idle=3600)
    config, _ = C.from_query("n=40&layers=2")
    a, b, c = (store.create(config) for _ in range(3))
    assert len(store) == 2
    with pytest.raises(NotFound):
        store.get(a.id)
    assert store.get(c.id) is c
    store.idle = -1  # everything is now too old
    with pytest.raises(NotFound):
        store.get(b.id)


def test_failed_configure_changes_nothing():
    s = Session("s", C.from_query("n=40&layers=2")[0], UploadStore())
    before, model = dict(s.config), s.trainer.model
    with pytest.raises(BadRequest):
        s.configure({"data": "spirals", "loss": "hinge"})
    assert s.config == before and s.trainer.model is model


@pytest.mark.parametrize("query", ["data=moons&layers=8,8&act=tanh",
                                   "data=spirals&classes=3&layers=6,6&act=relu",
                                   "data=circles&feat=x1,x2,x1sq,sinx1&layers=5&act=sigmoid"])
def test_float32_pictures_match_float64_within_one_level(query):
    """The pictures run on a float32 copy of the model: every neuron's thumbnail is within one
    of 256 levels of the same picture computed in float64 on the model itself, and a weight
    too big for float32 is clipped rather than turned into infinity."""
    t = trainer(query)
    t.step(40)
    with autograd.no_grad():
        X = features.transform(pictures.lattice(8), t.config["feat"])
        exact = [h.data for h in t.model.layer_outputs(X)]
    maps = pictures.snapshot_maps(t, grid=4, thumb=8)
    for layer, cols in zip(exact, maps["layers"], strict=True):
        want = np.round((np.clip(pictures.normalised(layer), -1, 1) + 1) * 127.5)
        got = np.array([np.frombuffer(base64.b64decode(c), np.uint8) for c in cols]).T
        assert np.abs(got - want).max() <= 1
    t.model.layers[0].weight.data[0, 0] = 1e300
    drawn = pictures.drawing_model(t).layers[0].weight.data
    assert drawn.dtype == np.float32 and drawn[0, 0] == np.float32(1e30)


def test_neuron_pictures_scale_each_column_by_its_finite_values():
    """``pack_neurons``: column j becomes round((a / max(1, max finite |a|) + 1) * 127.5);
    not-a-number is the neutral 128, infinities the ends, a column with nothing finite as is."""
    a = np.array([[0.5, 4.0, np.nan, np.inf],
                  [-0.5, -2.0, np.nan, 3.0],
                  [0.0, np.inf, np.nan, -np.inf]], dtype=np.float32)
    with np.errstate(all="ignore"):
        cols = [np.frombuffer(base64.b64decode(c), np.uint8).tolist()
                for c in pictures.pack_neurons(a)]
    assert cols == [[191, 64, 128], [255, 64, 255], [128, 128, 128], [255, 255, 0]]
