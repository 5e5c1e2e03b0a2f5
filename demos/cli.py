"""``chainrule demo [NAME] [--out DIR] [--quick]``: list the lessons, or run one.

The lessons follow the order in which deep learning is usually introduced: a layer's forward and
backward pass, why layers need a non-linearity, the activation functions, why depth makes training
harder, a real application (reading handwritten digits), second derivatives, the two engines side
by side, the main job that puts it all together, then the challenges of deep learning: data, cost
and interpretability. ``notebooks`` copies the notebook course into a folder to open in Jupyter.
Each lesson is a module ``chainrule.demos.NAME`` with ``run`` and ``main``, imported only when it
runs: to add one, write ``demos/NAME.py`` and add one line to ``LESSONS``.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence

# name -> one line, in teaching order
LESSONS: dict[str, str] = {
    "forward_backward": "a layer y = f(Wx + b) by hand and by the engine; dW by hand = autograd",
    "why_nonlinearity": "stacked linear layers are one linear layer; tanh separates XOR and moons",
    "activations": "tanh, sigmoid, ReLU, leaky ReLU, softplus and their derivatives, plotted",
    "depth": "deeper is harder: vanishing gradients per layer, depths 2 to 20, and training",
    "digits": "image recognition: 8x8 handwritten digits with a tensor MLP (>= 95% on test)",
    "cnn": "convolutions on the digits: learned filters, feature maps, CNN vs MLP",
    "language": "characters to text: bigram, MLP over a window, self-attention; attention map",
    "newton": "second derivatives: Newton's method vs gradient descent, Hessian-vector products",
    "scalar_vs_tensor": "the same MLP on both engines: equal outputs and gradients, speed",
    "moons": "the main job: micrograd's moons MLP on the scalar engine, every picture",
    "data": "deep learning needs data: test accuracy against the number of training examples",
    "cost": "deep learning is expensive: time and multiply-adds of a step, wider and deeper",
    "interpretability": "what a digits network looks at: saliency maps, what excites a neuron",
    "notebooks": "the notebook course (six notebooks with exercises), copied into a folder",
}


def listing() -> str:
    lines = ["chainrule's lessons (run one with: chainrule demo NAME [--out DIR]):", ""]
    lines += [f"  {i:>2}. {name:<17} {line}" for i, (name, line) in enumerate(LESSONS.items(), 1)]
    lines += ["", "Each writes its pictures to ./chainrule-out/NAME/ (or --out DIR), then lists",
              "them. The main job (make demo, python -m chainrule.demos) is the moons lesson."]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Run lesson ``argv[0]`` with the remaining arguments, or list the lessons."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help", "list"):
        print(listing())
        return 0
    name = args[0].replace("-", "_")
    if name not in LESSONS:
        print(f"chainrule demo: error: no lesson named {args[0]!r}; choose from "
              f"{', '.join(LESSONS)} (chainrule demo lists them)", file=sys.stderr)
        return 2
    module = importlib.import_module(f"chainrule.demos.{name}")
    return int(module.main(args[1:]) or 0)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
