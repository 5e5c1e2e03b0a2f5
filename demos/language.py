"""Lesson: natural language processing from characters, three models that write rhymes.

The corpus is 32 lines of simple rhymes that ship with chainrule (``nn/data/rhymes.txt``). Each
model reads characters and predicts the next one; trained with cross-entropy, it then writes by
sampling a character, appending it, and predicting again.

1. bigram: the next character from the current one alone: a table of 28 x 28 scores
   (``nn.Embedding(28, 28)``: row c holds the scores after c).
2. MLP over a context window: the last 8 characters, each embedded as a vector of 12 numbers,
   concatenated and fed to a hidden tanh layer of 96 (Bengio et al.'s 2003 model).
3. self-attention: every position of the window looks at the earlier ones
   (``nn.MultiheadAttention`` with ``is_causal=True``) and mixes what it finds, weighted by
   how well its query matches their keys; character and position embeddings, a residual, a
   ``LayerNorm``, then the scores. The attention weights of one sample are drawn as a picture.

Losses are the mean cross-entropy in nats on held-out windows (the last 10% of the text); a model
that knew nothing would score ln 28 = 3.33. On 2,500 characters the bigger models are
best on the held-out lines after a few hundred steps and then start to memorise their training
lines (their samples read well, their held-out loss rises): the loss curves show overfitting.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from importlib import resources

import numpy as np

from chainrule import nn
from chainrule.autograd import Tensor, no_grad
from chainrule.nn import functional as F
from chainrule.viz import palette

from ._common import Report, Stopwatch, figure, heading, lesson_main, output_dir, save

CONTEXT = 8


def corpus() -> str:
    """The lesson's text (shipped with chainrule: nothing is downloaded)."""
    return resources.files("chainrule.nn.data").joinpath("rhymes.txt").read_text("utf-8")


class Bigram(nn.Module):
    """scores(next | current) = table[current]."""

    def __init__(self, vocab: int, seed: int) -> None:
        self.table = nn.Embedding(vocab, vocab, seed=seed)

    def forward(self, x: np.ndarray) -> Tensor:
        return self.table(x[:, -1])


class WindowMLP(nn.Module):
    """scores = Linear(tanh(Linear(concatenated embeddings of the window)))."""

    def __init__(self, vocab: int, seed: int, dim: int = 12, hidden: int = 96) -> None:
        self.embed = nn.Embedding(vocab, dim, seed=seed)
        self.hidden = nn.Linear(CONTEXT * dim, hidden, seed=seed + 1)
        self.out = nn.Linear(hidden, vocab, seed=seed + 2)

    def forward(self, x: np.ndarray) -> Tensor:
        e = self.embed(x).flatten(1)  # (B, CONTEXT * dim)
        return self.out(self.hidden(e).tanh())


class Attention(nn.Module):
    """scores at the last position of: LayerNorm(e + attention(e)), e = char + position."""

    def __init__(self, vocab: int, seed: int, dim: int = 32, heads: int = 2) -> None:
        self.embed = nn.Embedding(vocab, dim, seed=seed)
        self.position = nn.Embedding(CONTEXT, dim, seed=seed + 1)
        self.attn = nn.MultiheadAttention(dim, heads, seed=seed + 2)
        self.norm = nn.LayerNorm(dim)
        self.out = nn.Linear(dim, vocab, seed=seed + 3)
        self.weights = None

    def forward(self, x: np.ndarray) -> Tensor:
        e = self.embed(x) * 0.3 + self.position(np.arange(x.shape[1])) * 0.3
        mixed, self.weights = self.attn(e, e, e, is_causal=True)
        return self.out(self.norm(e + mixed)[:, -1])


