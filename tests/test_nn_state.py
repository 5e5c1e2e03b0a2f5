"""state_dict / load_state_dict / save / load_state: errors that change nothing, atomic saves."""

import contextlib
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


# --- issue 11: crafted files, odd dtypes, non-finite weights, leftovers of killed saves ---------

def _npy_member(shape, dtype="<f8", data=b""):
    """The bytes of an .npy member whose header says ``shape`` and ``dtype``, whatever it holds."""
    import io

    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        buf, {"descr": dtype, "fortran_order": False, "shape": tuple(shape)})
    return buf.getvalue() + data


def _archive(path, members, compression=None):
    import zipfile

    with zipfile.ZipFile(path, "w", compression or zipfile.ZIP_STORED) as zf:
        for name, raw in members.items():
            zf.writestr(name + ".npy", raw)


def test_a_huge_extra_member_is_refused_from_its_header(tmp_path, monkeypatch):
    import tracemalloc
    import zipfile

    m = nn.MLP(2, [3, 1], seed=0)
    path = tmp_path / "crafted.npz"
    m.save(path)
    # an extra member of 32 MiB of zeros, ~33 kB on disk
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as zf, \
            zf.open("extra.npy", "w", force_zip64=True) as f:
        f.write(_npy_member((2**22,)))
        block = bytes(2**20)
        for _ in range(32):
            f.write(block)
    assert path.stat().st_size < 2**20
    before = _values(m)
    tracemalloc.start()
    with pytest.raises(ValueError, match="unexpected key: extra"):
        m.load(path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 2**22 and _values(m) == before  # nothing decompressed, nothing changed
    with pytest.raises(ValueError, match=r"holds 33,554,\d+ bytes of arrays, more than "
                                         r"max_bytes=16,777,216; pass a larger max_bytes"):
        nn.load_state(path, max_bytes=2**24)
    assert nn.load_state(path)["extra"].shape == (2**22,)  # within the default 256 MiB
    # non-strict: the model's arrays are read, the extra member never is
    read = []
    real = np.lib.format.read_array
    monkeypatch.setattr(np.lib.format, "read_array", lambda f, **k: read.append(f.name) or
                        real(f, **k))
    result = m.load(path, strict=False)
    assert result.unexpected_keys == ["extra"] and "extra.npy" not in read and len(read) == 4


def test_a_member_larger_than_the_model_is_refused_before_reading(tmp_path, monkeypatch):
    m = nn.MLP(2, [3, 1], seed=0)
    state = m.state_dict()
    state["layers.0.weight"] = np.zeros((3000, 2000))
    path = tmp_path / "big.npz"
    nn.save_state(state, path)
    monkeypatch.setattr(np.lib.format, "read_array", lambda *a, **k: pytest.fail("read"))
    with pytest.raises(ValueError, match=r"layers.0.weight: the model has shape \(3, 2\), "
                                         r"the file \(3000, 2000\)"):
        m.load(path)


@pytest.mark.parametrize("shape", [(10**12,), (2**40, 2**20), (1, 10**18), (3, 2**62)])
def test_a_shape_larger_than_the_data_is_a_value_error(tmp_path, shape):
    path = tmp_path / "liar.npz"
    _archive(path, {"w": _npy_member(shape, data=bytes(80))})
    with pytest.raises(ValueError, match=r"declares shape .* bytes\) but holds"):
        nn.load_state(path)


@pytest.mark.parametrize("descr", ["<c16", "|O", "<M8[s]", "<U3", [("a", "<f8")], "|V8"])
def test_files_of_non_real_dtypes_are_refused_from_the_header(tmp_path, descr):
    path = tmp_path / "odd.npz"
    _archive(path, {"w": _npy_member((2,), descr, bytes(64))})
    with pytest.raises(ValueError, match="a state file holds real numbers"):
        nn.load_state(path)


@pytest.mark.parametrize("value", [
    np.array([1 + 2j, 3j, 1, 0, 0, 0]).reshape(3, 2),
    np.array(["2020-01-01"] * 6, dtype="datetime64[D]").reshape(3, 2),
    np.zeros((3, 2), dtype=[("a", "f8")]),
    np.array(["1"] * 6).reshape(3, 2),
])
def test_load_state_dict_refuses_non_real_arrays(value):
    m = nn.MLP(2, [3, 1], seed=0, engine="tensor")
    before = m.state_dict()
    state = dict(before, **{"layers.0.weight": value})
    with pytest.raises(ValueError, match="layers.0.weight: not a numeric array of real numbers"):
        m.load_state_dict(state)
    assert all(np.array_equal(a, before[k]) for k, a in m.state_dict().items())


@pytest.mark.parametrize("engine", ["scalar", "tensor"])
def test_non_finite_weights_need_allow_nonfinite(engine, tmp_path):
    m = nn.MLP(2, [3, 1], seed=0, engine=engine)
    state = m.state_dict()
    state["layers.0.weight"][0, 0] = np.nan
    state["layers.1.bias"][0] = -np.inf
    with pytest.raises(ValueError) as info:
        m.load_state_dict(state)
    msg = str(info.value)
    assert "layers.0.weight: 1 of 6 values are nan or infinite" in msg
    assert "layers.1.bias: 1 of 1 values" in msg and "allow_nonfinite=True" in msg
    nn.save_state(state, tmp_path / "nan.npz")
    with pytest.raises(ValueError, match="allow_nonfinite=True"):
        m.load(tmp_path / "nan.npz")
    m.load(tmp_path / "nan.npz", allow_nonfinite=True)
    assert np.isnan(m.state_dict()["layers.0.weight"][0, 0])
    assert nn.to_engine(m, "tensor").state_dict()["layers.1.bias"][0] == -np.inf  # a copy


_SAVER = """
import os, sys, time
import numpy as np
from chainrule import nn
def slow(file, **arrays):
    file.write(b"x" * 100000)
    file.flush()
    print("writing", flush=True)
    time.sleep(60)
np.savez = slow
nn.save_state({"w": np.zeros(3)}, sys.argv[1])
"""


def test_a_save_killed_outright_is_cleaned_up_by_the_next_save(tmp_path):
    import signal
    import subprocess
    import sys
    import time

    path = tmp_path / "model.npz"
    nn.save_state({"w": np.ones(3)}, path)
    child = subprocess.Popen([sys.executable, "-c", _SAVER, str(path)], stdout=subprocess.PIPE)
    assert child.stdout.readline() == b"writing\n"
    child.send_signal(signal.SIGKILL)
    child.wait()
    child.stdout.close()
    leftovers = [n for n in os.listdir(tmp_path) if n.endswith(".tmp")]
    assert len(leftovers) == 1 and leftovers[0].startswith(f".model.npz.{child.pid}.")
    assert np.array_equal(nn.load_state(path)["w"], np.ones(3))  # the old file, whole
    # a live process's save (this one's pid) and another file's leftover are kept; an hour-old
    # leftover of the old naming (no pid) is removed
    live = tmp_path / f".model.npz.{os.getpid()}.abc.tmp"
    other = tmp_path / f".other.npz.{child.pid}.abc.tmp"
    ancient = tmp_path / ".model.npz.q1w2e3.tmp"
    for p in (live, other, ancient):
        p.write_bytes(b"x")
    os.utime(ancient, (time.time() - 7200,) * 2)
    nn.save_state({"w": np.zeros(3)}, path)
    assert sorted(os.listdir(tmp_path)) == sorted(["model.npz", live.name, other.name])


def test_crafted_files_fuzz_value_error_or_numbers(tmp_path):
    """A seeded fuzzer: damaged and crafted archives give a ValueError or numeric arrays of the
    shapes their headers declare, never another exception (MemoryError, KeyError, ...)."""
    import zipfile

    rng = np.random.default_rng(11)
    m = nn.MLP(2, [3, 1], seed=0)
    good = tmp_path / "good.npz"
    m.save(good)
    raw = good.read_bytes()
    dtypes = ["<f8", "<f4", "|b1", "<i8", "<c16", "|O", ">f8", "<f2", "<U2", "|V3", "<m8[s]"]
    outcomes = {"loaded": 0, "refused": 0}
    path = tmp_path / "case.npz"
    for case in range(400):
        kind = case % 4
        if kind == 0:  # flip bytes of a real file
            data = bytearray(raw)
            for i in rng.integers(0, len(data), size=int(rng.integers(1, 8))):
                data[i] = int(rng.integers(0, 256))
            path.write_bytes(bytes(data))
        elif kind == 1:  # cut it short
            path.write_bytes(raw[: int(rng.integers(0, len(raw)))])
        else:  # headers that say anything, over data of any length, stored or deflated
            shape = tuple(int(n) for n in rng.choice([0, 1, 2, 3, 7, 2**31, 10**15],
                                                     size=int(rng.integers(0, 4))))
            members = {str(rng.choice(["layers.0.weight", "w", "../x", "a.npy"])):
                       _npy_member(shape, str(rng.choice(dtypes)),
                                   rng.bytes(int(rng.integers(0, 200))))}
            _archive(path, members, zipfile.ZIP_DEFLATED if kind == 3 else zipfile.ZIP_STORED)
        try:
            state = nn.load_state(path)
        except ValueError:
            outcomes["refused"] += 1
        else:
            outcomes["loaded"] += 1
            assert all(a.dtype.kind in "biuf" for a in state.values())
        with contextlib.suppress(ValueError):
            m.load(path, strict=False)
    assert outcomes["refused"] > 200 and outcomes["loaded"] > 10, outcomes
