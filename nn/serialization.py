"""Saving and loading state dicts as ``.npz`` files: safe to load, and never half-written.

``model.save(path)`` writes ``model.state_dict()``; ``model.load_state_dict(nn.load_state(path))``
reads it back, on either engine. Two guarantees:

- *Atomic*: the arrays are written to a temporary file in the same directory, flushed to disk, and
  then renamed over ``path`` with ``os.replace`` (atomic on POSIX and Windows). If anything fails
  part-way (a full disk, an exception, Ctrl-C), ``path`` still holds the previous file, whole.
- *Safe*: files are read with ``allow_pickle=False``, so loading a file from someone else cannot
  run code; only plain numeric arrays are accepted.
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from typing import Any

import numpy as np

from . import safetensors


def save_state(state: dict, path: Any, metadata: dict[str, str] | None = None) -> None:
    """Write a dict of name -> array to ``path``, atomically: a ``.safetensors`` file (with
    ``metadata``, see ``nn.safetensors``) when the name ends so, else a ``.npz`` file."""
    arrays = {}
    for key, value in state.items():
        if not isinstance(key, str) or not key:
            raise TypeError(f"save_state: keys must be non-empty strings, not {key!r}")
        a = np.asarray(value)
        if a.dtype.kind not in "biuf":
            raise TypeError(f"save_state: {key!r} is not a numeric array (dtype {a.dtype})")
        arrays[key] = a
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"save_state: the folder {folder} does not exist")
    if os.path.isdir(path):
        raise IsADirectoryError(
            f"save_state: {path} is a folder; give a file name, e.g. "
            f"{os.path.join(path, 'model.npz')}"
        )
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            if path.endswith(".safetensors"):
                f.write(safetensors.encode(arrays, metadata))
            else:
                np.savez(f, **arrays)  # a file object: numpy appends no '.npz' to the name
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def load_state(path: Any) -> dict[str, np.ndarray]:
    """Read a state dict written by ``save_state`` / ``Module.save`` (no pickles allowed)."""
    path = os.fspath(path)
    if path.endswith(".safetensors"):
        return safetensors.read_weights(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"load_state: no such file: {path}")
    try:
        # Anything that is neither zip nor .npy makes np.load fall back to pickle and advise
        # allow_pickle=True, which is wrong advice for a damaged file: check the magic bytes first.
        with open(path, "rb") as f:
            head = f.read(6)
        if not head.startswith((b"PK\x03\x04", b"PK\x05\x06", b"\x93NUMPY")):
            raise ValueError("not a zip archive: the file is damaged or of another format")
        npz = np.load(path, allow_pickle=False)
        if not isinstance(npz, np.lib.npyio.NpzFile):
            raise ValueError("a single .npy array, not an .npz archive")
        with npz:
            return {key: npz[key] for key in npz.files}
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as e:
        raise ValueError(
            f"load_state: {path} is not a state file written by Module.save ({e}); "
            "expected an .npz archive of numeric arrays"
        ) from None
