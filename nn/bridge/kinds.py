"""Every row of the layer table, looked up by chainrule class, by name and by PyTorch class name.

The rows live in ``table.py`` (dense layers and activations) and ``table_more.py`` (images and
text); a new kind of layer is one more ``Kind`` in one of them.
"""

from __future__ import annotations

from . import table, table_more
from .table import Kind

KINDS: tuple[Kind, ...] = table.KINDS + table_more.KINDS

#: chainrule class -> its kind; its name -> its kind; the PyTorch class name -> its kind
BY_CLASS: dict[type, Kind] = {k.cls: k for k in KINDS}
BY_NAME: dict[str, Kind] = {k.name: k for k in KINDS}
BY_TORCH: dict[str, Kind] = {k.torch_name: k for k in KINDS}
