"""What the page draws after each step: the decision boundary, every neuron's map, the weights.

The view [-VIEW, VIEW]^2 is cut in GRID x GRID cells, sampled at their centres (row 0 at the top)
and the whole lattice goes through the model in one batched forward pass (no graph recorded), in
float32 on a copy of the model (``drawing_model``: the pictures are 256 levels anyway).
Each picture is a list of numbers in [-1, 1] sent as bytes (``round((v + 1) * 127.5)``, base64)
so that a 100 x 100 map costs 13 kB instead of ~90 kB of JSON digits. The page colours -1
vermillion, 0 white and +1 blue (``viz.palette``'s diverging map).

    output, two classes   BCE: 2 sigmoid(z) - 1 (the probability of class 1, stretched);
                          hinge: clip(z, -1, 1) (the margin band shows as the pale strip)
    output, k classes     the winning class per cell and its softmax probability (0..1 bytes,
                          rescaled from [1/k, 1]), coloured by class and faded by uncertainty
    output, regression    clip(prediction / max |y_train|, -1, 1)
    a neuron (thumbnail)  its activation a / max(1, max |a|): tanh maps keep their true values,
                          unbounded relu maps are scaled to their largest value
"""

from __future__ import annotations

import base64
from functools import lru_cache
from typing import Any

import numpy as np

from chainrule import autograd, nn

from .data import VIEW
from .features import transform
from .trainer import Trainer

GRID = 100
THUMB = 32  # the neuron thumbnails' lattice
TEACHER_STRIDE = 4  # the teacher's thumbnail of a decision map: every 4th cell, 25 x 25


def lattice(n: int = GRID, view: float = VIEW) -> np.ndarray:
    """(n*n, 2) points: the centres of an n x n grid of cells over the view, row by row from
    the top-left corner (so an n x n image of the values lines up with the view exactly)."""
    ticks = (np.arange(n) + 0.5) * (2.0 * view / n) - view
    xx, yy = np.meshgrid(ticks, ticks[::-1])
    return np.column_stack([xx.ravel(), yy.ravel()])


@lru_cache(maxsize=64)
def lattice_features(feat: tuple[str, ...], *sizes: int) -> np.ndarray:
    """The features of the lattices of ``sizes`` (stacked in that order, in float32 for the
    ``drawing_model``), computed once per set of features and kept (read-only): every step
    request of every session draws its pictures on the same points, so they are not rebuilt
    each time."""
    X = transform(np.concatenate([lattice(n) for n in sizes]), feat).astype(np.float32)
    X.setflags(write=False)
    return X


def levels(values: np.ndarray) -> np.ndarray:
    """Numbers in [-1, 1] as bytes 0..255, ``round((v + 1) * 127.5)`` (not-a-number as 128, the
    neutral colour of 0), worked out in place on one clipped copy."""
    v = np.clip(values, -1.0, 1.0)
    v += 1.0
    v *= 127.5
    np.rint(v, out=v)
    v[np.isnan(v)] = 128.0
    return v.astype(np.uint8)


def pack(values: np.ndarray) -> str:
    """Numbers in [-1, 1] as base64 bytes, 0..255 (``levels``)."""
    return base64.b64encode(levels(values).tobytes()).decode()


def pack_unit(values: np.ndarray) -> str:
    """Numbers in [0, 1] as base64 bytes, 0..255."""
    v = np.nan_to_num(np.clip(values, 0.0, 1.0), nan=0.0)
    return base64.b64encode(np.round(v * 255.0).astype(np.uint8).tobytes()).decode()


def normalised(a: np.ndarray, axis: int = 0) -> np.ndarray:
    """a / max(1, max |a|), column by column (``axis=1``: row by row), the maximum taken over
    the finite values (a column with none stays as is)."""
    top = np.max(np.abs(a), axis=axis, initial=0.0, where=np.isfinite(a), keepdims=True)
    return a / np.maximum(1.0, top)


def pack_neurons(a: np.ndarray) -> list[str]:
    """``pack`` of each column of ``normalised(a)``, for an (m, k) array of k neurons'
    activations: worked out on the k contiguous rows of its transpose (numpy is several times
    faster along rows of m numbers than across columns of k)."""
    rows = normalised(np.ascontiguousarray(a.T), axis=1)
    return [base64.b64encode(row.tobytes()).decode() for row in levels(rows)]


