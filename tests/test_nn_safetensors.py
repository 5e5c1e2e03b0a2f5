"""The .safetensors reader/writer: the format byte by byte, hostile files, and model files.

The oracle is the reference implementation (the ``safetensors`` package) where installed: it
must read what chainrule writes and chainrule must read what it writes.
"""

import json
import struct

import numpy as np
import pytest

from chainrule import nn
from chainrule.nn import safetensors as st

ARRAYS = {
    "w": np.arange(6.0).reshape(2, 3),
    "b": np.array([1.5, -2.0], dtype=np.float32),
    "h": np.array([[0.5]], dtype=np.float16),
    "i": np.array([1, -2, 3], dtype=np.int64),
    "u": np.array([7], dtype=np.uint8),
    "flag": np.array([True, False]),
    "scalar": np.array(3.0),
    "empty": np.zeros((0, 4), dtype=np.float32),
}


def _file(header: dict, data: bytes = b"", pad: bytes = b"") -> bytes:
    text = json.dumps(header).encode() + pad
    return struct.pack("<Q", len(text)) + text + data


def test_layout_is_the_format():
    raw = st.encode({"x": np.array([1.0, 2.0], dtype=np.float32)}, {"k": "v"})
    (n,) = struct.unpack("<Q", raw[:8])
    assert n % 8 == 0  # padded with spaces, as the reference writer does
    header = json.loads(raw[8:8 + n])
    assert header == {"__metadata__": {"k": "v"},
                      "x": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}
    assert raw[8 + n:] == np.array([1.0, 2.0], dtype="<f4").tobytes()


def test_round_trip_every_dtype():
    tensors, meta = st.decode(st.encode(ARRAYS, {"a": "b"}))
    assert meta == {"a": "b"}
    assert list(tensors) == sorted(ARRAYS)
    for k, a in ARRAYS.items():
        assert tensors[k].dtype == a.dtype and tensors[k].shape == a.shape
        np.testing.assert_array_equal(tensors[k], a)


def test_big_endian_input_is_written_little_endian():
    a = np.array([1.0, 2.0], dtype=">f8")
    out, _ = st.decode(st.encode({"a": a}))
    assert out["a"].dtype == np.dtype("<f8")
    np.testing.assert_array_equal(out["a"], a)


def test_the_reference_implementation_agrees_both_ways():
    ref = pytest.importorskip("safetensors.numpy")
    theirs = ref.load(st.encode(ARRAYS, {"a": "b"}))
    for k, a in ARRAYS.items():
        np.testing.assert_array_equal(theirs[k], a)
    mine, meta = st.decode(ref.save(ARRAYS, metadata={"k": "v"}))
    assert meta == {"k": "v"}
    for k, a in ARRAYS.items():
        np.testing.assert_array_equal(mine[k], a)


def test_what_the_writer_refuses():
    with pytest.raises(TypeError, match="cannot hold"):
        st.encode({"c": np.array([1j])})
    with pytest.raises(ValueError, match="cannot be a tensor name"):
        st.encode({"__metadata__": np.zeros(1)})
    with pytest.raises(TypeError, match="str to str"):
        st.encode({"a": np.zeros(1)}, {"n": 1})


