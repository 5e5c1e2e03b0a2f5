"""export_onnx: the file passes onnx's full check and onnxruntime computes the model's outputs."""

import sys

import numpy as np
import pytest

from chainrule import nn

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

MODELS = {
    "scalar-mlp": nn.MLP(3, [4, 4, 2], seed=0),
    "mlp-f32-leaky": nn.MLP(3, [8, 8, 2], activation="leaky_relu", engine="tensor", seed=1,
                            dtype=np.float32),
    "mlp-nobias-linear": nn.MLP(3, [4, 2], activation="linear", engine="tensor", bias=False),
    "sequential-all": nn.Sequential(
        nn.Linear(3, 4, seed=5), nn.ReLU(), nn.Linear(4, 4, seed=6), nn.LeakyReLU(0.2),
        nn.Linear(4, 4, seed=7), nn.Softplus(), nn.Linear(4, 4, seed=8), nn.Sigmoid(),
        nn.Identity(), nn.Linear(4, 2, bias=False, seed=9), nn.Tanh()),
}


def _run(data, x):
    session = ort.InferenceSession(data, providers=["CPUExecutionProvider"])
    return session.run(["output"], {"input": x})[0]


@pytest.mark.parametrize("name", MODELS)
@pytest.mark.parametrize("dtype", [None, "float32"])
def test_onnxruntime_computes_the_model(name, dtype, tmp_path):
    model = MODELS[name]
    path = tmp_path / "m.onnx"
    nn.export_onnx(model, path, dtype=dtype)
    proto = onnx.load(path)
    onnx.checker.check_model(proto, full_check=True)
    assert proto.ir_version == nn.onnx_export.IR_VERSION == 8
    assert [(o.domain, o.version) for o in proto.opset_import] == [("", 17)]
    assert {i.name for i in proto.graph.initializer} >= set(model.state_dict())
    dt = np.dtype(dtype or next(iter(model.state_dict().values())).dtype)
    x = (np.random.default_rng(0).normal(size=(7, 3)) * 4).astype(dt)
    y = model(x.tolist()) if name == "scalar-mlp" else model(x)
    ours = np.array([[v.data for v in r] for r in y]) if name == "scalar-mlp" else y.data
    np.testing.assert_allclose(_run(path.read_bytes(), x), ours, rtol=1e-5, atol=1e-5)


def test_the_batch_size_is_free():
    data = nn.onnx_export.to_onnx(MODELS["mlp-f32-leaky"])
    for n in (1, 33):
        assert _run(data, np.zeros((n, 3), np.float32)).shape == (n, 2)


def test_refusals():
    with pytest.raises(ValueError, match="float32 or float64"):
        nn.onnx_export.to_onnx(MODELS["scalar-mlp"], dtype="int32")
    with pytest.raises(nn.UnsupportedLayer, match="Sequential\\(Linear"):
        nn.export_onnx(nn.Linear(2, 2, activation="tanh"), "never.onnx")


def test_without_onnx_the_error_names_the_extra(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "onnx", None)
    with pytest.raises(ImportError, match=r"pip install 'chainrule\[onnx\]'"):
        nn.export_onnx(nn.MLP(2, [1]), tmp_path / "m.onnx")
    assert not (tmp_path / "m.onnx").exists()


def test_a_cnn_in_float32():
    # onnxruntime's CPU kernels for Conv and AveragePool are float32 only
    model = nn.Sequential(
        nn.Conv2d(2, 4, 3, padding=1, seed=0), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(4, 4, 3, groups=2, stride=(1, 2), bias=False, seed=1), nn.AvgPool2d(1),
        nn.Flatten(), nn.LayerNorm(4), nn.Dropout(0.5), nn.Linear(4, 3, seed=2)).eval()
    data = nn.to_onnx(model, dtype="float32")
    onnx.checker.check_model(onnx.load_from_string(data), full_check=True)
    x = np.random.default_rng(0).normal(size=(5, 2, 6, 6)).astype(np.float32)
    np.testing.assert_allclose(_run(data, x), model(x.astype(np.float64)).data,
                               rtol=1e-5, atol=1e-5)
    proto = onnx.load_from_string(data)
    assert [d.dim_value for d in proto.graph.output[0].type.tensor_type.shape.dim][1:] == [3]


def test_input_shape_when_the_first_layer_does_not_fix_it():
    model = nn.Sequential(nn.LayerNorm(6), nn.Linear(6, 2, seed=0))
    with pytest.raises(ValueError, match="input_shape="):
        nn.to_onnx(model)
    data = nn.to_onnx(model, input_shape=(None, 6))
    x = np.random.default_rng(1).normal(size=(3, 6))
    np.testing.assert_allclose(_run(data, x), model(x).data, rtol=1e-5, atol=1e-5)
    with pytest.raises(nn.UnsupportedLayer, match="export_onnx: 0: ONNX export of Embedding"):
        nn.to_onnx(nn.Sequential(nn.Embedding(4, 2)), input_shape=(None, 3))
