"""state_dict / load_state_dict / save / load_state: errors that change nothing, atomic saves."""

import os

import numpy as np
import pytest

from chainrule import nn
from chainrule.autograd import Value


def _values(m):
    return [p.data for p in m.parameters()]


def test_round_trip_between_models():
    a, b = nn.MLP(2, [5, 3, 1], seed=0), nn.MLP(2, [5, 3, 1], seed=1)
    assert _values(a) != _values(b)
    result = b.load_state_dict(a.state_dict())
    assert _values(a) == _values(b)
    assert result == nn.LoadResult([], [])
    x = [0.3, -0.7]
    assert a(x).data == b(x).data


def test_state_dict_is_a_copy():
    m = nn.MLP(2, [3, 1], seed=0)
    sd = m.state_dict()
    sd["layers.0.weight"][:] = 99.0
    assert m.layers[0].neurons[0].w[0].data != 99.0


def test_loaded_values_are_python_floats():
    m = nn.MLP(2, [3, 1], seed=0)
    m.load_state_dict({k: v.astype(np.float32) for k, v in m.state_dict().items()})
    assert all(type(p.data) is float for p in m.parameters())


def test_strict_errors_list_everything_and_change_nothing():
    m = nn.MLP(2, [3, 1], seed=0)
    before = _values(m)
    bad = m.state_dict()
    del bad["layers.1.bias"]
    bad["layers.9.weight"] = np.zeros((1, 1))
    bad["layers.0.weight"] = np.zeros((2, 3))  # transposed
    bad["layers.0.bias"] = np.ones(3)  # fine, but must not be applied
    with pytest.raises(ValueError) as info:
        m.load_state_dict(bad)
    msg = str(info.value)
    assert "missing key: layers.1.bias" in msg
    assert "unexpected key: layers.9.weight" in msg
    assert "layers.0.weight: the model has shape (3, 2), the state (2, 3)" in msg
    assert "nothing was changed" in msg
    assert _values(m) == before


def test_non_strict_skips_missing_and_unexpected_but_not_shapes():
    m = nn.MLP(2, [3, 1], seed=0)
    part = {"layers.0.bias": np.array([1.0, 2.0, 3.0]), "other": np.zeros(2)}
    result = m.load_state_dict(part, strict=False)
    assert [n.b.data for n in m.layers[0].neurons] == [1.0, 2.0, 3.0]
    assert result.unexpected_keys == ["other"]
    assert "layers.0.weight" in result.missing_keys
    with pytest.raises(ValueError, match="the model has shape"):
        m.load_state_dict({"layers.0.bias": np.zeros(4)}, strict=False)


def test_bad_state_types():
    m = nn.MLP(2, [3, 1], seed=0)
    with pytest.raises(TypeError, match="dict of name -> array"):
        m.load_state_dict([1, 2, 3])
    sd = m.state_dict()
    sd["layers.0.bias"] = "abc"
    with pytest.raises(ValueError, match="layers.0.bias: not a numeric array"):
        m.load_state_dict(sd)


def test_custom_module_default_entries_use_parameter_names():
    class Custom(nn.Module):
        def __init__(self):
            self.scale = Value(2.0)
            self.parts = [nn.Neuron(2, seed=0)]

    c = Custom()
    sd = c.state_dict()
    assert list(sd) == ["scale", "parts.0.weight", "parts.0.bias"]
    assert sd["scale"].shape == () and sd["scale"] == 2.0
    sd["scale"] = np.array(5.0)
    c.load_state_dict(sd)
    assert c.scale.data == 5.0


def test_grad_dict_matches_parameters():
    m = nn.MLP(2, [3, 1], seed=0)
    m([1.0, 2.0]).backward()
    g = m.grad_dict()
    assert g["layers.0.weight"][1, 0] == m.layers[0].neurons[1].w[0].grad
    assert g["layers.1.bias"][0] == 1.0  # d out / d b of the linear output


# --- files ------------------------------------------------------------------------------------


def test_save_and_load(tmp_path):
    a, b = nn.MLP(2, [4, 1], seed=0), nn.MLP(2, [4, 1], seed=1)
    path = tmp_path / "model.npz"
    a.save(path)
    loaded = nn.load_state(path)
    assert set(loaded) == set(a.state_dict())
    b.load(path)
    assert _values(a) == _values(b)
    assert sorted(os.listdir(tmp_path)) == ["model.npz"]  # no temp file left behind
    nn.save_state(a.state_dict(), str(tmp_path / "plain-name"))  # no '.npz' appended
    assert (tmp_path / "plain-name").exists()


def test_interrupted_save_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "model.npz"
    old = nn.MLP(2, [4, 1], seed=0)
    old.save(path)
    before = path.read_bytes()

    def broken_savez(file, **arrays):
        file.write(b"PK\x03\x04 half an archive")  # some bytes reach the disk, then failure
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez", broken_savez)
    with pytest.raises(OSError, match="disk full"):
        nn.MLP(2, [4, 1], seed=1).save(path)
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["model.npz"]
    monkeypatch.undo()
    fresh = nn.MLP(2, [4, 1], seed=2)
    fresh.load(path)
    assert _values(fresh) == _values(old)


def test_load_refuses_pickles_and_junk(tmp_path):
    obj = tmp_path / "obj.npz"
    np.savez(obj, x=np.array([{"a": 1}], dtype=object))
    with pytest.raises(ValueError, match="not a state file written by Module.save"):
        nn.load_state(obj)
    junk = tmp_path / "junk.npz"
    junk.write_bytes(b"this is not a zip file")
    with pytest.raises(ValueError, match="junk.npz is not a state file") as err:
        nn.load_state(junk)
    # numpy's own message for a non-zip file advises unpickling it: never pass that on
    assert "not a zip archive" in str(err.value) and "allow_pickle" not in str(err.value)
    single = tmp_path / "single.npy"
    np.save(single, np.zeros(3))
    with pytest.raises(ValueError, match="single .npy array"):
        nn.load_state(single)
    with pytest.raises(FileNotFoundError, match="no such file"):
        nn.load_state(tmp_path / "missing.npz")


def test_save_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        nn.save_state({"a": np.zeros(1)}, tmp_path / "no" / "dir" / "m.npz")
    with pytest.raises(TypeError, match="not a numeric array"):
        nn.save_state({"a": np.array(["x"])}, tmp_path / "m.npz")
    with pytest.raises(TypeError, match="non-empty strings"):
        nn.save_state({1: np.zeros(1)}, tmp_path / "m.npz")
    assert os.listdir(tmp_path) == []
    (tmp_path / "d.npz").mkdir()
    with pytest.raises(IsADirectoryError, match="is a folder; give a file name"):
        nn.save_state({"a": np.zeros(1)}, tmp_path / "d.npz")
    assert os.listdir(tmp_path) == ["d.npz"] and os.listdir(tmp_path / "d.npz") == []
