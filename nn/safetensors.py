"""The ``.safetensors`` format, read and written with numpy alone (no pickle, no extra package).

A file is three parts::

    8 bytes      N, the header's length: an unsigned 64-bit little-endian integer
    N bytes      a JSON object: name -> {"dtype": "F32", "shape": [3, 2], "data_offsets": [b, e]},
                 and optionally "__metadata__": {str: str}
    the rest     the byte buffer: each tensor's raw little-endian bytes, row-major, at
                 buffer[b:e] (offsets are relative to the buffer, not the file)

The reader trusts nothing it reads. Before any array is made it checks that the header length
fits in the file, the header is a JSON object, every dtype is known, every shape is a list of
non-negative ints, every ``e - b`` equals ``prod(shape) * itemsize`` (so a declared size of 10^18
elements is refused without allocating anything), the tensors tile the buffer exactly (no gap, no
overlap, nothing left over) and the metadata maps strings to strings. A violation raises one
``ValueError`` saying what is wrong; the file is never executed, only parsed.
"""

from __future__ import annotations

import json
import math
import os
import struct
from typing import Any

import numpy as np

#: the format's dtype names <-> numpy's (BF16 and the 8-bit floats have no numpy dtype)
DTYPES: dict[str, np.dtype] = {
    "F64": np.dtype("<f8"), "F32": np.dtype("<f4"), "F16": np.dtype("<f2"),
    "I64": np.dtype("<i8"), "I32": np.dtype("<i4"), "I16": np.dtype("<i2"), "I8": np.dtype("i1"),
    "U64": np.dtype("<u8"), "U32": np.dtype("<u4"), "U16": np.dtype("<u2"), "U8": np.dtype("u1"),
    "BOOL": np.dtype("?"),
}
NAMES = {dt: name for name, dt in DTYPES.items()}
#: the header size the reference implementation accepts at most (100 MB)
MAX_HEADER = 100_000_000


