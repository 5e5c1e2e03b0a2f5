"""Regenerate the comparison pictures of docs/pytorch.md: ``python docs/make_pytorch_pictures.py``.

The same three small PyTorch models (an MLP, a CNN, a self-attention block) drawn by chainrule's
renderer (always), and by torchviz's ``make_dot`` and torchview's ``draw_graph`` when those
packages are installed (both need the system Graphviz ``dot``; chainrule does not). Writes
docs/images/pytorch_<model>_<tool>.svg. Needs PyTorch: ``pip install 'chainrule[torch]'``.
"""

from __future__ import annotations

import math
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402
from torch import nn  # noqa: E402

from chainrule import viz  # noqa: E402

OUT = ROOT / "docs" / "images"


class SelfAttention(nn.Module):
    """One head of self-attention: softmax(q k^T / sqrt(d)) v, then a linear projection."""

    def __init__(self, d: int = 8) -> None:
        super().__init__()
        self.q, self.k, self.v, self.out = (nn.Linear(d, d) for _ in range(4))
        self.scale = 1 / math.sqrt(d)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        q, k, v = self.q(x), self.k(x), self.v(x)
        weights = torch.softmax(q @ k.transpose(-2, -1) * self.scale, dim=-1)
        return self.out(weights @ v)


def models() -> dict[str, tuple[nn.Module, torch.Tensor]]:
    """name -> (model, input), seeded: the three models of the comparison."""
    torch.manual_seed(0)
    return {
        "mlp": (nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 8), nn.Tanh(),
                              nn.Linear(8, 1)), torch.randn(16, 2)),
        "cnn": (nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                              nn.Linear(36, 3)), torch.randn(2, 1, 8, 8)),
        "attention": (SelfAttention(8), torch.randn(5, 8)),  # 5 tokens of 8 features
    }


def chainrule_svg(model: nn.Module, x: torch.Tensor, **options) -> str:
    """chainrule's picture: every value and gradient recorded by viz.trace, leaves named by the
    model's parameters, frames by module. No system Graphviz needed (renderer='embedded')."""
    tr = viz.trace(model, x)
    tr.output.pow(2).mean().backward()
    options = {"collapse": None, **options}  # every node, unless asked otherwise
    return viz.to_svg(tr.output, model=model, renderer="embedded", **options)


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for name, (model, x) in models().items():
        # the attention block at the readable default (which draws its every node; it had to
        # be forced with collapse=None when the default closed it into one "(model)" card)
        level = {"collapse": "auto"} if name == "attention" else {}
        (OUT / f"pytorch_{name}_chainrule.svg").write_text(chainrule_svg(model, x, **level))
        print("wrote", f"pytorch_{name}_chainrule.svg")
        if name == "mlp":  # one card per module
            svg = chainrule_svg(model, x, collapse="auto")  # the readable default
            (OUT / "pytorch_mlp_chainrule_layers.svg").write_text(svg)
        if not shutil.which("dot"):
            continue  # torchviz and torchview render with the system Graphviz only
        try:
            from torchviz import make_dot

            y = model(x)
            dot = make_dot(y, params=dict(model.named_parameters()), show_attrs=False)
            (OUT / f"pytorch_{name}_torchviz.svg").write_bytes(dot.pipe(format="svg"))
            print("wrote", f"pytorch_{name}_torchviz.svg")
        except ImportError:
            print("torchviz is not installed: skipped")
        try:
            import torchview

            g = torchview.draw_graph(model, input_data=x, depth=2, expand_nested=True)
            (OUT / f"pytorch_{name}_torchview.svg").write_bytes(
                g.visual_graph.pipe(format="svg"))
            print("wrote", f"pytorch_{name}_torchview.svg")
        except ImportError:
            print("torchview is not installed: skipped")


if __name__ == "__main__":
    main()
