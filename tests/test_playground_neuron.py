"""The neuron the playground's stepper shows passes a gradient back on the shown sample (a
switched-off ReLU would make every gradient of its stepper 0), and the page is told when none
does, or when the student's own choice does not."""

from __future__ import annotations

import pytest

nn = pytest.importorskip("chainrule.nn", reason="the playground trains nn models")

from chainrule.playground import config as C  # noqa: E402
from chainrule.playground import data as D  # noqa: E402
from chainrule.playground import inspect_graph  # noqa: E402
from chainrule.playground.client import ApiError, Client  # noqa: E402
from chainrule.playground.errors import BadRequest  # noqa: E402
from chainrule.playground.trainer import Trainer  # noqa: E402

RELU = "data=moons&n=120&layers=5,3&batch=16&seed=1&act=relu"


def trainer(query: str) -> Trainer:
    config, given = C.from_query(query)
    data = D.build(config, None)
    return Trainer(C.check_task(config, data.task, "loss" in given), data)


def stepper_grads(t: Trainer, sample: int, layer: int, neuron: int) -> list[float]:
    """The gradients the stepper's backward pass gives the neuron's weights and bias."""
    root = inspect_graph.neuron_root(t, sample, layer, neuron)
    root.backward()
    seen, todo, out = set(), [root], []
    while todo:
        v = todo.pop()
        if id(v) in seen:
            continue
        seen.add(id(v))
        todo.extend(v.parents)
        if not v.parents and (v.label == "b" or v.label.startswith("w.")):
            out.append(v.grad)
    return out


def dead_first_neuron_sample(t: Trainer) -> int:
    for i in range(len(t.ytr)):
        if not inspect_graph.passes_gradient(inspect_graph.forward_one(t, i, "train")["trace"],
                                             0, 0):
            return i
    raise AssertionError("every sample switches neuron 0 on: pick another seed")


def test_a_switched_off_first_neuron_is_replaced_by_one_that_passes_gradient():
    t = trainer(RELU)
    i = dead_first_neuron_sample(t)
    assert all(g == 0 for g in stepper_grads(t, i, 0, 0))  # what the page showed before
    pick = inspect_graph.sample_neuron(t, i, "train", 0, 0)
    assert pick["active"] and "note" not in pick and (pick["layer"], pick["neuron"]) != (0, 0)
    assert any(g != 0 for g in stepper_grads(t, i, pick["layer"], pick["neuron"]))
    # deterministic: the same seed and sample give the same neuron, on a fresh trainer too
    assert inspect_graph.sample_neuron(trainer(RELU), i, "train") == \
        inspect_graph.sample_neuron(t, i, "train")


def test_a_live_neuron_stays_and_the_students_choice_is_kept_with_a_note():
    t = trainer(RELU)
    i = dead_first_neuron_sample(t)
    first = inspect_graph.sample_neuron(t, i, "train")
    live = [(layer, j) for layer in range(len(t.sizes) - 1) for j in range(t.sizes[layer + 1])
            if inspect_graph.passes_gradient(inspect_graph.forward_one(t, i, "train")["trace"],
                                             layer, j)]
    assert (first["layer"], first["neuron"]) == live[0] and first["live"] == len(live)
    other = live[-1]
    assert inspect_graph.sample_neuron(t, i, "train", *other)["neuron"] == other[1]
    kept = inspect_graph.sample_neuron(t, i, "train", 0, 0, keep=True)
    assert (kept["layer"], kept["neuron"], kept["active"]) == (0, 0, False)
    assert "passes no gradient back" in kept["note"] and f"{len(live)} of the" in kept["note"]
    with pytest.raises(BadRequest, match="neuron must be a whole number from 0 to 4"):
        inspect_graph.sample_neuron(t, i, "train", 0, 5)


def test_when_no_neuron_passes_gradient_the_note_says_why():
    t = trainer("data=moons&n=60&layers=3&act=relu&loss=hinge&seed=2")
    t.step(300)  # a hinge loss past its margin gives most samples no gradient at all
    i = next(k for k in range(len(t.ytr))
             if inspect_graph.sample_neuron(t, k, "train")["live"] == 0)
    pick = inspect_graph.sample_neuron(t, i, "train")
    assert not pick["active"] and "The loss passes no gradient back" in pick["note"]
    assert all(g == 0 for g in stepper_grads(t, i, pick["layer"], pick["neuron"]))


def test_the_endpoint_picks_and_checks(server):
    c = Client(server.url)
    c.create(RELU)
    i = dead_first_neuron_sample(trainer(RELU))
    answer = c.sample_neuron(i, "train", 0, 0)
    assert answer["active"] and (answer["layer"], answer["neuron"]) != (0, 0)
    assert answer["sample"] == i and answer["part"] == "train"
    assert c.sample_neuron(i, "train", 0, 0, keep=True)["active"] is False
    with pytest.raises(ApiError, match="keep must be 0 or 1"):
        c.call("GET", c._path(f"/neuron?sample={i}&layer=0&neuron=0&keep=yes"))