def encode(tensors: dict[str, Any], metadata: dict[str, str] | None = None) -> bytes:
    """The bytes of a ``.safetensors`` file holding ``tensors`` (name -> array) and ``metadata``.

    Tensors are laid out in sorted name order (as the reference writer does), each contiguous
    and little-endian; the header is padded with spaces to a multiple of 8 bytes.
    """
    header: dict[str, Any] = {}
    if metadata:
        bad = [k for k, v in metadata.items() if not (isinstance(k, str) and isinstance(v, str))]
        if bad:
            raise TypeError(f"safetensors metadata maps str to str; {bad[0]!r} does not")
        header["__metadata__"] = dict(metadata)
    chunks, offset = [], 0
    for name in sorted(tensors):
        if not isinstance(name, str) or not name or name == "__metadata__":
            raise ValueError(f"safetensors: {name!r} cannot be a tensor name")
        a = np.asarray(tensors[name])
        dt = a.dtype.newbyteorder("<") if a.dtype.byteorder == ">" else a.dtype
        if dt not in NAMES:
            raise TypeError(
                f"safetensors: {name!r} has dtype {a.dtype}, which the format cannot hold; "
                f"use one of {sorted(str(d) for d in NAMES)}"
            )
        raw = np.ascontiguousarray(a, dtype=dt).tobytes()
        header[name] = {"dtype": NAMES[dt], "shape": list(a.shape),
                        "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(chunks)


def decode(data: bytes) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """``(tensors, metadata)`` from a file's bytes, every part checked (see the module docstring).

    The arrays are read-only views of ``data``; copy them to change them.
    """
    if len(data) < 8:
        raise ValueError(f"the file has {len(data)} bytes, fewer than the 8 of a header length")
    (n,) = struct.unpack("<Q", data[:8])
    if n > MAX_HEADER or 8 + n > len(data):
        raise ValueError(
            f"the header claims {n} bytes but the file has {len(data) - 8} after the length: "
            "the file is truncated or not a .safetensors file"
        )
    try:
        header = json.loads(bytes(data[8:8 + n]).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as e:
        raise ValueError(f"the header is not valid JSON ({e or 'nested too deeply'})") from None
    if not isinstance(header, dict):
        raise ValueError(f"the header is a JSON {type(header).__name__}, not an object")
    metadata = header.pop("__metadata__", None) or {}
    if not isinstance(metadata, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()
    ):
        raise ValueError("__metadata__ must be a JSON object of strings")
    buffer = memoryview(data)[8 + n:]
    spans = []
    for name, info in header.items():
        spans.append((*_span(name, info), name))
    spans.sort()
    end = 0
    for begin, stop, name in spans:
        if begin != end:
            what = "overlaps the tensor before it" if begin < end else "leaves a gap before it"
            raise ValueError(f"tensor {name!r} starts at byte {begin}: it {what}")
        end = stop
    if end != len(buffer):
        raise ValueError(
            f"the tensors need {end} bytes of data but the file has {len(buffer)}: "
            + ("the file is truncated" if end > len(buffer) else "it has bytes no tensor uses")
        )
    tensors = {}
    for begin, stop, name in spans:
        info = header[name]
        dt = DTYPES[info["dtype"]]
        tensors[name] = np.frombuffer(buffer[begin:stop], dtype=dt).reshape(info["shape"])
    return {k: tensors[k] for k in header}, metadata


def _span(name: str, info: Any) -> tuple[int, int]:
    """A tensor entry's (begin, end), after checking its dtype, shape and size agree."""
    if not isinstance(info, dict) or set(info) != {"dtype", "shape", "data_offsets"}:
        raise ValueError(f"tensor {name!r}: the entry must have dtype, shape and data_offsets")
    dtype, shape, offsets = info["dtype"], info["shape"], info["data_offsets"]
    if dtype not in DTYPES:
        extra = " (numpy has no such type: convert it to F32 first)" if dtype in (
            "BF16", "F8_E4M3", "F8_E5M2") else ""
        raise ValueError(f"tensor {name!r} has dtype {dtype!r}, which this reader does not "
                         f"support{extra}; supported: {', '.join(DTYPES)}")
    if not isinstance(shape, list) or not all(_is_count(s) for s in shape):
        raise ValueError(f"tensor {name!r}: shape {shape!r} is not a list of non-negative ints")
    if not (isinstance(offsets, list) and len(offsets) == 2 and all(map(_is_count, offsets))
            and offsets[0] <= offsets[1]):
        raise ValueError(f"tensor {name!r}: data_offsets {offsets!r} is not [begin, end]")
    size = math.prod(shape) * DTYPES[dtype].itemsize  # Python ints: no overflow
    if offsets[1] - offsets[0] != size:
        raise ValueError(
            f"tensor {name!r}: shape {shape} of {dtype} needs {size} bytes, but its "
            f"data_offsets span {offsets[1] - offsets[0]}"
        )
    return offsets[0], offsets[1]


def _is_count(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool) and x >= 0


def read(path: Any) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """``(tensors, metadata)`` of the ``.safetensors`` file at ``path`` (see ``decode``)."""
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"no such file: {path}")
    with open(path, "rb") as f:
        data = f.read()
    try:
        return decode(data)
    except ValueError as e:
        raise ValueError(f"{path} is not a valid .safetensors file: {e}") from None


def read_weights(path: Any) -> dict[str, np.ndarray]:
    """A model's weights from the file at ``path`` (see ``float_weights``)."""
    return float_weights(read(path)[0], os.fspath(path))


def float_weights(tensors: dict[str, np.ndarray], path: str) -> dict[str, np.ndarray]:
    """name -> a writable copy of each tensor, which must be a float tensor (F16, F32 or F64): a
    model's parameters are floats, and an integer or boolean tensor under a parameter's name is
    a sign of the wrong file."""
    wrong = [f"{k} ({NAMES[a.dtype]})" for k, a in tensors.items() if a.dtype.kind != "f"]
    if wrong:
        raise ValueError(
            f"{path}: model weights must be float tensors (F16, F32 or F64), but "
            f"{', '.join(wrong)} {'is' if len(wrong) == 1 else 'are'} not; convert them "
            "(in PyTorch: {k: v.float() for k, v in state.items()}) and save again"
        )
    return {k: np.array(a) for k, a in tensors.items()}
