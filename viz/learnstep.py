"""``learning_step``: one gradient-descent step on one sample, shown as a page (why the loss drops).

    loss before  L(w)
    gradients    g = dL/dw for every weight (``autograd.grad``; no ``.grad`` is touched)
    update       w' = w - lr * g
    loss after   L(w')

To first order the loss changes by ``sum(g * (w' - w)) = -lr * sum(g^2)``, which is never
positive: a small enough step downhill lowers the loss. The page shows that prediction beside
the measured change, so a too-large learning rate shows itself (the two disagree, or the loss
rises). The model is left as it was unless ``apply=True``.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from chainrule.autograd import grad, no_grad

from . import fmt, names, viewer, walk

MAX_ROWS = 200  # rows of the weight table (one per weight element); the rest are summarised


class LearningStep:
    """The result: ``loss_before``, ``loss_after``, ``predicted`` (first-order change), ``rows``
    (name, before, grad, update, after), ``.html``; ``.save(path)``; shown inline by Jupyter."""

    def __init__(self, lr: float, before: float, after: float, rows: list[tuple]) -> None:
        self.lr, self.loss_before, self.loss_after, self.rows = lr, before, after, rows
        self.predicted = -lr * float(sum(g * g for _, _, g, _, _ in rows))
        self.html = _page(self)

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        if path.suffix.lower() not in (".html", ".htm"):
            raise ValueError(f"learning_step writes an HTML page: give a path ending in .html, "
                             f"not {str(path)!r}")
        path.write_text(self.html, encoding="utf-8")
        return path

    def _repr_html_(self) -> str:
        return viewer.iframe(self.html, 560, "one learning step")

    def __repr__(self) -> str:
        return (f"LearningStep(lr={self.lr}, loss {fmt.num(self.loss_before)} -> "
                f"{fmt.num(self.loss_after)}, {len(self.rows)} parameters)")


def learning_step(model: Any, loss_fn: Callable[[], Any], lr: float = 0.1, *,
                  apply: bool = False, path: str | Path | None = None) -> LearningStep:
    """One step of gradient descent on ``model``, shown weight by weight.

    ``loss_fn()`` computes the loss of one sample through ``model`` (a scalar node), e.g.
    ``lambda: (model([0.5, -1.0]) - 1.0) ** 2``. It is called twice: before and after the update.
    """
    if not (isinstance(lr, (int, float)) and lr > 0 and np.isfinite(lr)):
        raise ValueError(f"lr must be a positive finite number, not {lr!r}")
    params = list(walk.named_parameters(model).items())
    if not params:
        raise ValueError("the model has no parameters: nothing to learn")
    nodes = {id(p): p for p in _parameters(model)}
    loss = loss_fn()
    if not (hasattr(loss, "parents") and np.size(loss.data) == 1):
        raise TypeError("loss_fn() must return the loss as a scalar node (a Value or a 1-element "
                        f"Tensor), not {type(loss).__name__}")
    ps = [nodes[i] for i, _ in params]
    grads = grad(loss, ps)
    before = float(np.asarray(loss.data).reshape(()))
    old = [p.data.copy() if isinstance(p.data, np.ndarray) else p.data for p in ps]
    for p, g in zip(ps, grads, strict=True):
        p.data = p.data - lr * g
    with no_grad():
        after = float(np.asarray(loss_fn().data).reshape(()))
    rows = []
    for (_, name), o, p, g in zip(params, old, ps, grads, strict=True):
        short = names.short_path(name, leaf=True)
        for k, (b, gk, a) in enumerate(zip(np.ravel(o), np.ravel(g), np.ravel(p.data),
                                           strict=True)):
            at = np.unravel_index(k, np.shape(o))
            label = short if np.size(o) == 1 else f"{short}[{', '.join(map(str, at))}]"
            rows.append((label, float(b), float(gk), float(-lr * gk), float(a)))
    if not apply:
        for p, o in zip(ps, old, strict=True):
            p.data = o
    step = LearningStep(float(lr), before, after, rows)
    if path is not None:
        step.save(path)
    return step


def _parameters(model: Any) -> list:
    named = model.named_parameters()
    items = named.items() if hasattr(named, "items") else named
    return [p for _, p in items]


def _page(s: LearningStep) -> str:
    change = s.loss_after - s.loss_before
    verdict = ("The loss went down." if change < 0 else
               "The loss went UP: the step was too large for this curvature; try a smaller lr.")
    head = ("<tr><th>parameter</th><th>before</th><th>gradient dL/dw</th>"
            f"<th>update &minus;{fmt.short(s.lr)}&middot;grad</th><th>after</th></tr>")
    body = "".join(
        f"<tr><td>{html.escape(n)}</td><td>{fmt.num(b)}</td><td>{fmt.num(g)}</td>"
        f"<td>{fmt.num(u)}</td><td>{fmt.num(a)}</td></tr>" for n, b, g, u, a in s.rows[:MAX_ROWS])
    if len(s.rows) > MAX_ROWS:
        more = len(s.rows) - MAX_ROWS
        body += f'<tr><td colspan="5">&hellip; and {more} more parameters</td></tr>'
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>One learning step - chainrule</title>\n<style>\n{_CSS}</style>\n</head>\n<body>\n"
        "<h1>One learning step</h1>\n"
        '<ol class="flow">'
        f'<li><b>Loss before</b><span id="before">{fmt.num(s.loss_before)}</span></li>'
        f"<li><b>Gradients</b><span>{len(s.rows)} parameters, below</span></li>"
        f"<li><b>Update</b><span>w &larr; w &minus; {fmt.short(s.lr)} &middot; dL/dw</span></li>"
        f'<li><b>Loss after</b><span id="after">{fmt.num(s.loss_after)}</span></li></ol>\n'
        f'<p class="why">Change: <b>{fmt.num(change)}</b>. First-order prediction: '
        f"&minus;lr &middot; &Sigma; grad&sup2; = <b>{fmt.num(s.predicted)}</b>. {verdict} "
        "Why it goes down: each weight moves against its gradient, so each term grad &middot; "
        "&Delta;w = &minus;lr &middot; grad&sup2; is negative or zero.</p>\n"
        f'<table><thead>{head}</thead><tbody>{body}</tbody></table>\n</body>\n</html>\n'
    )


_CSS = """body { font: 15px/1.5 Helvetica, Arial, sans-serif; color: #1F2937; margin: 16px 20px; }
h1 { font-size: 20px; margin: 0 0 10px; }
.flow { display: flex; flex-wrap: wrap; gap: 8px; list-style: none; padding: 0; margin: 0 0 10px; }
.flow li { border: 2px solid #0072B2; border-radius: 8px; padding: 6px 12px; background: #E6F1F8;
  display: flex; flex-direction: column; min-width: 9em; }
.flow li span { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 16px; }
.why { max-width: 60em; }
table { border-collapse: collapse; font-family: ui-monospace, Menlo, Consolas, monospace;
  font-size: 14px; }
th, td { border-bottom: 1px solid #D1D5DB; padding: 4px 12px; text-align: right; }
th { font-family: Helvetica, Arial, sans-serif; background: #F3F4F6; position: sticky; top: 0; }
td:first-child, th:first-child { text-align: left; }
@media (max-width: 500px) { body { margin: 12px 8px; } table { font-size: 13px; }
  th, td { padding: 4px 5px; } }
"""