GOOD = {"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}


@pytest.mark.parametrize("raw, message", [
    (b"\x01\x02", "fewer than the 8"),
    (struct.pack("<Q", 10**15) + b"{}", "claims"),
    (struct.pack("<Q", 2**64 - 1) + b"{}", "claims"),
    (_file(GOOD, b"\0" * 4), "truncated"),
    (_file(GOOD, b"\0" * 12), "bytes no tensor uses"),
    (struct.pack("<Q", 3) + b"{x}", "not valid JSON"),
    (_file([1, 2]), "not an object"),
    (_file({"a": {"dtype": "F99", "shape": [1], "data_offsets": [0, 4]}}, b"\0" * 4), "F99"),
    (_file({"a": {"dtype": "BF16", "shape": [1], "data_offsets": [0, 2]}}, b"\0" * 2),
     "convert it to F32"),
    (_file({"a": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}}, b"\0" * 4), "shape"),
    (_file({"a": {"dtype": "F32", "shape": [1.5], "data_offsets": [0, 4]}}, b"\0" * 4), "shape"),
    (_file({"a": {"dtype": "F32", "shape": [10**9, 10**9], "data_offsets": [0, 4]}},
           b"\0" * 4), "needs 4000000000000000000 bytes"),
    (_file({"a": {"dtype": "F32", "shape": [1], "data_offsets": [4, 0]}}, b"\0" * 4),
     "data_offsets"),
    (_file({"a": {"dtype": "F32", "shape": [1]}}, b"\0" * 4), "must have dtype"),
    (_file({"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]},
            "b": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}, b"\0" * 4), "overlaps"),
    (_file({"a": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}, b"\0" * 8), "gap"),
    (_file({"__metadata__": {"k": 1}, **GOOD}, b"\0" * 8), "__metadata__"),
    (struct.pack("<Q", 200_000) + b"[" * 100_000 + b"]" * 100_000, "not valid JSON"),
])
def test_hostile_files_are_refused_clearly(raw, message):
    with pytest.raises(ValueError, match=message):
        st.decode(raw)


# --- models in .safetensors files ---------------------------------------------------------


def _models():
    return [nn.Sequential(nn.Conv2d(1, 2, 3, seed=0), nn.MaxPool2d(2), nn.Flatten(),
                          nn.LayerNorm(2), nn.Embedding(3, 2, seed=1), nn.Dropout(0.1)),
            nn.MLP(2, [4, 3, 1], seed=0),
            nn.MLP(2, [4, 1], activation="tanh", engine="tensor", seed=0, dtype=np.float32),
            nn.Sequential(nn.Linear(3, 4, seed=1), nn.LeakyReLU(0.2), nn.Linear(4, 2, bias=False,
                                                                              seed=2))]


@pytest.mark.parametrize("model", _models(), ids=["layers", "scalar-mlp", "f32-mlp",
                                                  "sequential"])
def test_save_and_load_model_by_suffix(model, tmp_path):
    path = tmp_path / "m.safetensors"
    model.save(path)
    assert nn.load_state(path).keys() == model.state_dict().keys()
    back = nn.load_model(path)
    assert repr(back) == repr(model)
    for k, v in model.state_dict().items():
        assert back.state_dict()[k].dtype == v.dtype
        np.testing.assert_array_equal(back.state_dict()[k], v)
    other = nn.load_model(path)
    for p in other.parameters():
        p.data = p.data * 0 + 9.0
    other.load(path)  # Module.load reads .safetensors too
    for k, v in model.state_dict().items():
        np.testing.assert_array_equal(other.state_dict()[k], v)


def test_keys_and_layouts_are_pytorchs(tmp_path):
    model = nn.MLP(2, [5, 1], engine="tensor", seed=0)
    model.save(tmp_path / "m.safetensors")
    tensors, meta = st.read(tmp_path / "m.safetensors")
    assert {k: v.shape for k, v in tensors.items()} == {
        "layers.0.weight": (5, 2), "layers.0.bias": (5,),
        "layers.1.weight": (1, 5), "layers.1.bias": (1,)}
    assert meta["format"] == "pt" and json.loads(meta["chainrule.architecture"])["kind"] == "MLP"
    assert nn.bridge.to_safetensors(model) == (tmp_path / "m.safetensors").read_bytes()


def _write(path, tensors, meta=None):
    path.write_bytes(st.encode(tensors, meta))


