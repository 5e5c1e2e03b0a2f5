"""Weight initialisation: each scheme draws a numpy array of a given shape from a Generator.

For a weight of shape ``(out, in)`` the *fans* are ``fan_in = in`` and ``fan_out = out`` (a single
neuron's ``(in,)`` weight has ``fan_out = 1``). The schemes, as in PyTorch's ``torch.nn.init``:

    uniform          U(-1, 1)                                micrograd's Neuron (the scalar default)
    normal           N(0, 1)
    zeros            0
    pytorch          U(-1/sqrt(fan_in), 1/sqrt(fan_in))       torch.nn.Linear's (the tensor default)
    xavier_uniform   U(-a, a),  a = gain sqrt(6 / (fan_in + fan_out))     (Glorot & Bengio, 2010)
    xavier_normal    N(0, s^2), s = gain sqrt(2 / (fan_in + fan_out))
    kaiming_uniform  U(-a, a),  a = gain sqrt(3 / fan_in)     (He et al., 2015; gain sqrt(2): relu)
    kaiming_normal   N(0, s^2), s = gain / sqrt(fan_in)

Xavier keeps the variance of activations and gradients about constant through tanh/sigmoid
layers; Kaiming does the same for relu, which zeroes half its inputs (hence the factor 2).

Layers take ``init=`` (a name above or a function ``f(shape, rng) -> array``); ``initialize``
re-draws every weight of a built model, on either engine (through its state dict).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from ._rng import make_rng

Shape = tuple[int, ...]


def fans(shape: Shape) -> tuple[int, int]:
    """(fan_in, fan_out) of a weight of shape ``(out, in)`` or ``(in,)``."""
    if len(shape) == 2:
        return shape[1], shape[0]
    if len(shape) == 1:
        return shape[0], 1
    raise ValueError(f"fans are defined for weights of shape (out, in) or (in,), not {shape}")


def calculate_gain(nonlinearity: str = "linear", param: float | None = None) -> float:
    """The gain that keeps activations' variance steady: 1 (linear, sigmoid), 5/3 (tanh),
    sqrt(2) (relu), sqrt(2 / (1 + slope^2)) (leaky_relu, slope ``param`` or 0.01)."""
    if nonlinearity in ("linear", "identity", "sigmoid"):
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3.0
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else float(param)
        return math.sqrt(2.0 / (1.0 + slope * slope))
    raise ValueError(
        f"no gain for {nonlinearity!r}; use linear, identity, sigmoid, tanh, relu or leaky_relu"
    )


def uniform(shape: Shape, rng: Any = None, low: float = -1.0, high: float = 1.0) -> np.ndarray:
    """U(low, high), by default U(-1, 1) as micrograd's Neuron."""
    return make_rng(rng).uniform(low, high, size=shape)


def normal(shape: Shape, rng: Any = None, mean: float = 0.0, std: float = 1.0) -> np.ndarray:
    """N(mean, std^2)."""
    return make_rng(rng).normal(mean, std, size=shape)


def zeros(shape: Shape, rng: Any = None) -> np.ndarray:
    """All zeros (biases, usually)."""
    return np.zeros(shape)


def pytorch(shape: Shape, rng: Any = None) -> np.ndarray:
    """U(-1/sqrt(fan_in), 1/sqrt(fan_in)): torch.nn.Linear's default for weight and bias."""
    bound = 1.0 / math.sqrt(fans(shape)[0]) if shape and shape[-1] else 0.0
    return make_rng(rng).uniform(-bound, bound, size=shape)


def xavier_uniform(shape: Shape, rng: Any = None, gain: float = 1.0) -> np.ndarray:
    """U(-a, a) with a = gain sqrt(6 / (fan_in + fan_out))."""
    fan_in, fan_out = fans(shape)
    a = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return make_rng(rng).uniform(-a, a, size=shape)


def xavier_normal(shape: Shape, rng: Any = None, gain: float = 1.0) -> np.ndarray:
    """N(0, s^2) with s = gain sqrt(2 / (fan_in + fan_out))."""
    fan_in, fan_out = fans(shape)
    return make_rng(rng).normal(0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)), size=shape)


def kaiming_uniform(shape: Shape, rng: Any = None, gain: float = math.sqrt(2.0)) -> np.ndarray:
    """U(-a, a) with a = gain sqrt(3 / fan_in); the default gain sqrt(2) suits relu."""
    a = gain * math.sqrt(3.0 / fans(shape)[0])
    return make_rng(rng).uniform(-a, a, size=shape)


def kaiming_normal(shape: Shape, rng: Any = None, gain: float = math.sqrt(2.0)) -> np.ndarray:
    """N(0, s^2) with s = gain / sqrt(fan_in); the default gain sqrt(2) suits relu."""
    return make_rng(rng).normal(0.0, gain / math.sqrt(fans(shape)[0]), size=shape)


SCHEMES: dict[str, Callable[..., np.ndarray]] = {
    "uniform": uniform,
    "normal": normal,
    "zeros": zeros,
    "pytorch": pytorch,
    "xavier_uniform": xavier_uniform,
    "xavier_normal": xavier_normal,
    "kaiming_uniform": kaiming_uniform,
    "kaiming_normal": kaiming_normal,
}


def scheme(init: str | Callable[..., Any]) -> Callable[..., np.ndarray]:
    """The function for an init name, or the user's own ``f(shape, rng)`` checked to be callable."""
    if callable(init):
        return init
    if isinstance(init, str) and init in SCHEMES:
        return SCHEMES[init]
    raise ValueError(
        f"unknown init {init!r}; choose one of {sorted(SCHEMES)} or pass f(shape, rng)"
    )


def draw(init: str | Callable[..., Any], shape: Shape, rng: np.random.Generator) -> np.ndarray:
    """An array of ``shape`` from ``init`` (checked: a user's function may return anything)."""
    a = np.asarray(scheme(init)(shape, rng), dtype=np.float64)
    if a.shape != tuple(shape):
        raise ValueError(f"init {init!r} returned shape {a.shape}, expected {tuple(shape)}")
    return a


def initialize(
    model: Any,
    weight: str | Callable[..., Any] = "kaiming_uniform",
    bias: str | Callable[..., Any] = "zeros",
    *,
    rng: Any = None,
    seed: int | None = None,
) -> Any:
    """Re-draw every weight (keys ending in ``weight``) and bias of a built model; returns it.

    Works on both engines through ``state_dict``/``load_state_dict``, so a scalar and a tensor model
    initialised with the same seed get the same numbers. A bias scheme sees the bias's own shape
    (use 'zeros', 'uniform' or 'normal'), except 'pytorch', whose bound comes from the weight's
    fan_in as in ``torch.nn.Linear``. Other entries are left as they are.
    """
    gen = make_rng(rng, seed)
    state = model.state_dict()
    for key, value in state.items():
        owner, _, leaf = key.rpartition(".")
        if leaf == "weight":
            state[key] = draw(weight, value.shape, gen)
        elif leaf == "bias":
            if bias == "pytorch":  # its bound comes from the weight's fan_in, not the bias's
                w = state.get(f"{owner}.weight" if owner else "weight")
                fan_in = fans(w.shape)[0] if w is not None else max(value.size, 1)
                bound = 1.0 / math.sqrt(fan_in)
                state[key] = gen.uniform(-bound, bound, size=value.shape)
            else:
                state[key] = draw(bias, value.shape or (1,), gen).reshape(value.shape)
    model.load_state_dict(state)
    return model
