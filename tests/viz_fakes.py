"""Stand-ins for the viz tests: an nn-shaped scalar MLP and a duck-typed tensor node.

They expose exactly what viz reads (``named_parameters()``; the public node fields), so the tests
do not depend on the nn package or on ``autograd.Tensor`` being present.
"""

from __future__ import annotations

import random

import numpy as np

from chainrule.autograd import Value


class FakeMLP:
    """micrograd's MLP shape with nn's dotted parameter labels (layers.L.neurons.N.w.i / .b)."""

    def __init__(self, nin: int, nouts: list[int], seed: int = 0, act: str = "relu") -> None:
        rng = random.Random(seed)
        sizes = [nin, *nouts]
        self.act = act
        self.layers = []
        for k in range(len(nouts)):
            layer = []
            for n in range(sizes[k + 1]):
                w = [Value(rng.uniform(-1, 1), label=f"layers.{k}.neurons.{n}.w.{i}")
                     for i in range(sizes[k])]
                b = Value(0.1 * rng.uniform(-1, 1), label=f"layers.{k}.neurons.{n}.b")
                layer.append((w, b))
            self.layers.append(layer)

    def named_parameters(self):
        out = []
        for layer in self.layers:
            for w, b in layer:
                out += [(p.label, p) for p in w] + [(b.label, b)]
        return out

    def parameters(self):
        return [p for _, p in self.named_parameters()]

    def __call__(self, x):
        for k, layer in enumerate(self.layers):
            outs = []
            for w, b in layer:
                s = sum((wi * xi for wi, xi in zip(w, x, strict=True)), b)
                outs.append(getattr(s, self.act)() if k < len(self.layers) - 1 else s)
            x = outs
        return x[0] if len(x) == 1 else x


class FakeOp:
    """An op as viz sees it: a name and a docstring."""

    elementwise = True

    def __init__(self, name: str) -> None:
        self.name = name


class FakeTensor:
    """The public surface of an issue-3 Tensor node: data ndarray, grad ndarray or None, ..."""

    engine = "tensor"

    def __init__(self, data, label="", parents=(), op=None, requires_grad=True, grad=None):
        self.data = np.asarray(data)
        self.grad = grad
        self._parents = tuple(parents)
        self.op = op
        self.label = label
        self.requires_grad = requires_grad

    @property
    def parents(self):
        return self._parents

    @property
    def op_name(self):
        return "" if self.op is None else self.op.name

    @property
    def is_leaf(self):
        return not self._parents

    @property
    def shape(self):
        return self.data.shape

    @property
    def dtype(self):
        return self.data.dtype