def windows(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every CONTEXT characters and the one after them."""
    idx = np.arange(CONTEXT)[None, :] + np.arange(len(ids) - CONTEXT)[:, None]
    return ids[idx], ids[CONTEXT:]


def train(model, X, y, Xv, yv, steps: int, rng, lr: float = 0.01) -> list[float]:
    """Adam on random batches of 64; the held-out loss every tenth of the way."""
    opt = nn.optim.Adam(model.parameters(), lr=lr)
    curve = []
    for step in range(steps):
        b = rng.integers(0, len(y), 64)
        loss = F.cross_entropy(model(X[b]), y[b])
        opt.zero_grad()
        loss.backward()
        opt.step()
        if (step + 1) % max(steps // 10, 1) == 0:
            with no_grad():
                curve.append(float(F.cross_entropy(model(Xv), yv).data))
    return curve


def sample(model, chars: str, start: str, n: int, rng) -> str:
    """Write ``n`` characters after ``start``, each drawn from the model's softmax."""
    lookup = {c: i for i, c in enumerate(chars)}
    ids = [lookup[c] for c in start.rjust(CONTEXT)[-CONTEXT:]]
    out = []
    with no_grad():
        for _ in range(n):
            p = model(np.array([ids[-CONTEXT:]])).softmax(dim=-1).data[0]
            nxt = int(rng.choice(len(p), p=p / p.sum()))
            ids.append(nxt)
            out.append(chars[nxt])
    return start + "".join(out)


def run(out: str | os.PathLike | None = None, *, quick: bool = False) -> Report:
    """Train the three character models, sample from each, draw the attention of one sample."""
    folder = output_dir("language", out)
    report = Report()
    text = corpus()
    chars = "".join(sorted(set(text)))
    ids = np.array([chars.index(c) for c in text])
    split = int(len(ids) * 0.9)
    X, y = windows(ids[:split])
    Xv, yv = windows(ids[split:])
    heading("the corpus")
    print(f"{len(text)} characters, {len(chars)} symbols ({chars!r}); {len(y)} training windows "
          f"of {CONTEXT}; a model that knew nothing would score ln {len(chars)} = "
          f"{math.log(len(chars)):.2f}")
    steps = {"bigram": 300, "MLP": 800, "attention": 1500}
    if quick:
        steps = {k: 20 for k in steps}
    models = {"bigram": Bigram(len(chars), 0), "MLP": WindowMLP(len(chars), 0),
              "attention": Attention(len(chars), 0)}
    curves, samples = {}, {}
    for name, model in models.items():
        heading(f"{name}: {model.num_parameters()} parameters, {steps[name]} steps")
        with Stopwatch() as t:
            curves[name] = train(model, X, y, Xv, yv, steps[name], np.random.default_rng(0))
        samples[name] = sample(model, chars, "the ", 120, np.random.default_rng(1))
        print(f"held-out loss {curves[name][-1]:.3f} nats ({t.seconds:.1f} s); it writes:")
        print("   " + samples[name].replace("\n", "\n   "))
    save(_curves_figure(curves, steps, len(chars)), folder / "losses.png", report)
    att = models["attention"]
    window = samples["attention"][-CONTEXT:]
    with no_grad():
        att(np.array([[chars.index(c) for c in window]]))
    save(_attention_figure(att.weights.data[0], window), folder / "attention.png", report)
    report.results.update({f"{k}_loss": v[-1] for k, v in curves.items()})
    report.results["samples"] = samples
    return report


def _curves_figure(curves: dict, steps: dict, vocab: int):
    fig, axes = figure(1, 1, size=(6.5, 3.8))
    ax = axes[0, 0]
    for k, (name, curve) in enumerate(curves.items()):
        xs = np.linspace(steps[name] / len(curve), steps[name], len(curve))
        ax.plot(xs, curve, color=palette.CLASS_COLORS[k], linestyle=palette.LINE_STYLES[k],
                marker=palette.MARKERS[k], label=f"{name} ({curve[-1]:.2f})")
    ax.axhline(math.log(vocab), color=palette.AXIS, linestyle=":", label="knowing nothing")
    ax.set_xlabel("training step")
    ax.set_ylabel("held-out cross-entropy (nats)")
    ax.legend(fontsize=9)
    ax.set_title("predicting the next character: lower is better", fontsize=10)
    return fig


def _attention_figure(w: np.ndarray, window: str):
    from matplotlib.colors import ListedColormap

    fig, axes = figure(1, 1, size=(4.8, 4.4))
    ax = axes[0, 0]
    ramp = ListedColormap([palette.diverging(v) for v in np.linspace(0, 1, 128)])
    ax.imshow(w, cmap=ramp, vmin=0, vmax=1)
    labels = [repr(c)[1:-1] if c != " " else "\u2423" for c in window]
    ax.set_xticks(range(len(window)), labels)
    ax.set_yticks(range(len(window)), labels)
    for (i, j), v in np.ndenumerate(w):
        if j <= i:
            ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=7,
                    color=palette.ink_on(palette.diverging(float(v))))
    ax.set_xlabel("looks at (itself and the characters before)")
    ax.set_ylabel("position")
    ax.set_title("attention weights of the last window it wrote\n(each row sums to 1; "
                 "the upper triangle is masked)", fontsize=9)
    return fig


def main(argv: Sequence[str] | None = None) -> int:
    return lesson_main(__name__, __doc__, run, argv)


if __name__ == "__main__":
    raise SystemExit(main())
