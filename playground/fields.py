"""The kinds of setting the playground has, each parsed from a URL string or a JSON value.

A field turns what the page sends (``"0.03"`` from a query string, ``0.03`` from JSON) into a
checked Python value, or raises ``BadRequest`` with a sentence that names the setting, what it
got and what it accepts; ``format`` writes a value back into its canonical URL form, so that
``parse(format(v)) == v`` for every valid ``v`` (a link always reproduces the set-up).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from .errors import BadRequest


def _describe(raw: Any) -> str:
    text = repr(raw)
    return text if len(text) <= 40 else text[:37] + "..."


@dataclass(frozen=True)
class Field:
    """Base: a setting with a URL ``key``, a human ``label`` and a ``default``."""

    key: str
    label: str
    default: Any

    def parse(self, raw: Any) -> Any:  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def format(self, value: Any) -> str:
        return str(value)

    def fail(self, raw: Any, wants: str) -> BadRequest:
        return BadRequest(f"{self.label} ({self.key}) must be {wants}, not {_describe(raw)}")

    def spec(self) -> dict:
        """What the page needs to build the control: kind, default, and limits or choices."""
        return {"key": self.key, "label": self.label, "default": self.default,
                "kind": type(self).__name__[:-5].lower()}


@dataclass(frozen=True)
class IntField(Field):
    lo: int = 0
    hi: int = 0

    def parse(self, raw: Any) -> int:
        wants = f"a whole number from {self.lo} to {self.hi}"
        if isinstance(raw, str):
            if not re.fullmatch(r"[+-]?\d{1,12}", raw.strip()):
                raise self.fail(raw, wants)
            raw = int(raw.strip())
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        if isinstance(raw, bool) or not isinstance(raw, int) or not self.lo <= raw <= self.hi:
            raise self.fail(raw, wants)
        return raw

    def spec(self) -> dict:
        return {**super().spec(), "min": self.lo, "max": self.hi}


@dataclass(frozen=True)
class FloatField(Field):
    lo: float = 0.0
    hi: float = 0.0
    open_lo: bool = False  # True: the lower bound itself is not allowed (a learning rate of 0)

    def parse(self, raw: Any) -> float:
        low = f"above {self.lo:g}" if self.open_lo else f"from {self.lo:g}"
        wants = f"a number {low} to {self.hi:g}"
        if isinstance(raw, str):
            try:
                raw = float(raw.strip())
            except ValueError:
                raise self.fail(raw, wants) from None
        if isinstance(raw, bool) or not isinstance(raw, (int, float)):
            raise self.fail(raw, wants)
        x = float(raw)
        too_low = x <= self.lo if self.open_lo else x < self.lo
        if not math.isfinite(x) or too_low or x > self.hi:
            raise self.fail(raw, wants)
        return x

    def format(self, value: float) -> str:
        return repr(float(value)).removesuffix(".0") if float(value).is_integer() else repr(value)

    def spec(self) -> dict:
        return {**super().spec(), "min": self.lo, "max": self.hi, "open_min": self.open_lo}


@dataclass(frozen=True)
class BoolField(Field):
    """On or off: ``1``/``0`` in the URL (``true``/``false`` also read), a JSON boolean."""

    def parse(self, raw: Any) -> bool:
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().lower() in ("1", "true", "0", "false"):
            return raw.strip().lower() in ("1", "true")
        raise self.fail(raw, "1 or 0 (true or false)")

    def format(self, value: bool) -> str:
        return "1" if value else "0"


@dataclass(frozen=True)
class ChoiceField(Field):
    choices: tuple[str, ...] = ()

    def parse(self, raw: Any) -> str:
        if not isinstance(raw, str) or raw.strip().lower() not in self.choices:
            raise self.fail(raw, "one of " + ", ".join(self.choices))
        return raw.strip().lower()

    def spec(self) -> dict:
        return {**super().spec(), "choices": list(self.choices)}


def _items(field: Field, raw: Any) -> list:
    """A list from JSON, or from a comma-separated URL string ('' is the empty list)."""
    if isinstance(raw, str):
        return [] if not raw.strip() else [part.strip() for part in raw.split(",")]
    if isinstance(raw, (list, tuple)):
        return list(raw)
    raise field.fail(raw, "a list (comma-separated in the URL)")


@dataclass(frozen=True)
class IntListField(Field):
    """A list of whole numbers, e.g. the hidden layer sizes ``8,8``."""

    lo: int = 1
    hi: int = 1
    max_len: int = 1

    def parse(self, raw: Any) -> tuple[int, ...]:
        items = _items(self, raw)
        if len(items) > self.max_len:
            raise self.fail(raw, f"at most {self.max_len} numbers")
        item = IntField(self.key, self.label, 0, self.lo, self.hi)
        return tuple(item.parse(x) for x in items)

    def format(self, value: tuple[int, ...]) -> str:
        return ",".join(str(v) for v in value)

    def spec(self) -> dict:
        return {**super().spec(), "min": self.lo, "max": self.hi, "max_len": self.max_len}


@dataclass(frozen=True)
class ChoiceListField(Field):
    """A set of names from ``choices``, kept in the order of ``choices`` (a canonical URL)."""

    choices: tuple[str, ...] = ()
    min_len: int = 0

    def parse(self, raw: Any) -> tuple[str, ...]:
        items = _items(self, raw)
        wanted = set()
        for x in items:
            if not isinstance(x, str) or x.strip().lower() not in self.choices:
                raise self.fail(x, "made of " + ", ".join(self.choices))
            wanted.add(x.strip().lower())
        if len(wanted) < self.min_len:
            raise self.fail(raw, f"at least {self.min_len} of " + ", ".join(self.choices))
        return tuple(c for c in self.choices if c in wanted)

    def format(self, value: tuple[str, ...]) -> str:
        return ",".join(value)

    def spec(self) -> dict:
        return {**super().spec(), "choices": list(self.choices), "min_len": self.min_len}


@dataclass(frozen=True)
class TokenField(Field):
    """An opaque id made of hex digits (an uploaded file's), or '' for none."""

    length: int = 16

    def parse(self, raw: Any) -> str:
        if not isinstance(raw, str) or not re.fullmatch(rf"(?:[0-9a-f]{{{self.length}}})?", raw):
            raise self.fail(raw, f"{self.length} hex digits naming an uploaded file")
        return raw

    def spec(self) -> dict:
        return {**super().spec(), "length": self.length}
