"""Saving and loading state dicts as ``.npz`` files: safe to load, and never half-written.

``model.save(path)`` writes ``model.state_dict()``; ``model.load(path)`` (or
``model.load_state_dict(nn.load_state(path))``) reads it back, on either engine. Guarantees:

- *Atomic*: the arrays are written to a temporary file in the same directory, flushed to disk, and
  then renamed over ``path`` with ``os.replace`` (atomic on POSIX and Windows). If anything fails
  part-way (a full disk, an exception, Ctrl-C), ``path`` still holds the previous file, whole. The
  temporary file's name holds the saving process's id: a save killed outright (SIGKILL, power
  loss) leaves it behind, and the next save to the same path deletes it once that process is gone
  (or, from another machine, an hour later).
- *Safe*: nothing is unpickled (``allow_pickle=False``), and every member's name, dtype and shape
  are read from its header before any data is decompressed: only real numbers (float, int, bool)
  are accepted, and a member that declares more data than it holds, or more than its compressed
  size could expand to, is refused with a ``ValueError`` before memory is allocated for it.
  ``Module.load`` also refuses unexpected keys and shapes larger than the model's from the headers.
"""

from __future__ import annotations

import math
import os
import struct
import tempfile
import time
import zipfile
import zlib
from collections.abc import Iterable
from typing import Any, NamedTuple

import numpy as np
from numpy.lib import format as npy

# deflate expands at most ~1032:1; a member claiming more than this is damaged or crafted
MAX_RATIO = 1100
MAX_BYTES = 2**28  # what load_state reads by default, in all
STALE_SECONDS = 3600.0  # a temporary file this old is a leftover even if its pid looks alive
# what reading a damaged or crafted archive can raise (RuntimeError: encrypted or unsupported)
_DAMAGED = (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError, zlib.error,
            struct.error, OverflowError, MemoryError)


class Member(NamedTuple):
    """One array of a state file, as its header describes it (its data not read)."""

    key: str
    shape: tuple
    dtype: np.dtype


def save_state(state: dict, path: Any) -> None:
    """Write a dict of name -> array to ``path`` (a ``.npz`` file), atomically."""
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
    prefix = f".{os.path.basename(path)}."
    _remove_leftovers(folder, prefix)
    fd, tmp = tempfile.mkstemp(prefix=f"{prefix}{os.getpid()}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **arrays)  # a file object: numpy appends no '.npz' to the name
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def _remove_leftovers(folder: str, prefix: str) -> None:
    """Delete the temporary files of earlier saves to this path whose process is gone."""
    try:
        names = [n for n in os.listdir(folder) if n.startswith(prefix) and n.endswith(".tmp")]
    except OSError:
        return
    for name in names:
        full = os.path.join(folder, name)
        pid = name[len(prefix):].split(".")[0]
        try:
            old = time.time() - os.stat(full).st_mtime > STALE_SECONDS
            if old or (pid.isdigit() and not _alive(int(pid))):
                os.unlink(full)
        except OSError:  # gone already, or not ours to delete: the save itself goes on
            continue


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True  # another thread of this process may be saving right now
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # another user's process, or a platform that cannot tell: keep the file
    return True


def read_members(path: Any) -> dict[str, Member]:
    """The keys, shapes and dtypes of a state file, from its headers (no array data is read).

    Raises ``ValueError`` naming the problem for anything ``load_state`` would refuse.
    """
    path = os.fspath(path)
    with _archive(path) as zf:
        return _members(zf, path)


def load_state(path: Any, *, keys: Iterable[str] | None = None,
               max_bytes: int | None = MAX_BYTES) -> dict[str, np.ndarray]:
    """Read a state dict written by ``save_state`` / ``Module.save`` (no pickles allowed).

    Every header is checked first (see the module's docstring); ``keys`` reads only those
    members (``Module.load`` reads only the model's own). Arrays of more than ``max_bytes`` in
    all (256 MiB: 32 million float64 weights) are refused before any is read; pass a larger
    number, or None, for bigger files.
    """
    path = os.fspath(path)
    with _archive(path) as zf:
        members = _members(zf, path)
        wanted = list(members) if keys is None else [k for k in keys if k in members]
        total = sum(math.prod(members[k].shape) * members[k].dtype.itemsize for k in wanted)
        if max_bytes is not None and total > max_bytes:
            raise ValueError(f"load_state: {path} holds {total:,} bytes of arrays, more than "
                             f"max_bytes={max_bytes:,}; pass a larger max_bytes (or None) to "
                             "read it")
        try:
            out = {}
            for key in wanted:
                with zf.open(key + ".npy") as f:
                    out[key] = npy.read_array(f, allow_pickle=False)
            return out
        except _DAMAGED as e:
            raise _not_a_state_file(path, f"{type(e).__name__}: {e}") from None


def _archive(path: str) -> zipfile.ZipFile:
    if not os.path.exists(path):
        raise FileNotFoundError(f"load_state: no such file: {path}")
    try:
        # Anything that is neither zip nor .npy makes np.load fall back to pickle and advise
        # allow_pickle=True, which is wrong advice for a damaged file: check the magic bytes first.
        with open(path, "rb") as f:
            head = f.read(6)
        if head.startswith(b"\x93NUMPY"):
            raise ValueError("a single .npy array, not an .npz archive")
        if not head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
            raise ValueError("not a zip archive: the file is damaged or of another format")
        return zipfile.ZipFile(path)
    except _DAMAGED as e:
        raise _not_a_state_file(path, str(e)) from None


def _members(zf: zipfile.ZipFile, path: str) -> dict[str, Member]:
    size_on_disk = os.path.getsize(path)
    out: dict[str, Member] = {}
    try:
        for info in zf.infolist():
            out_key, member = _member(zf, info, size_on_disk)
            if out_key in out:
                raise ValueError(f"it holds {out_key!r} twice")
            out[out_key] = member
    except _DAMAGED as e:
        raise _not_a_state_file(path, str(e)) from None
    return out


def _member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, size_on_disk: int) -> tuple[str, Member]:
    name = info.filename
    if not name.endswith(".npy"):
        raise ValueError(f"member {name[:60]!r} is not an .npy array")
    key = name[:-4]
    if info.compress_size > size_on_disk:
        raise ValueError(f"member {key[:60]!r} claims more bytes than the file has")
    with zf.open(info) as f:
        version = npy.read_magic(f)
        if version == (1, 0):
            shape, fortran, dtype = npy.read_array_header_1_0(f)
        elif version == (2, 0):
            shape, fortran, dtype = npy.read_array_header_2_0(f)
        else:
            raise ValueError(f"member {key[:60]!r} has .npy format version {version}")
        header = f.tell()
    if dtype.kind not in "biuf" or dtype.fields is not None or dtype.subdtype is not None:
        raise ValueError(f"member {key[:60]!r} holds {dtype} values; a state file holds real "
                         "numbers (float, int or bool), not objects, text, dates or records")
    nbytes = math.prod(shape) * dtype.itemsize
    holds = info.file_size - header
    if nbytes > holds or nbytes > MAX_RATIO * info.compress_size + 4096:
        raise ValueError(f"member {key[:60]!r} declares shape {shape} ({nbytes:,} bytes) but "
                         f"holds {min(holds, MAX_RATIO * info.compress_size):,} at most")
    return key, Member(key, tuple(shape), dtype)


def _not_a_state_file(path: str, reason: str) -> ValueError:
    return ValueError(
        f"load_state: {path} is not a state file written by Module.save ({reason}); "
        "expected an .npz archive of numeric arrays"
    )
