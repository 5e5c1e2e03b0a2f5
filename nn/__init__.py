"""chainrule's neural-network package: modules, layers, losses, optimizers, data and training.

One API over both engines: a scalar model (every weight a ``Value``, every neuron visible in the
graph) and a tensor model (``Tensor`` weights, one matrix product per layer) are built, trained,
saved and inspected the same way, and move between engines through their state dict.

    >>> from chainrule import nn
    >>> model = nn.MLP(2, [16, 16, 1], seed=0)        # micrograd's moons model (scalar engine)
    >>> model.num_parameters()
    337
    >>> X, y = nn.data.make_moons(100, noise=0.1, signed=True)
    >>> history = nn.fit(model, X, y, loss="hinge", epochs=2, verbose=False)
    >>> len(history)
    2

Every fully connected layer (the scalar ``Neuron`` and ``Layer``, the tensor ``Linear``) follows one
contract, ``nn.Dense``: the same ``engine``, ``in_features``, ``out_features``, ``activation`` and
state-dict layout, so ``MLP`` only stacks layers. ``nn`` never imports ``viz``: a renderer learns a
parameter's module from its ``label`` (its dotted name from ``Module.named_members``).
"""

from . import data, functional, init, losses, optim, targets
from .activations import Identity, LeakyReLU, ReLU, Sigmoid, Softplus, Tanh
from .attention import MultiheadAttention
from .bridge import (
    UnsupportedLayer,
    from_torch,
    load_model,
    to_safetensors,
    to_torch,
    to_torch_code,
)
from .conv import AvgPool2d, Conv2d, Flatten, MaxPool2d
from .dense import Dense
from .display import summary
from .embedding import Dropout, Embedding
from .layers import Linear, Sequential
from .mlp import MLP
from .module import Module
from .norm import BatchNorm1d, BatchNorm2d, LayerNorm
from .onnx_export import export_onnx, to_onnx
from .scalar import Layer, Neuron
from .serialization import load_state, save_state
from .state import LoadResult
from .trace import SampleTrace, neuron_walkthrough, to_engine, trace_sample
from .train import History, StepResult, fit, predict, train_step

__all__ = [
    "AvgPool2d",
    "BatchNorm1d",
    "BatchNorm2d",
    "Conv2d",
    "Dropout",
    "Embedding",
    "Flatten",
    "LayerNorm",
    "MaxPool2d",
    "MultiheadAttention",
    "Dense",
    "History",
    "Identity",
    "UnsupportedLayer",
    "Layer",
    "LeakyReLU",
    "Linear",
    "LoadResult",
    "MLP",
    "Module",
    "Neuron",
    "ReLU",
    "SampleTrace",
    "Sequential",
    "Sigmoid",
    "Softplus",
    "StepResult",
    "Tanh",
    "data",
    "export_onnx",
    "fit",
    "functional",
    "init",
    "losses",
    "load_model",
    "load_state",
    "from_torch",
    "to_onnx",
    "to_safetensors",
    "to_torch",
    "to_torch_code",
    "neuron_walkthrough",
    "optim",
    "predict",
    "save_state",
    "summary",
    "targets",
    "to_engine",
    "trace_sample",
    "train_step",
]
