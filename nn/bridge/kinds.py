"""Every row of the layer table, looked up by chainrule class, by name and by PyTorch class name.

The rows live in ``table.py`` (dense layers and activations); a new kind of layer is one more
``Kind`` there (or in a file of its own, added to ``KINDS`` here).
"""

from __future__ import annotations

from . import table
from .table import Kind

KINDS: tuple[Kind, ...] = table.KINDS

#: chainrule class -> its kind; its name -> its kind; the PyTorch class name -> its kind
BY_CLASS: dict[type, Kind] = {k.cls: k for k in KINDS}
BY_NAME: dict[str, Kind] = {k.name: k for k in KINDS}
BY_TORCH: dict[str, Kind] = {k.torch_name: k for k in KINDS}
