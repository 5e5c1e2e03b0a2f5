"""``Tensor``: an n-dimensional node backed by a numpy array, on the same graph core as ``Value``.

    >>> from chainrule.autograd import Tensor
    >>> W = Tensor([[2.0, 1.0], [1.0, 3.0]], requires_grad=True)
    >>> x = Tensor([1.0, -1.0])
    >>> loss = (W @ x).relu().sum()     # W @ x = [1, -2]; relu keeps the first row only
    >>> loss.backward()
    >>> W.grad
    array([[ 1., -1.],
           [ 0.,  0.]])
    >>> v = Tensor([1.0, 2.0], requires_grad=True)
    >>> (v @ v).backward()              # d/dv (v . v) = 2v
    >>> v.grad
    array([2., 4.])

The package is organised by concept, each op class beside the method or function that records it:
``core.py`` (the class: construction, dtypes, engine hooks), ``creation.py``, ``elementwise.py``,
``reductions.py``, ``linalg.py``, ``shape.py``, ``indexing.py`` and ``functions.py`` (maximum,
minimum, where, concatenate, stack) are the class's own mixins. The families a course adds are
grafted on here: ``unary.py`` (tan, sinh, ..., sign), ``statistics.py`` (prod, cumsum, var, std,
argmax), ``layout.py`` (flip, roll, pad, permute, repeat, ...), ``matrices.py`` (einsum, tril,
diag, trace, outer), ``selection.py`` (gather, masked_fill, clamp), ``casts.py`` (astype, float,
double), ``fused.py`` (linear and cross-entropy, one node each) and ``spellings.py``
(``backward(gradient=...)``, ``zeros_like``, ``cat``, ...).
"""

from .. import methods as _methods
from . import conv2d as _conv2d  # noqa: F401 - registers unfold/fold, conv2d and the pools
from . import fused as _fused  # noqa: F401 - registers linear and cross_entropy
from . import pool as _pool  # noqa: F401
from . import unary as _unary  # noqa: F401 - registers the elementwise ops installed below
from .casts import CastMethods
from .core import Tensor
from .functions import concatenate, maximum, minimum, stack, tensor, where
from .layout import LayoutMethods
from .matrices import MatrixMethods, einsum, outer
from .selection import SelectionMethods
from .spellings import (
    SpellingMethods,
    arange,
    cat,
    eye,
    full,
    full_like,
    graft,
    ones_like,
    zeros_like,
)
from .statistics import StatisticsMethods

graft(Tensor, StatisticsMethods, LayoutMethods, MatrixMethods, SelectionMethods, CastMethods,
      SpellingMethods)
_methods.install(Tensor)  # the parameter-free elementwise ops of unary.py: tan, asin, sign, ...

__all__ = [
    "Tensor", "arange", "cat", "concatenate", "einsum", "eye", "full", "full_like", "maximum",
    "minimum", "ones_like", "outer", "stack", "tensor", "where", "zeros_like",
]
