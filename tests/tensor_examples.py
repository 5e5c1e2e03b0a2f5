"""One example per op that the course's Tensor layer adds to the registry, for
``test_engine_registry``'s first- and second-order checks (each called on a (3, 4) float64 tensor
of standard normal samples moved away from -0.5, 0 and 0.5)."""

import numpy as np

from chainrule import autograd
from chainrule.autograd.tensor import fused
from chainrule.autograd.tensor.conv import Geometry, fold, unfold
from chainrule.autograd.tensor.conv2d import conv2d
from chainrule.autograd.tensor.pool import avg_pool2d, max_pool2d

GEO = Geometry((2, 2), (1, 2), ((1, 0), (0, 1)), (1, 1))

COURSE_EXAMPLES = {
    "tan": lambda x: (x * 0.5).tan(),
    "sinh": lambda x: x.sinh(),
    "cosh": lambda x: x.cosh(),
    "arcsin": lambda x: (x.tanh() * 0.8).asin(),
    "arccos": lambda x: (x.tanh() * 0.8).arccos(),
    "arctan": lambda x: x.atan(),
    "log2": lambda x: (x * x + 0.5).log2(),
    "log10": lambda x: (x * x + 0.5).log10(),
    "expm1": lambda x: x.expm1(),
    "reciprocal": lambda x: (x * x + 0.5).reciprocal(),
    "rsqrt": lambda x: (x * x + 0.5).rsqrt(),
    "sign": lambda x: x.sign() * x * x,
    "cast": lambda x: x.astype(np.longdouble).astype(np.float64) ** 2,
    "flip": lambda x: x.flip(1) * x,
    "roll": lambda x: x.roll((1, -1), (0, 1)) * x,
    "pad": lambda x: x.pad(((1, 0), (2, 1))) ** 2,
    "einsum": lambda x: autograd.einsum("ij,kj->ik", x, x * x),
    "prod": lambda x: x.prod(axis=1),
    "cumsum": lambda x: x.cumsum(axis=1) * x,
    "erf": lambda x: x.erf(),
    "unfold": lambda x: unfold(x.reshape(1, 1, 3, 4), GEO) ** 2,
    "fold": lambda x: fold(x.reshape(1, 3, 2, 1, 1, 2), Geometry((1, 2), (1, 1), ((0, 0),) * 2,
                                                              (1, 1)), (1, 1, 3, 3)) ** 2,
    # the fused ops: every input's gradient (images, kernels, bias) from the one (3, 4) tensor
    "conv2d": lambda x: conv2d(x.reshape(1, 1, 3, 4), x[1:, 1:3].reshape(1, 1, 2, 2) * x[0, 0],
                               x[2, 3:], GEO) ** 2,
    "max_pool2d": lambda x: max_pool2d(x.reshape(1, 1, 3, 4), GEO) ** 2,
    "avg_pool2d": lambda x: avg_pool2d(x.reshape(1, 1, 3, 4), GEO) ** 2,
}

# the fused ops (autograd/tensor/fused.py): every input depends on x, so second order is exercised
FUSED_EXAMPLES = {
    "linear": lambda x: fused.linear(x, x.exp(), x[:, 0]),
    "cross_entropy": lambda x: fused.cross_entropy(x, np.array([0, 3, 1]), label_smoothing=0.1),
}
