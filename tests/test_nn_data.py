"""nn.data: seeded 2-D datasets, splitting, batching and CSV loading with clear errors."""

import io

import numpy as np
import pytest

from chainrule.nn import data
from chainrule.nn.data.files import CSVError

GENERATORS = {
    "moons": lambda **k: data.make_moons(101, **k),
    "circles": lambda **k: data.make_circles(101, **k),
    "spirals": lambda **k: data.make_spirals(101, n_classes=3, **k),
    "xor": lambda **k: data.make_xor(101, **k),
    "blobs": lambda **k: data.make_blobs(101, centers=4, **k),
}
CLASSES = {"moons": 2, "circles": 2, "spirals": 3, "xor": 2, "blobs": 4}


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_shapes_labels_and_seeding(name):
    X, y = GENERATORS[name]()
    assert X.shape == (101, 2) and X.dtype == np.float64
    assert y.shape == (101,) and y.dtype == np.int64
    assert sorted(set(y.tolist())) == list(range(CLASSES[name]))
    X2, y2 = GENERATORS[name]()
    assert np.array_equal(X, X2) and np.array_equal(y, y2)  # seed=0 by default
    X3, _ = GENERATORS[name](seed=1)
    assert not np.array_equal(X, X3)
    X4, _ = GENERATORS[name](rng=np.random.default_rng(1))
    assert np.array_equal(X3, X4)
    # shuffled: the first quarter already holds several classes
    assert len(set(y[:25].tolist())) > 1


def test_signed_labels_for_two_classes_only():
    _, y = data.make_moons(50, signed=True)
    assert sorted(set(y.tolist())) == [-1, 1]
    with pytest.raises(ValueError, match="only for two classes"):
        data.make_spirals(30, n_classes=3, signed=True)


def test_geometry_without_noise():
    X, y = data.make_moons(200, noise=0.0)
    upper = X[y == 0]
    np.testing.assert_allclose(np.hypot(upper[:, 0], upper[:, 1]), 1.0)
    X, y = data.make_circles(200, noise=0.0, factor=0.3)
    r = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_allclose(r[y == 0], 1.0)
    np.testing.assert_allclose(r[y == 1], 0.3)
    X, y = data.make_xor(300)
    assert np.all((X[:, 0] * X[:, 1] > 0) == (y == 1))
    X, y = data.make_spirals(300, n_classes=3, noise=0.0)
    assert np.hypot(X[:, 0], X[:, 1]).max() == pytest.approx(1.0)
    X, y = data.make_blobs(300, centers=[[0.0, 0.0], [10.0, 10.0]], std=0.5)
    assert np.all((X.sum(axis=1) > 10) == (y == 1))


def test_class_sizes_balanced():
    _, y = data.make_spirals(10, n_classes=3)
    assert np.bincount(y).tolist() == [4, 3, 3]


def test_regression():
    X, y = data.make_regression(200, noise=0.0)
    assert X.shape == (200, 2) and y.dtype == np.float64
    A = np.column_stack([X, np.ones(200)])
    coef, residual, *_ = np.linalg.lstsq(A, y, rcond=None)
    assert residual.sum() < 1e-20  # an exact plane
    _, noisy = data.make_regression(200, noise=0.5)
    assert np.std(noisy - A @ coef) == pytest.approx(0.5, rel=0.2)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: data.make_moons(0), "n must be an int >= 1"),
        (lambda: data.make_moons(10, noise=-1), "noise must be a number >= 0"),
        (lambda: data.make_spirals(10, n_classes=1), "n_classes must be an int >= 2"),
        (lambda: data.make_circles(10, factor=1.5), "factor"),
        (lambda: data.make_blobs(10, centers=np.zeros((2, 3))), r"shape \(k, 2\)"),
    ],
)
def test_generator_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_train_test_split():
    X, y = data.make_moons(100)
    Xtr, Xte, ytr, yte = data.train_test_split(X, y, test_size=0.2)
    assert Xtr.shape == (80, 2) and Xte.shape == (20, 2) and len(ytr) == 80 and len(yte) == 20
    rows = {tuple(r) for r in np.vstack([Xtr, Xte]).tolist()}
    assert rows == {tuple(r) for r in X.tolist()}  # a partition
    again = data.train_test_split(X, y, test_size=0.2)
    assert np.array_equal(again[1], Xte)
    Xtr, Xte, _, _ = data.train_test_split(X, y, test_size=10, shuffle=False)
    assert np.array_equal(Xte, X[:10])
    with pytest.raises(ValueError, match="100 samples but y has 99"):
        data.train_test_split(X, y[:-1])
    with pytest.raises(ValueError, match="in \\(0, 1\\)"):
        data.train_test_split(X, y, test_size=1.5)
    with pytest.raises(ValueError, match="at least one"):
        data.train_test_split(X, y, test_size=100)