def drawing_model(trainer: Trainer) -> nn.MLP:
    """The trainer's model in float32 with its current weights (built once per trainer, the
    weights copied in on every call). The pictures are quantised to 256 levels, so float32's
    seven digits are plenty, and numpy's float32 tanh is several times faster than float64's
    on the 11,024 lattice points (benchmarks/README.md, issue 16). Weights beyond +-1e30 (a
    diverging run) are clipped there so that the cast cannot overflow to infinity."""
    if trainer.drawing is None:
        trainer.drawing = trainer.make_model(np.float32)
    for mine, theirs in zip(trainer.drawing.parameters(), trainer.model.parameters(),
                            strict=True):
        np.clip(theirs.data, -1e30, 1e30, out=mine.data, casting="same_kind")
    return trainer.drawing


def activations(trainer: Trainer, X: np.ndarray) -> list[np.ndarray]:
    """Every layer's output for the features X (``MLP.layer_outputs``, in float32 on the
    ``drawing_model``): hidden layers after the activation, the last one as raw scores; no
    graph is recorded."""
    with autograd.no_grad(), np.errstate(all="ignore"):
        outs = drawing_model(trainer).layer_outputs(X)
    return [h.data for h in outs]


def output_map(trainer: Trainer, scores: np.ndarray) -> dict:
    """The big picture: the model's answer at every lattice point."""
    targets, task = trainer.loss_fn.targets.kind, trainer.data.task
    if task == "multiclass":
        z = scores - scores.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        k = p.shape[1]
        conf = (p.max(axis=1) - 1.0 / k) / (1.0 - 1.0 / k)
        cls = base64.b64encode(p.argmax(axis=1).astype(np.uint8).tobytes()).decode()
        return {"kind": "classes", "classes": cls, "confidence": pack_unit(conf)}
    z = scores[:, 0]
    if targets == "binary":  # logits: 2 sigmoid(z) - 1, the probability on a -1..1 scale
        v = 2.0 / (1.0 + np.exp(-np.clip(z, -60, 60))) - 1.0
    elif targets == "signed":  # hinge scores: the margin is at -1 and +1 already
        v = z
    else:
        top = float(np.max(np.abs(trainer.data.y_train))) or 1.0
        v = z / top
    return {"kind": "signed", "values": pack(v)}


def snapshot_maps(trainer: Trainer, grid: int = GRID, thumb: int = THUMB) -> dict:
    """The output map and every neuron's thumbnail (hidden layers and outputs; the page draws
    the input features itself, as they never change); ``small``: the output map at every
    ``TEACHER_STRIDE``-th cell, for the teacher's list (not sent to the student's page)."""
    big = grid * grid  # both lattices go through the model as one batch
    outs = activations(trainer, lattice_features(tuple(trainer.config["feat"]), grid, thumb))
    scores = outs[-1][:big]
    k = TEACHER_STRIDE
    small = scores.reshape(grid, grid, -1)[k // 2::k, k // 2::k].reshape(-1, scores.shape[1])
    return {
        "grid": grid,
        "thumb": thumb,
        "view": VIEW,
        "output": output_map(trainer, scores),
        "layers": [pack_neurons(a[big:]) for a in outs],
        "small": {"grid": int(np.sqrt(len(small))), **output_map(trainer, small)},
    }


def neuron_map(trainer: Trainer, layer: int, neuron: int, grid: int = GRID) -> dict:
    """One neuron's output over the view at the output map's resolution (what the page shows
    in the big map while the pointer is on that neuron), scaled as its thumbnail is."""
    outs = activations(trainer, lattice_features(tuple(trainer.config["feat"]), grid))
    a = outs[layer][:, neuron : neuron + 1]
    return {"grid": grid, "view": VIEW, "layer": layer, "neuron": neuron,
            "values": pack(normalised(a)[:, 0])}


def weights(trainer: Trainer) -> list[dict[str, Any]]:
    """Each layer's weight matrix (out, in) and bias (the ``state_dict``'s ``layers.i.weight``
    and ``layers.i.bias``), rounded for the page; not-a-number as 0, infinities as +-1e9."""
    out = []
    for layer in trainer.model.layers:
        w, b = layer.weight.data, layer.bias.data
        if not (np.isfinite(w).all() and np.isfinite(b).all()):  # a diverged run
            w = np.nan_to_num(w, nan=0.0, posinf=1e9, neginf=-1e9)
            b = np.nan_to_num(b, nan=0.0, posinf=1e9, neginf=-1e9)
        out.append({"w": w.round(5).tolist(), "b": b.round(5).tolist()})
    return out
