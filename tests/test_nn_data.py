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


# --- issue 11: hostile and odd CSV files ------------------------------------------------------

def test_load_csv_streams_with_a_row_limit(tmp_path):
    import tracemalloc

    peaks = []
    for n in (4_000, 12_000):
        raw = b"0.25,-1.5,1\n" * n
        tracemalloc.start()
        X, y = data.load_csv(io.BytesIO(raw))
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        assert X.shape == (n, 2) and y.dtype == np.int64
    # memory per row: 24 bytes of numbers, plus copies while the array grows and X and y are cut
    # out (~80 bytes in all); no Python float or list per field (that was 236 bytes a row), and
    # the text is never held whole
    assert (peaks[1] - peaks[0]) / 8_000 < 120
    path = tmp_path / "many.csv"
    path.write_bytes(raw)
    with pytest.raises(CSVError, match=r"more than 1,000 data rows; pass max_rows=None"):
        data.load_csv(path, max_rows=1000)
    assert data.load_csv(io.StringIO("1,2,0\n" * 5), max_rows=5)[0].shape == (5, 2)


@pytest.mark.parametrize("label", ["9223372036854775808", "1e19", "-1e30"])
def test_whole_labels_too_large_for_int64_are_refused(label):
    with pytest.raises(CSVError, match=rf"line 2: the label '{label}' is too large for a class"):
        data.load_csv(io.StringIO(f"1,2,0\n3,4,{label}\n"))
    _, y = data.load_csv(io.StringIO(f"1,2,0.5\n3,4,{label}\n"))  # a regression target: fine
    assert y.dtype == np.float64 and y[1] == float(label)


@pytest.mark.parametrize("raw", [
    b"\xef\xbb\xbf0.0,1.0,0\n2,3,1\n",            # a UTF-8 byte-order mark, no header
    b"\xef\xbb\xbfx1,x2,label\r\n0.0,1.0,0\r\n2,3,1\r\n",
    b"0.0,1.0,0\r2,3,1\r",                        # old Mac: CR only
    b"0.0,1.0,0\r2,3,1",
    b"x1,x2,label\r\n0.0,1.0,0\r\n\r\n2,3,1",
])
def test_byte_order_marks_and_line_endings(tmp_path, raw):
    path = tmp_path / "ends.csv"
    path.write_bytes(raw)
    for source in (path, io.BytesIO(raw), io.StringIO(raw.decode("utf-8"))):
        X, y = data.load_csv(source)
        assert X.tolist() == [[0.0, 1.0], [2.0, 3.0]] and y.tolist() == [0, 1]


def test_a_huge_bad_field_gives_a_short_message():
    line = "1," + "z" * 9_000 + ",0\n"
    with pytest.raises(CSVError) as info:
        data.load_csv(io.StringIO("1,2,0\n" + line))
    assert len(str(info.value)) < 200 and "line 2, column 2" in str(info.value)
    with pytest.raises(CSVError, match="line 2: longer than 10,000 characters") as info:
        data.load_csv(io.BytesIO(b"1,2,0\n1," + b"7" * 10_000_000 + b",0\n"))
    assert len(str(info.value)) < 200
    with pytest.raises(CSVError, match=r"'nan' is not a finite") as info:
        data.load_csv(io.StringIO("1,2,0\n1,nan" + " " * 5000 + ",0\n"))


@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 7, 64])
def test_lines_split_the_same_whatever_the_chunk_size(monkeypatch, chunk):
    from chainrule.nn.data import files

    monkeypatch.setattr(files, "_CHUNK", chunk)  # a \r at a chunk's end may precede a \n
    raw = "\ufeff1,2,0\r\n3,4,1\r5,6,0\n\r\n7,8,1\r".encode()
    for source in (io.BytesIO(raw), io.StringIO(raw.decode())):
        X, y = data.load_csv(source)
        assert X.tolist() == [[1, 2], [3, 4], [5, 6], [7, 8]] and y.tolist() == [0, 1, 0, 1]


def test_csv_fuzz_gives_arrays_or_a_csv_error():
    """A seeded fuzzer: rows of fields, valid and not, joined by any line end, then bytes
    flipped: always arrays of n rows or a CSVError with a short message, never another error."""
    rng = np.random.default_rng(11)
    fields = ["0.5", "-1e3", "1", "0", "2", "1e-300", "x1", "nan", "-inf", "1e400", "9" * 30,
              "\ufeff1", " 3 ", "", "1_0", "\u0661", "0x1", "2**3", "1,5", "\x00", "\xff"]
    ends = ["\n", "\r", "\r\n", "\u2028", "\n\n", "\n#c\n"]
    outcomes = {"read": 0, "refused": 0}
    for case in range(600):
        rows = []
        for _ in range(int(rng.integers(0, 8))):
            valid = rng.random() < 0.85
            pool = fields[:6] if valid else fields
            rows.append(",".join(rng.choice(pool, size=3 if valid else int(rng.integers(1, 5)))))
        raw = bytearray(str(rng.choice(ends)).join(rows).encode("utf-8", "surrogatepass"))
        if case % 3 == 0 and raw:
            for i in rng.integers(0, len(raw), size=2):
                raw[i] = int(rng.integers(0, 256))
        try:
            X, y = data.load_csv(io.BytesIO(bytes(raw)))
        except CSVError as e:
            outcomes["refused"] += 1
            assert len(str(e)) < 300
        else:
            outcomes["read"] += 1
            assert X.shape == (len(y), 2) and np.isfinite(X).all() and np.isfinite(y).all()
    assert outcomes["refused"] > 100 and outcomes["read"] > 100, outcomes


def test_an_upload_of_one_label_names_it_as_a_plain_number():
    from chainrule.playground.uploads import BadRequest, parse_csv

    with pytest.raises(BadRequest, match=r"every label in one.csv is 0: a model needs") as info:
        parse_csv(b"".join(b"%d,%d,0\n" % (i, i) for i in range(40)), "one.csv")
    assert "np." not in str(info.value)