def test_batches_cover_the_data_once():
    X = np.arange(20.0).reshape(10, 2)
    y = np.arange(10)
    parts = list(data.batches(X, y, 4, seed=0))
    assert [len(b[1]) for b in parts] == [4, 4, 2]
    assert sorted(np.concatenate([b[1] for b in parts]).tolist()) == list(range(10))
    for Xb, yb in parts:
        assert np.array_equal(Xb[:, 0], 2 * yb)  # rows stay with their labels
    ordered = list(data.batches(X, y, 3, shuffle=False, drop_last=True))
    assert [b[1].tolist() for b in ordered] == [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
    rng = np.random.default_rng(0)
    first = [b[1].tolist() for b in data.batches(X, y, 10, rng=rng)]
    second = [b[1].tolist() for b in data.batches(X, y, 10, rng=rng)]
    assert first != second  # a shared generator gives each epoch its own order
    with pytest.raises(ValueError, match="positive int"):
        list(data.batches(X, y, 0))


def test_load_csv(tmp_path):
    path = tmp_path / "points.csv"
    path.write_text("x1,x2,label\n0.5,-1.25,1\n\n# a comment\n2,3e-1,0\n")
    X, y = data.load_csv(path)
    np.testing.assert_array_equal(X, [[0.5, -1.25], [2.0, 0.3]])
    assert y.tolist() == [1, 0] and y.dtype == np.int64
    X, y = data.load_csv(io.StringIO("1;2;0.5\n3;4;1.5\n"), delimiter=";")
    assert y.dtype == np.float64 and y.tolist() == [0.5, 1.5]
    X, y = data.load_csv(io.BytesIO(b"1,2,0\n"))
    assert X.shape == (1, 2)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("x,y,label\n1,2,0\n3,4\n", "line 3: expected 3 comma-separated fields .* found 2"),
        ("1,2,0\n1,2,0,7\n", "line 2: expected 3 .* found 4"),
        ("1,2,0\n1,abc,1\n", "line 2, column 2: 'abc' is not a number"),
        ("0.1,oops,1\n", "line 1, column 2: 'oops' is not a number"),
        ("1,2,0\n1,nan,1\n", "line 2, column 2: 'nan' is not a finite number"),
        ("1,2,0\ninf,2,1\n", "line 2, column 1: 'inf' is not a finite number"),
        ("x1,x2,label\n", "no data rows"),
        ("", "no data rows"),
    ],
)
def test_load_csv_errors_name_line_and_reason(tmp_path, text, match):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(CSVError, match=match) as info:
        data.load_csv(path)
    assert "bad.csv" in str(info.value)
    assert isinstance(info.value, ValueError)


def test_load_csv_missing_file_and_bad_source(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such file: .*nope.csv"):
        data.load_csv(tmp_path / "nope.csv")
    with pytest.raises(CSVError, match="is a directory"):
        data.load_csv(tmp_path)
    with pytest.raises(TypeError, match="path or an open file"):
        data.load_csv(42)