def test_wrong_files_change_nothing(tmp_path):
    model = nn.MLP(2, [3, 1], engine="tensor", seed=0)
    before = model.state_dict()
    good = model.state_dict()
    cases = {
        "missing key: layers.1.bias": {k: v for k, v in good.items() if k != "layers.1.bias"},
        "unexpected key: extra": {**good, "extra": np.zeros(1)},
        "the model has shape": {**good, "layers.0.weight": np.zeros((2, 3))},
        "must be float tensors": {**good, "layers.0.bias": np.zeros(3, dtype=np.int64)},
    }
    for message, tensors in cases.items():
        _write(tmp_path / "bad.safetensors", tensors)
        with pytest.raises(ValueError, match=message):
            model.load(tmp_path / "bad.safetensors")
        for k, v in model.state_dict().items():
            np.testing.assert_array_equal(v, before[k])
    model.save(tmp_path / "m.safetensors")
    raw = (tmp_path / "m.safetensors").read_bytes()
    (tmp_path / "cut.safetensors").write_bytes(raw[:-5])
    with pytest.raises(ValueError, match="truncated"):
        model.load(tmp_path / "cut.safetensors")
    with pytest.raises(ValueError, match="truncated"):
        nn.load_model(tmp_path / "cut.safetensors")


def test_load_model_needs_an_architecture(tmp_path):
    _write(tmp_path / "w.safetensors", {"a": np.zeros(2)})
    with pytest.raises(ValueError, match="no architecture"):
        nn.load_model(tmp_path / "w.safetensors")
    meta = {"chainrule.architecture": json.dumps({"kind": "Conv9d", "settings": {}})}
    _write(tmp_path / "x.safetensors", {"a": np.zeros(2)}, meta)
    with pytest.raises(ValueError, match="Conv9d"):
        nn.load_model(tmp_path / "x.safetensors")
    huge = {"kind": "MLP", "settings": {"nin": 10**9, "nouts": [10**9], "activation": "relu",
                                        "engine": "tensor", "bias": True, "dtype": "float64"}}
    meta = {"chainrule.architecture": json.dumps(huge)}
    _write(tmp_path / "h.safetensors", {"layers.0.weight": np.zeros((1, 1))}, meta)
    with pytest.raises(ValueError, match="declares 1000000001000000000 parameters, the file "
                                         "holds 1"):
        nn.load_model(tmp_path / "h.safetensors")  # refused before allocating anything
    meta = {"chainrule.architecture": json.dumps({"kind": "Sequential", "modules": [{}]})}
    _write(tmp_path / "s.safetensors", {}, meta)
    with pytest.raises(ValueError, match="not valid: no 'kind'"):
        nn.load_model(tmp_path / "s.safetensors")
    nested = '{"kind":"Sequential","modules":[' * 50_000 + '{"kind":"ReLU","settings":{}}'
    deep = {"chainrule.architecture": nested + "]}" * 50_000}
    _write(tmp_path / "d.safetensors", {}, deep)
    with pytest.raises(ValueError, match="not valid"):
        nn.load_model(tmp_path / "d.safetensors")
    nn.MLP(2, [1]).save(tmp_path / "m.npz")
    with pytest.raises(ValueError, match="weights only"):
        nn.load_model(tmp_path / "m.npz")


def test_a_custom_module_saves_its_weights_without_architecture(tmp_path):
    class Net(nn.Module):
        def __init__(self):
            self.fc = nn.Linear(2, 1, seed=0)

        def forward(self, x):
            return self.fc(x)

    Net().save(tmp_path / "n.safetensors")
    _, meta = st.read(tmp_path / "n.safetensors")
    assert "chainrule.architecture" not in meta
    other = Net()
    other.fc.bias.data[:] = 5.0
    other.load(tmp_path / "n.safetensors")
    np.testing.assert_array_equal(other.state_dict()["fc.bias"], Net().state_dict()["fc.bias"])


def test_a_failed_save_leaves_the_old_file_whole(tmp_path, monkeypatch):
    path = tmp_path / "m.safetensors"
    model = nn.MLP(2, [3, 1], engine="tensor", seed=0)
    model.save(path)
    before = path.read_bytes()

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(st, "encode", broken)
    with pytest.raises(OSError, match="disk full"):
        nn.MLP(2, [3, 1], engine="tensor", seed=1).save(path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["m.safetensors"]  # no temporary left


def test_importing_nn_loads_no_optional_package():
    import subprocess
    import sys

    code = ("import sys; from chainrule import nn, viz; "
            "bad = [m for m in ('torch', 'onnx', 'onnxruntime', 'safetensors') "
            "if m in sys.modules]; assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True)
