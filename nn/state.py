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

from .serialization import load_state, read_members


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
            old = t.data  # the loaded numbers in the tensor's own memory layout
            order = "F" if old.flags.f_contiguous and not old.flags.c_contiguous else "C"
            t.data = np.array(array, dtype=old.dtype, order=order, copy=True)


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


def load_state_dict(module: Any, state: dict, strict: bool = True, *,
                    allow_nonfinite: bool = False) -> LoadResult:
    """Copy the arrays of ``state`` into the module's parameters.

    Every key is checked before anything is copied, so a failed load changes nothing. With
    ``strict=True`` (the default) a missing key, an unexpected key or a shape mismatch raises one
    ``ValueError`` that lists all of them; with ``strict=False`` missing and unexpected keys are
    skipped (and returned), but a shape mismatch is still an error. Only real numbers load (float,
    int, bool: complex, dates, text and records are refused), and nan or infinite values only
    with ``allow_nonfinite=True``.
    """
    if not hasattr(state, "keys") or not hasattr(state, "__getitem__"):
        raise TypeError(
            f"load_state_dict() needs a dict of name -> array, not {type(state).__name__}"
        )
    wanted = _unique(module)
    arrays, problems = {}, []
    for e in wanted:
        if e.key not in state:
            continue
        a, problem = _real_array(e.key, state[e.key], allow_nonfinite)
        if problem:
            problems.append(problem)
        elif a.shape != e.shape:
            problems.append(f"  {e.key}: the model has shape {e.shape}, the state {a.shape}")
        else:
            arrays[e.key] = a
    result = _check_keys(module, wanted, state, strict, problems)
    for e in wanted:
        if e.key in arrays:
            e.set(arrays[e.key])
    return result


def load_file(module: Any, path: Any, strict: bool = True, *,
              allow_nonfinite: bool = False) -> LoadResult:
    """``Module.load``: ``load_state_dict`` from a file, with the keys and shapes checked from the
    file's headers before any array is read, and only the model's own arrays read."""
    members = read_members(path)
    wanted = _unique(module)
    problems = [f"  {e.key}: the model has shape {e.shape}, the file {members[e.key].shape}"
                for e in wanted if e.key in members and members[e.key].shape != e.shape]
    _check_keys(module, wanted, members, strict, problems)
    state = load_state(path, keys=[e.key for e in wanted])
    load_state_dict(module, state, strict=False, allow_nonfinite=allow_nonfinite)
    return LoadResult([e.key for e in wanted if e.key not in members],
                      [k for k in members if k not in {e.key for e in wanted}])


def _real_array(key: str, value: Any, allow_nonfinite: bool) -> tuple[Any, str]:
    """(value as a float64 array, '') or (None, the problem's line)."""
    try:
        a = np.asarray(value)
    except (TypeError, ValueError):
        return None, f"  {key}: not a numeric array ({type(value).__name__})"
    if a.dtype.kind not in "biuf" or a.dtype.fields is not None:
        return None, (f"  {key}: not a numeric array of real numbers (dtype {a.dtype}; complex "
                      "numbers, dates, text and records cannot be weights)")
    a = a.astype(np.float64)
    if not allow_nonfinite:
        bad = a.size - int(np.count_nonzero(np.isfinite(a)))
        if bad:
            return None, (f"  {key}: {bad} of {a.size} values are nan or infinite (a diverged "
                          "training run?); pass allow_nonfinite=True to load them anyway")
    return a, ""


def _check_keys(module: Any, wanted: list[Entry], state: Any, strict: bool,
                problems: list[str]) -> LoadResult:
    """The missing and unexpected keys; raise one ValueError listing every problem, if any."""
    keys = {e.key for e in wanted}
    missing = [e.key for e in wanted if e.key not in state]
    unexpected = [k for k in state if k not in keys]
    if strict and (missing or unexpected):
        problems[:0] = [f"  missing key: {k}" for k in missing]
        problems.extend(f"  unexpected key: {str(k)[:80]}" for k in unexpected[:20])
        if len(unexpected) > 20:
            problems.append(f"  ... and {len(unexpected) - 20} more unexpected keys")
    if problems:
        raise ValueError(
            f"load_state_dict() into {type(module).__name__} failed; nothing was changed:\n"
            + "\n".join(problems)
            + "\n(are the model and the state the same architecture? strict=False skips missing"
            " and unexpected keys)"
        )
    return LoadResult(missing, unexpected)
