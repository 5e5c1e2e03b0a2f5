"""``max_pool2d`` over windows that tile the image (its fast path), for inputs in every memory
layout a network gives it (a convolution's output is (C, N, H, W) in memory; a ``permute`` is a
view), with ties, nan and inf in the windows: values and gradients equal PyTorch's, in float64
and float32, through the array engine's reverse pass."""

import numpy as np
import pytest

from chainrule.autograd import Tensor
from chainrule.nn import functional as F

torch = pytest.importorskip("torch")
LAYOUTS = {"NCHW": (0, 1, 2, 3), "CNHW": (1, 0, 2, 3), "NHWC": (0, 2, 3, 1)}
VALUES = np.array([0.0, -0.0, 1.0, 1.0, 2.0, 2.0, -np.inf, np.inf, np.nan, -1.5, 3.0, 3.0])


def _stored(perm: tuple[int, ...], dtype: type, special: bool) -> np.ndarray:
    """(3, 5, 6, 6) images stored in the axis order ``perm``: small integers (many ties), and
    with ``special`` the edge values too."""
    rng = np.random.default_rng(sum(perm) + special)
    shape = (3, 5, 6, 6)
    x = rng.choice(VALUES, shape) if special else rng.integers(0, 3, shape).astype(np.float64)
    return np.ascontiguousarray(x.transpose(perm), dtype=dtype)


@pytest.mark.parametrize("special", [False, True], ids=["ties", "edges"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("kernel", [(2, 2), (3, 2), (2, 3)])
@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_tiled_max_pool_matches_pytorch(layout, kernel, dtype, special):
    perm = LAYOUTS[layout]
    base = _stored(perm, dtype, special)
    back = tuple(int(i) for i in np.argsort(perm))
    g = np.random.default_rng(3).standard_normal((3, 5, 6 // kernel[0], 6 // kernel[1]))
    leaf = Tensor(base, requires_grad=True)
    x = leaf.permute(*back)
    assert x.data.flags.c_contiguous == (layout == "NCHW")  # the layout reaches the pool
    y = F.max_pool2d(x, kernel)
    y.backward(g.astype(dtype))  # the array engine's reverse pass (no create_graph)
    lt = torch.tensor(base, requires_grad=True)
    yt = torch.nn.functional.max_pool2d(lt.permute(*back), kernel)
    yt.backward(torch.tensor(g.astype(dtype)))
    np.testing.assert_array_equal(y.data, yt.detach().numpy())
    np.testing.assert_array_equal(leaf.grad, lt.grad.numpy())
    assert y.data.dtype == dtype
