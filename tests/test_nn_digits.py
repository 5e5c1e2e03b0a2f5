"""nn.data.load_digits: the shipped 8x8 digits, equal to scikit-learn's, seeded, clear errors."""

import hashlib
import io
from types import SimpleNamespace

import numpy as np
import pytest

from chainrule.nn.data import digits as digits_module
from chainrule.nn.data import load_digits

# recorded when the file was extracted (also in nn/data/NOTICE.md)
SHA256 = "87ff0c9e40dc7e2c0e34e7257799c2e3f3aec1a016363bb11cad869ec428a826"


def test_all_images_in_file_order():
    X, y = load_digits()
    assert X.shape == (1797, 64) and X.dtype == np.float64
    assert y.shape == (1797,) and y.dtype == np.int64
    assert X.min() == 0.0 and X.max() == 1.0
    assert np.array_equal(X * 16, np.round(X * 16))  # 17 grey levels, exactly
    assert np.bincount(y).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    counts, _ = load_digits(scale=False)
    assert np.array_equal(counts / 16.0, X) and counts.max() == 16.0


def test_shipped_file_matches_its_recorded_checksum():
    images, target = digits_module._read()
    assert images.dtype == np.uint8 and target.dtype == np.uint8
    assert hashlib.sha256(images.tobytes() + target.tobytes()).hexdigest() == SHA256


def test_bit_for_bit_equal_to_scikit_learn():
    sk = pytest.importorskip("sklearn.datasets", reason="the oracle is scikit-learn's own copy")
    ref = sk.load_digits()
    X, y = load_digits(scale=False)
    assert np.array_equal(X, ref.data) and X.dtype == ref.data.dtype
    assert np.array_equal(y, ref.target)
    assert np.array_equal(X.reshape(-1, 8, 8), ref.images)


def test_a_seeded_random_subset():
    X, y = load_digits(50)
    assert X.shape == (50, 64) and y.shape == (50,)
    X2, y2 = load_digits(50)
    assert np.array_equal(X, X2) and np.array_equal(y, y2)
    X3, _ = load_digits(50, seed=1)
    assert not np.array_equal(X, X3)
    X4, _ = load_digits(50, rng=np.random.default_rng(1))
    assert np.array_equal(X3, X4)
    assert len({tuple(row) for row in load_digits(1797, seed=3)[0].tolist()}) == len(
        {tuple(row) for row in load_digits()[0].tolist()})  # a permutation: no image twice
    full, labels = load_digits()
    rows = {tuple(r): int(t) for r, t in zip(full.tolist(), labels.tolist())}
    assert all(rows[tuple(r)] == t for r, t in zip(X.tolist(), y.tolist()))  # labels travel along


@pytest.mark.parametrize(("n", "match"), [(0, "int >= 1"), (1798, "at most 1797"),
                                         (2.5, "int >= 1"), (True, "int >= 1")])
def test_bad_sizes(n, match):
    with pytest.raises(ValueError, match=match):
        load_digits(n)


class _FakeFile:
    """Stands for the shipped file: ``open`` gives ``content``, or raises when it is None."""

    def __init__(self, content):
        self.content = content

    def joinpath(self, name):
        return self

    def open(self, mode):
        if self.content is None:
            raise FileNotFoundError("digits.npz")
        return io.BytesIO(self.content)


@pytest.mark.parametrize(("content", "error", "match"), [
    (None, FileNotFoundError, "installation is incomplete; reinstall chainrule"),
    (b"not a zip file", OSError, "damaged .*reinstall chainrule"),
])
def test_a_missing_or_damaged_file_says_reinstall(monkeypatch, content, error, match):
    fake = SimpleNamespace(files=lambda package: _FakeFile(content))
    monkeypatch.setattr(digits_module, "resources", fake)
    with pytest.raises(error, match=match):
        load_digits()


def test_wrong_shapes_say_reinstall(monkeypatch):
    buf = io.BytesIO()
    np.savez_compressed(buf, images=np.zeros((10, 8, 8), np.uint8), target=np.zeros(10, np.uint8))
    fake = SimpleNamespace(files=lambda package: _FakeFile(buf.getvalue()))
    monkeypatch.setattr(digits_module, "resources", fake)
    with pytest.raises(OSError, match=r"unexpected shapes \(10, 8, 8\)"):
        load_digits()


def test_the_docstring_examples_run():
    import doctest

    from chainrule.nn import data

    for module in (data, digits_module):
        result = doctest.testmod(module)
        assert result.attempted and result.failed == 0, module.__name__
