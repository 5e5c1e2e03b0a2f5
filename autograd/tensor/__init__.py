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
minimum, where, concatenate, stack).
"""

from .core import Tensor
from .functions import concatenate, maximum, minimum, stack, tensor, where

__all__ = ["Tensor", "concatenate", "maximum", "minimum", "stack", "tensor", "where"]
