"""The shared palette: contrast minimums, colour-blind distinctness, the diverging map."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest

from chainrule.viz import palette


def _seen(color: str) -> np.ndarray:
    rgb = np.array([palette._rgb(color)], dtype=np.uint8)
    return palette.simulate_deuteranopia(rgb)[0].astype(float)


@pytest.mark.parametrize("color", palette.CLASS_COLORS + tuple(palette.ROLE_STROKE.values()))
def test_graphical_colours_reach_3_to_1_on_white(color):
    assert palette.contrast(color) >= 3.0


@pytest.mark.parametrize(
    "color", palette.CLASS_INK + tuple(palette.ROLE_INK.values()) + (palette.TEXT, palette.MUTED)
)
def test_text_colours_reach_4_5_to_1_on_white(color):
    assert palette.contrast(color) >= 4.5


def test_role_text_reads_on_its_own_fill():
    for role, fill in palette.ROLE_FILL.items():
        assert palette.contrast(palette.ROLE_INK[role], fill) >= 4.5, role


def test_the_first_five_classes_stay_apart_for_a_deuteranope():
    seen = [_seen(c) for c in palette.CLASS_COLORS[:5]]
    gaps = [np.linalg.norm(a - b) for a, b in itertools.combinations(seen, 2)]
    assert min(gaps) > 40, gaps  # out of 441 (black to white)


def test_deuteranopia_keeps_grey_grey_and_changes_red():
    grey = _seen("#808080")
    assert np.allclose(grey, 128, atol=2)
    red = _seen("#FF0000")
    assert abs(red[0] - red[1]) < 60  # red and green collapse together


def test_simulation_accepts_rgba_and_refuses_other_shapes():
    img = np.zeros((2, 2, 4), dtype=np.uint8)
    img[..., 3] = 200
    out = palette.simulate_deuteranopia(img)
    assert out.shape == (2, 2, 4) and (out[..., 3] == 200).all()
    with pytest.raises(ValueError, match="RGB"):
        palette.simulate_deuteranopia(np.zeros((2, 2)))


def test_diverging_map_ends_middle_and_clipping():
    assert palette.diverging(-1) == "#D55E00"
    assert palette.diverging(0) == "#FFFFFF"
    assert palette.diverging(1) == "#0072B2"
    assert palette.diverging(5) == palette.diverging(1)
    assert palette.diverging(float("nan")) == "#FFFFFF"
    assert palette.diverging(float("-inf")) == "#D55E00"
    # lightness falls monotonically with |v| on both sides (readable in greyscale)
    for side in (-1, 1):
        lums = [palette.luminance(palette.diverging(side * t / 10)) for t in range(11)]
        assert all(a > b for a, b in itertools.pairwise(lums))


def test_class_colour_does_not_depend_on_the_number_of_classes():
    assert palette.class_color(0) == palette.CLASS_COLORS[0]
    assert palette.class_color(len(palette.CLASS_COLORS)) == palette.class_color(0)
    assert palette.class_ink(1) != palette.class_color(1)  # vermillion darkened for text


def test_as_dict_is_json():
    data = json.loads(json.dumps(palette.as_dict()))
    assert data["classes"][0] == "#0072B2" and set(data["roles"]) == set(palette.ROLE_STROKE)


def test_bad_colour_is_a_clear_error():
    with pytest.raises(ValueError, match="#RRGGBB"):
        palette.contrast("red")
