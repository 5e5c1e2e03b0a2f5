"""The notebook course's answer checker: ``check(answer, expected)`` says right, or what is off.

Each exercise of the course (``chainrule demo notebooks``) ends with a cell such as::

    check(slope, 2 * math.sin(2.0), name="the slope", hint="central difference: f(x+h) - f(x-h)")

where ``expected`` is computed in that cell (by the engine or by a formula), never typed in. The
message names what went wrong: no answer yet (``...`` or None), not a number, the wrong shape,
the wrong sign, off by a common factor (2, m, 1/2), or simply off, with by how much, and the hint.
It returns True or False, so a notebook can go on either way.
"""

from __future__ import annotations

from typing import Any

import numpy as np

RIGHT, WRONG, EMPTY = "✔", "✘", "…"


def _verdict(answer: Any, expected: Any, tol: float) -> tuple[bool, str]:
    if answer is None or answer is Ellipsis:
        return False, "not answered yet: replace the ... with your answer, then run the cell again"
    if hasattr(answer, "data") and not isinstance(answer, np.ndarray):
        answer = answer.data  # a Value or a Tensor: its number(s)
    if isinstance(expected, tuple) and not isinstance(answer, tuple | list):
        return False, f"expected a tuple like {tuple('...' for _ in expected)}, got {answer!r}"
    if isinstance(expected, tuple):
        ok = tuple(answer) == expected
        return ok, "" if ok else f"{tuple(answer)} is not it"
    try:
        got = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        return False, f"expected a number or an array of numbers, got {type(answer).__name__}"
    want = np.asarray(expected, dtype=float)
    if got.shape != want.shape and got.size != want.size:
        return False, f"expected shape {want.shape}, got shape {got.shape}"
    if got.shape != want.shape:
        return False, f"the numbers may be right but the shape is {got.shape}, not {want.shape}"
    if not np.all(np.isfinite(got)):
        return False, "your answer contains nan or inf"
    err = float(np.max(np.abs(got - want))) if got.size else 0.0
    scale = max(float(np.max(np.abs(want))) if want.size else 0.0, 1e-12)
    if err <= tol * max(1.0, scale):
        return True, ""
    if np.allclose(got, -want, rtol=1e-6, atol=tol):
        return False, "right size, wrong sign"
    for factor, name in ((2.0, "2"), (0.5, "1/2")):
        if np.allclose(got, factor * want, rtol=1e-6, atol=tol):
            return False, f"{name} times the right answer: a factor {name} too many"
    return False, f"off by {err:.3g} (largest difference)"


def check(answer: Any, expected: Any, *, name: str = "your answer", hint: str = "",
          tol: float = 1e-6) -> bool:
    """Print whether ``answer`` equals ``expected`` (to ``tol``, relative to its size), and why not.

    ``answer`` may be a number, a list or array, a ``Value`` or ``Tensor`` (their data are
    compared), or a tuple (a shape: compared exactly).
    """
    ok, why = _verdict(answer, expected, tol)
    if ok:
        print(f"{RIGHT} {name}: right")
    elif why.startswith("not answered"):
        print(f"{EMPTY} {name}: {why}")
    else:
        print(f"{WRONG} {name}: {why}" + (f"\n  hint: {hint}" if hint else ""))
    return ok

