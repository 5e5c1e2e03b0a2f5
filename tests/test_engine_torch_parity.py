"""The scalar engine against PyTorch in float64: first and second derivatives."""

import pytest

from chainrule.autograd import Value, grad

torch = pytest.importorskip("torch")

EXPRS = [
    lambda x, y: (x * y).tanh() + x**3 - y / (x * x + 1),
    lambda x, y: (x.sigmoid() * y.exp()).log() + abs(x - y),
    lambda x, y: (x.sin() * y.cos() + (x * 0.5).softplus()) ** 2,
    lambda x, y: (x - y).relu() * 3 + (x * y).leaky_relu(0.1) + (x * x + y * y).sqrt(),
    lambda x, y: 2 ** (x * y) + (1 - x) / (2 + y * y),
]


def ours(f, a, b):
    x, y = Value(a), Value(b)
    out = f(x, y)
    gx, gy = grad(out, [x, y], create_graph=True)
    hxx, hxy = grad(gx, [x, y])
    return out.data, gx.data, gy.data, hxx, hxy


def theirs(f, a, b):
    x = torch.tensor(a, dtype=torch.float64, requires_grad=True)
    y = torch.tensor(b, dtype=torch.float64, requires_grad=True)

    def tf(x, y):

        return f(_Wrap(x), _Wrap(y)).t

    out = tf(x, y)
    gx, gy = torch.autograd.grad(out, [x, y], create_graph=True)
    hxx, hxy = torch.autograd.grad(gx, [x, y], allow_unused=True)
    z = torch.zeros((), dtype=torch.float64)
    return (
        out.item(),
        gx.item(),
        gy.item(),
        (hxx if hxx is not None else z).item(),
        (hxy if hxy is not None else z).item(),
    )


class _Wrap:
    """Gives a torch tensor the method names of Value, so one expression runs on both."""

    def __init__(self, t):
        self.t = t

    def _w(self, o):
        return o.t if isinstance(o, _Wrap) else o

    def __add__(self, o):
        return _Wrap(self.t + self._w(o))

    __radd__ = __add__

    def __sub__(self, o):
        return _Wrap(self.t - self._w(o))

    def __rsub__(self, o):
        return _Wrap(self._w(o) - self.t)

    def __mul__(self, o):
        return _Wrap(self.t * self._w(o))

    __rmul__ = __mul__

    def __truediv__(self, o):
        return _Wrap(self.t / self._w(o))

    def __rtruediv__(self, o):
        return _Wrap(self._w(o) / self.t)

    def __pow__(self, o):
        return _Wrap(self.t ** self._w(o))

    def __rpow__(self, o):
        return _Wrap(self._w(o) ** self.t)

    def __abs__(self):
        return _Wrap(self.t.abs())

    def tanh(self):
        return _Wrap(self.t.tanh())

    def sigmoid(self):
        return _Wrap(self.t.sigmoid())

    def exp(self):
        return _Wrap(self.t.exp())

    def log(self):
        return _Wrap(self.t.log())

    def sin(self):
        return _Wrap(self.t.sin())

    def cos(self):
        return _Wrap(self.t.cos())

    def sqrt(self):
        return _Wrap(self.t.sqrt())

    def relu(self):
        return _Wrap(torch.relu(self.t))

    def softplus(self):
        return _Wrap(torch.nn.functional.softplus(self.t))

    def leaky_relu(self, s):
        return _Wrap(torch.nn.functional.leaky_relu(self.t, s))


@pytest.mark.parametrize("k", range(len(EXPRS)))
@pytest.mark.parametrize("a,b", [(0.7, -0.4), (1.3, 0.9), (-0.6, 1.7)])
def test_matches_pytorch_first_and_second_order(k, a, b):
    got = ours(EXPRS[k], a, b)
    want = theirs(EXPRS[k], a, b)
    assert got == pytest.approx(want, rel=1e-10, abs=1e-12)


def test_stable_functions_at_1000_match_pytorch():
    for v in (1000.0, -1000.0):
        for name in ("tanh", "sigmoid", "softplus"):
            x = Value(v)
            getattr(x, name)().backward()
            t = torch.tensor(v, dtype=torch.float64, requires_grad=True)
            f = torch.nn.functional.softplus if name == "softplus" else getattr(torch, name)
            f(t).backward()
            assert x.grad == pytest.approx(t.grad.item(), abs=1e-12)
