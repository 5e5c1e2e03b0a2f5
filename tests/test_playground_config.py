"""The playground's settings: each field's parsing, the URL form, and its round trip."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chainrule import nn
from chainrule.playground import config as C
from chainrule.playground.errors import BadRequest
from chainrule.playground.fields import BoolField, FloatField, IntField, IntListField, TokenField


def test_defaults_round_trip_through_the_url():
    config, given_keys = C.from_query("")
    assert config == C.DEFAULTS and given_keys == set()
    assert C.from_query(C.to_query(config))[0] == config
    assert C.to_query(config).startswith("data=moons&")
    assert "csv=" not in C.to_query(config) and "hide=" not in C.to_query(config)


def test_the_query_names_what_it_sets():
    config, given_keys = C.from_query("?lr=0.3&loss=hinge")
    assert given_keys == {"lr", "loss"} and config["lr"] == 0.3 and config["loss"] == "hinge"


def test_features_are_kept_in_canonical_order():
    config, _ = C.from_query("feat=sinx2,x1,x1")
    assert config["feat"] == ("x1", "sinx2")


def test_csv_id_only_with_csv_data():
    config = C.updated(C.DEFAULTS, {"data": "csv", "csv": "0123456789abcdef"})
    assert "csv=0123456789abcdef" in C.to_query(config)
    assert C.updated(config, {"data": "moons"})["csv"] == ""


@pytest.mark.parametrize("raw", ["1.5", "1e3", "", "0x10", True, 2.5, None, [1]])
def test_int_field_refuses(raw):
    with pytest.raises(BadRequest, match="whole number"):
        IntField("k", "K", 0, lo=0, hi=10).parse(raw)


@pytest.mark.parametrize("raw, value", [("7", 7), (7, 7), (7.0, 7), (" 3 ", 3)])
def test_int_field_reads(raw, value):
    assert IntField("k", "K", 0, lo=0, hi=10).parse(raw) == value


@pytest.mark.parametrize("raw", ["nan", "inf", "-inf", "abc", "", 0, -1, 11, True, "0"])
def test_float_field_refuses(raw):
    with pytest.raises(BadRequest, match=r"number above 0 to 10"):
        FloatField("lr", "Learning rate", 1.0, lo=0.0, hi=10.0, open_lo=True).parse(raw)


def test_bool_and_token_fields():
    f = BoolField("b", "B", False)
    assert f.parse("1") is True and f.parse("false") is False and f.parse(True) is True
    with pytest.raises(BadRequest):
        f.parse(1)
    t = TokenField("csv", "CSV", "")
    assert t.parse("") == "" and t.parse("ab" * 8) == "ab" * 8
    for bad in ("AB" * 8, "ab" * 9, "../x", 5):
        with pytest.raises(BadRequest):
            t.parse(bad)


def test_layer_list():
    f = IntListField("layers", "Hidden layers", (), lo=1, hi=16, max_len=6)
    assert f.parse("") == () and f.parse("3, 4") == (3, 4) and f.parse([16]) == (16,)
    for bad in ("1,,2", "1,2,3,4,5,6,7", [0], "a", 5, ["x"]):
        with pytest.raises(BadRequest):
            f.parse(bad)


def test_every_loss_of_the_page_is_an_nn_loss_whose_targets_fit_its_task():
    kinds = {"binary": {"binary", "signed"}, "multiclass": {"classes"}, "regression": {"real"}}
    assert C.BY_KEY["loss"].choices == ("bce", "hinge", "ce", "mse")
    for task, names in C.LOSSES_FOR.items():
        for name in names:
            assert nn.losses.get(name).targets.kind in kinds[task], name


def test_check_task():
    config = dict(C.DEFAULTS, loss="hinge")
    assert C.check_task(config, "binary", True)["loss"] == "hinge"
    assert C.check_task(config, "multiclass", False)["loss"] == "ce"
    assert C.check_task(config, "regression", False)["loss"] == "mse"
    with pytest.raises(BadRequest, match="does not fit"):
        C.check_task(config, "multiclass", True)


def test_meta_describes_every_field():
    meta = C.meta()
    assert [f["key"] for f in meta["fields"]] == [f.key for f in C.FIELDS]
    lr = next(f for f in meta["fields"] if f["key"] == "lr")
    assert lr["kind"] == "float" and lr["open_min"] is True and lr["max"] == 10.0
    assert set(meta["hideable"]) >= {"lr", "play", "graph", "stepper", "export"}


settings = st.fixed_dictionaries({
    "data": st.sampled_from([d for d in C.DATASETS if d not in ("csv", "drawn")]),
    "classes": st.integers(2, C.MAX_CLASSES),
    "noise": st.floats(0, 0.5),
    "n": st.integers(20, C.MAX_POINTS),
    "test": st.floats(0.1, 0.9),
    "seed": st.integers(0, 2**31 - 1),
    "feat": st.lists(st.sampled_from(C.FEATURES), min_size=1, unique=True),
    "layers": st.lists(st.integers(1, 16), max_size=6),
    "act": st.sampled_from(["relu", "tanh", "sigmoid", "linear"]),
    "lr": st.floats(1e-9, 10.0),
    "batch": st.integers(1, C.MAX_POINTS),
    "rate": st.floats(0, 10),
    "showtest": st.booleans(),
    "hide": st.lists(st.sampled_from(C.HIDEABLE), unique=True),
})


@given(settings)
def test_any_valid_config_round_trips_exactly(patch):
    config = C.updated(C.DEFAULTS, patch)
    again, _ = C.from_query(C.to_query(config))
    assert again == config
    for key in ("noise", "lr", "rate", "test"):
        assert math.isclose(again[key], patch[key], rel_tol=0, abs_tol=0)


@given(st.text(max_size=60))
def test_any_query_string_is_either_read_or_refused(text):
    try:
        config, _ = C.from_query(text)
    except BadRequest as e:
        assert e.status == 400 and e.message
    else:
        assert C.from_query(C.to_query(config))[0] == config
