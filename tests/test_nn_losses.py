"""The loss registry (nn.losses) and the forms of targets (nn.targets): every name and alias,
what each loss wants, the conversions from class labels and their clear errors."""

import doctest

import numpy as np
import pytest

from chainrule import nn
from chainrule.autograd import Tensor, Value
from chainrule.nn import functional as F
from chainrule.nn import losses, targets

# every name a user may type -> the function it must give
NAMES = {
    "mse": F.mse_loss,
    "mse_loss": F.mse_loss,
    "hinge": F.hinge_loss,
    "hinge_loss": F.hinge_loss,
    "bce": F.binary_cross_entropy_with_logits,
    "binary_cross_entropy_with_logits": F.binary_cross_entropy_with_logits,
    "ce": F.cross_entropy,
    "cross_entropy": F.cross_entropy,
}
KIND = {"mse_loss": "real", "hinge_loss": "signed",
        "binary_cross_entropy_with_logits": "binary", "cross_entropy": "classes"}


def test_the_registry_lists_exactly_these_names():
    assert set(losses.LOSSES) == set(NAMES)
    canonical = [loss.name for loss in losses.REGISTRY]
    assert canonical == list(KIND) and len({n for lo in losses.REGISTRY for n in lo.names}) == 8


@pytest.mark.parametrize("name", sorted(NAMES))
def test_every_name_and_alias_gives_its_loss(name):
    loss = losses.get(name)
    assert loss.fn is NAMES[name] and losses.LOSSES[name] is loss
    assert getattr(F, loss.name) is loss.fn  # the canonical name is the function's own
    assert loss.targets.kind == KIND[loss.name]
    assert losses.get(name.upper()) is loss


@pytest.mark.parametrize("typed, name", [
    ("Cross-Entropy", "cross_entropy"),
    (" BCE ", "binary_cross_entropy_with_logits"),
    ("hinge loss", "hinge_loss"),
])
def test_names_are_read_leniently(typed, name):
    assert losses.get(typed).name == name


def test_unknown_names_list_every_choice():
    with pytest.raises(ValueError, match=r"unknown loss 'huber'; choose one of \['bce', "
                                         r"'binary_cross_entropy_with_logits', 'ce', "):
        losses.get("huber")
    with pytest.raises(TypeError, match="must be a string, not int"):
        losses.get(3)
    custom = lambda p, y: p  # noqa: E731
    assert losses.resolve(custom) is custom and losses.resolve("ce") is losses.get("ce")


@pytest.mark.parametrize("name, labels, expected", [
    ("hinge", [0, 1, 1, 0], [-1.0, 1.0, 1.0, -1.0]),
    ("bce", [0, 1, 1, 0], [0.0, 1.0, 1.0, 0.0]),
    ("ce", [2, 0, 1, 2], [2, 0, 1, 2]),
    ("mse", [0.25, -1.5, 3.0], [0.25, -1.5, 3.0]),
])
def test_encode_makes_the_targets_each_loss_wants(name, labels, expected):
    loss = losses.get(name)
    y = loss.encode(np.array(labels))
    assert y.tolist() == expected
    assert y.dtype == (np.int64 if name == "ce" else np.float64)
    loss.check_targets(y)  # what encode makes, the loss takes
    if loss.targets.code:  # the exported scripts' text computes the same
        assert np.array_equal(eval(loss.targets.code, {"y": np.array(labels)}), y)


@pytest.mark.parametrize("name, labels, words", [
    ("hinge", [0, 2], r"hinge_loss makes its targets \(labels -1 or \+1\) from class labels "
                      r"0/1, got \[0, 2\]"),
    ("bce", [-1, 1], r"from class labels 0/1, got \[-1, 1\]"),
    ("ce", [0, 1.5], r"cross_entropy makes its targets \(class indices 0..k-1\) from class "
                     r"labels 0..k-1, got \[0.0, 1.5\]"),
    ("ce", [-1, 0], r"got \[-1, 0\]"),
])
def test_encode_refuses_what_is_not_class_labels(name, labels, words):
    with pytest.raises(ValueError, match=words):
        losses.get(name).encode(np.array(labels))


@pytest.mark.parametrize("name, y, classes, words", [
    ("hinge", [0, 1], None, r"hinge_loss needs labels -1 or \+1, got \[0.0, 1.0\]; convert 0/1 "
                            r"labels with y \* 2 - 1"),
    ("bce", [-1, 1], None, r"needs labels in \[0, 1\] \(0/1 classes\); for -1/\+1 labels use"),
    ("ce", [0, 3], 3, r"cross_entropy needs integer labels 0..2 for 3 classes"),
    ("ce", [0, 0.5], None, r"needs integer class labels 0, 1, 2, ..., got \[0.0, 0.5\]"),
])
def test_check_targets_says_what_the_loss_wants(name, y, classes, words):
    loss = losses.get(name)
    with pytest.raises(ValueError, match=words):
        loss.check_targets(y, classes)
    if name == "ce" and classes is None:
        return  # the loss itself always knows the number of classes (from its logits)
    with pytest.raises(ValueError, match=words.split(",")[0]):  # the loss itself says the same
        logits = [[Value(0.0) for _ in range(classes or 2)] for _ in y]
        loss(logits if name == "ce" else [Value(0.0) for _ in y], y)


def test_good_targets_pass_through_as_arrays():
    assert targets.SIGNED.check([1, -1]).tolist() == [1.0, -1.0]
    assert targets.BINARY.check([0.0, 0.3, 1.0]).tolist() == [0.0, 0.3, 1.0]
    assert targets.CLASSES.check([0, 4], classes=5).tolist() == [0.0, 4.0]
    assert np.isnan(targets.REAL.check([np.nan])[0])


@pytest.mark.parametrize("name", ["mse", "hinge", "bce", "ce"])
def test_a_registered_loss_is_its_function_on_both_engines(name):
    loss = losses.get(name)
    rng = np.random.default_rng(3)
    z = rng.normal(size=(4, 3) if name == "ce" else (4, 1))
    y = loss.encode(np.array([0, 1, 2, 1]) if name == "ce" else np.array([0, 1, 1, 0]))
    tensor = Tensor(z)
    assert loss(tensor, y).data == loss.fn(Tensor(z), y).data
    rows = [[Value(v) for v in r] for r in z.tolist()]
    scalar = rows if name == "ce" else [r[0] for r in rows]
    assert abs(loss(scalar, y).data - float(loss(tensor, y).data)) < 1e-12


def test_fit_takes_every_registered_name():
    X, y = nn.data.make_moons(12, noise=0.1, seed=0)
    for name in ("hinge_loss", "bce", "Binary-Cross-Entropy-With-Logits"):
        model = nn.MLP(2, [3, 1], seed=0)
        h = nn.fit(model, X, losses.get(name).encode(y), loss=name, epochs=1, verbose=False)
        assert len(h) == 1


def test_the_module_example_runs():
    assert doctest.testmod(losses).failed == 0
