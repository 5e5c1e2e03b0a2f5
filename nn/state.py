"""State dicts: a model's parameters as named numpy arrays, the same on both engines.

``state_dict()`` maps names to array copies. By default each parameter is one entry under its
dotted name: a Tensor gives its array, a Value a 0-d array. A module can group several scalar
parameters into one array by overriding ``Module.state_entries(prefix)``; the scalar ``Layer``
does, so

    scalar model                                      state_dict key      shape
    layers.i.neurons.j.w.k  (Value, one per weight)   layers.i.weight     (out, in)   [j, k]
    layers.i.neurons.j.b    (Value, one per neuron)   layers.i.bias       (out,)      [j]

which are exactly the keys and shapes of a tensor ``Linear`` (``weight`` is ``(out, in)`` as in
PyTorch). That is how ``load_state_dict`` moves a model from one engine to the other.

The functions here take any module (anything with ``named_members`` and ``state_entries``, as
``nn.Module`` has) and import none: ``module.py`` builds on this file, not the other way round.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

import numpy as np

from chainrule.autograd import Node


class Entry(NamedTuple):
    """One state-dict entry: ``key``, and the ``nodes`` whose data fill an array of ``shape``.

    ``nodes`` is one Tensor (its array is the entry) or a tuple of Values (their floats, in
    row-major order, are the entry).
    """

    key: str
    nodes: Any
    shape: tuple

    def get(self) -> np.ndarray:
        if isinstance(self.nodes, tuple):
            return np.array([v.data for v in self.nodes], dtype=np.float64).reshape(self.shape)
        return np.array(self.nodes.data, copy=True)

    def get_grad(self) -> np.ndarray:
        if isinstance(self.nodes, tuple):
            return np.array([v.grad for v in self.nodes], dtype=np.float64).reshape(self.shape)
        g = self.nodes.grad
        data = self.nodes.data
        return np.zeros_like(data) if g is None else np.array(g, copy=True)

    def set(self, array: np.ndarray) -> None:
        if isinstance(self.nodes, tuple):
            # tolist() gives Python floats: numpy scalars in a Value would slow every op on it
            for v, x in zip(self.nodes, array.astype(np.float64).ravel().tolist(), strict=True):
                v.data = x
        else:
            t = self.nodes
            t.data = np.array(array, dtype=t.data.dtype, copy=True)


def entries(module: Any, prefix: str = "") -> Iterator[Entry]:
    """``Module.state_entries``'s default: one entry per parameter the module holds directly (in
    attributes, lists, tuples, dicts), and the entries of each sub-module (its own
    ``state_entries``, so a sub-module can present its parameters its own way), in walk order."""
    for name, member in module.named_members(prefix, recurse=False):
        if isinstance(member, Node):
            yield node_entry(name, member)
        else:
            yield from member.state_entries(name + ".")


def node_entry(key: str, p: Node) -> Entry:
    """One parameter as one entry: a Value as a 0-d array, a Tensor as its array."""
    if p.engine == "scalar":
        return Entry(key, (p,), ())
    return Entry(key, p, tuple(p.data.shape))


def _unique(module: Any) -> list[Entry]:
    out, seen = [], set()
    for e in module.state_entries():
        if e.key not in seen:  # a key met twice (two paths, one name) is kept once: the first
            seen.add(e.key)
            out.append(e)
    return out


def state_dict(module: Any) -> dict[str, np.ndarray]:
    """name -> a copy of the parameter's array (float64 for scalar parameters)."""
    return {e.key: e.get() for e in _unique(module)}


def grad_dict(module: Any) -> dict[str, np.ndarray]:
    """name -> the parameter's gradient, arranged as ``state_dict`` (zeros where none yet)."""
    return {e.key: e.get_grad() for e in _unique(module)}


class LoadResult(NamedTuple):
    """What ``load_state_dict`` skipped (only non-empty when ``strict=False``)."""

    missing_keys: list
    unexpected_keys: list


def load_state_dict(module: Any, state: dict, strict: bool = True) -> LoadResult:
    """Copy the arrays of ``state`` into the module's parameters.

    Every key is checked before anything is copied, so a failed load changes nothing. With
    ``strict=True`` (the default) a missing key, an unexpected key or a shape mismatch raises one
    ``ValueError`` that lists all of them; with ``strict=False`` missing and unexpected keys are
    skipped (and returned), but a shape mismatch is still an error.
    """
    if not hasattr(state, "keys") or not hasattr(state, "__getitem__"):
        raise TypeError(
            f"load_state_dict() needs a dict of name -> array, not {type(state).__name__}"
        )
    wanted = _unique(module)
    keys = {e.key for e in wanted}
    missing = [e.key for e in wanted if e.key not in state]
    unexpected = [k for k in state if k not in keys]
    arrays, problems = {}, []
    for e in wanted:
        if e.key not in state:
            continue
        try:
            a = np.asarray(state[e.key], dtype=np.float64)
        except (TypeError, ValueError):
            problems.append(f"  {e.key}: not a numeric array ({type(state[e.key]).__name__})")
            continue
        if a.shape != e.shape:
            problems.append(f"  {e.key}: the model has shape {e.shape}, the state {a.shape}")
        arrays[e.key] = a
    if strict and (missing or unexpected):
        problems[:0] = [f"  missing key: {k}" for k in missing]
        problems.extend(f"  unexpected key: {k}" for k in unexpected)
    if problems:
        raise ValueError(
            f"load_state_dict() into {type(module).__name__} failed; nothing was changed:\n"
            + "\n".join(problems)
            + "\n(are the model and the state the same architecture? strict=False skips missing"
            " and unexpected keys)"
        )
    for e in wanted:
        if e.key in arrays:
            e.set(arrays[e.key])
    return LoadResult(missing, unexpected)
