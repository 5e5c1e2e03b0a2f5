"""Write the course's notebooks from the cells below, run them, and save them with their outputs.

    python demos/course/build.py            # all six
    python demos/course/build.py 03         # the ones whose name starts with 03

Each notebook is a list of cells: markdown (``md``), code (``code``), and exercises (``ex``):
a code cell whose answer is ``...`` as shipped, with the solution in its metadata
(``metadata.chainrule.solution``). The tests run every notebook with the solutions put in and
check that every exercise then prints "right"; the committed notebooks show the unanswered
state. Run in a temporary folder: a notebook writes nothing anywhere else.
"""

# ruff: noqa: E501  (the cells keep their own line lengths: markdown and LaTeX)
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

SETUP = """%matplotlib inline
import matplotlib.pyplot as plt
plt.rcParams.update({"font.size": 12, "figure.dpi": 100})   # readable on a projector
from chainrule.viz import palette                             # the colour-blind-safe colours
from chainrule.demos.exercises import check"""

COURSE: dict[str, list[tuple]] = {}

COURSE["01_slope"] = [
    ("md", """# 1. A derivative is a slope

The derivative $f'(x)$ is the slope of the graph of $f$ at $x$: how much $f$ changes per unit
change of $x$, for a tiny change. A computer can estimate it without any calculus, by moving $x$
a little, by $h$, and measuring the rise:

$$\\text{forward difference: } \\frac{f(x+h) - f(x)}{h} \\qquad
\\text{central difference: } \\frac{f(x+h) - f(x-h)}{2h}$$

These *finite differences* are how every gradient in chainrule is checked."""),
    ("code", SETUP),
    ("code", """def f(x):
    return x ** 3 - 2 * x

x0 = 1.5
exact = 3 * x0 ** 2 - 2          # f'(x) = 3x^2 - 2, by calculus
for h in (1e-1, 1e-2, 1e-3, 1e-4):
    forward = (f(x0 + h) - f(x0)) / h
    central = (f(x0 + h) - f(x0 - h)) / (2 * h)
    print(f"h = {h:g}: forward {forward:.8f}, central {central:.8f}   (exact {exact})")"""),
    ("md", """The secant lines through $(x, f(x))$ and $(x+h, f(x+h))$ turn into the tangent as $h$
shrinks:"""),
    ("code", """import numpy as np

xs = np.linspace(0, 2.6, 200)
fig, ax = plt.subplots(figsize=(7, 4.5), layout="constrained")
ax.plot(xs, f(xs), color=palette.TEXT, linewidth=2.5, label="f(x) = x³ - 2x")
for k, h in enumerate((1.0, 0.5, 0.1)):
    slope = (f(x0 + h) - f(x0)) / h
    ax.plot(xs, f(x0) + slope * (xs - x0), color=palette.class_color(k + 1),
            linestyle=palette.line_style(k + 1), label=f"secant, h = {h}: slope {slope:.2f}")
ax.plot(xs, f(x0) + exact * (xs - x0), color=palette.class_color(0), linewidth=2,
        label=f"tangent: slope f'(1.5) = {exact}")
ax.set_ylim(-2, 8); ax.set_xlabel("x"); ax.grid(alpha=0.3)
ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1), frameon=False)
plt.show()"""),
    ("md", """How good is each estimate? The forward difference is off by about $\\frac{h}{2} f''(x)$,
the central one by about $\\frac{h^2}{6} f'''(x)$: when $h$ is 10 times smaller, the forward error
is 10 times smaller and the central error 100 times. Below about $h = 10^{-8}$, rounding in
$f(x+h) - f(x)$ takes over and both get *worse*:"""),
    ("code", """hs = np.logspace(-12, -1, 45)
fwd = [abs((f(x0 + h) - f(x0)) / h - exact) for h in hs]
ctr = [abs((f(x0 + h) - f(x0 - h)) / (2 * h) - exact) for h in hs]
fig, ax = plt.subplots(figsize=(7, 4.5), layout="constrained")
ax.loglog(hs, fwd, color=palette.class_color(1), linestyle="--", marker="s", label="forward")
ax.loglog(hs, ctr, color=palette.class_color(0), marker="o", label="central")
ax.set_xlabel("h"); ax.set_ylabel("|estimate - f'(x)|"); ax.grid(alpha=0.3)
ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1), frameon=False)
plt.show()"""),
    ("md", """### Exercise 1
Estimate the slope of $g(x) = x \\sin x$ at $x = 2$ with a central difference, $h = 10^{-5}$."""),
    ("ex", """import math

def g(x):
    return x * math.sin(x)

slope = ...   # your answer: (g(2 + h) - g(2 - h)) / (2 h)""",
     """import math

def g(x):
    return x * math.sin(x)

h = 1e-5
slope = (g(2 + h) - g(2 - h)) / (2 * h)"""),
    ("code", """check(slope, math.sin(2) + 2 * math.cos(2), name="slope of x sin x at 2", tol=1e-8,
      hint="central difference: (g(2 + h) - g(2 - h)) / (2 * h) with h = 1e-5")"""),
    ("md", """### Exercise 2
With the forward difference for `f` at `x0`, the error with $h = 0.01$ is how many times the
error with $h = 0.001$? Compute both errors and divide."""),
    ("ex", """ratio = ...   # your answer""",
     """e1 = abs((f(x0 + 0.01) - f(x0)) / 0.01 - exact)
e2 = abs((f(x0 + 0.001) - f(x0)) / 0.001 - exact)
ratio = e1 / e2"""),
    ("code", """check(ratio, 10, name="error ratio", tol=0.01,
      hint="the forward difference's error is proportional to h: 10 times h, 10 times the error")"""),
]

COURSE["02_chain_rule"] = [
    ("md", """# 2. The chain rule, by hand and by `backward()`

Take $c = a\\,b + \\tanh(a)$ with $a = 2$, $b = -3$. It is built from three steps:
$u = a b$, $v = \\tanh(a)$, $c = u + v$. The chain rule multiplies the local slopes along each
path from $c$ back to an input, and adds the paths:

$$\\frac{\\partial c}{\\partial a} = \\underbrace{\\frac{\\partial c}{\\partial u}}_{1}\\,
\\underbrace{\\frac{\\partial u}{\\partial a}}_{b} + \\underbrace{\\frac{\\partial c}{\\partial v}}_{1}\\,
\\underbrace{\\frac{\\partial v}{\\partial a}}_{1 - \\tanh^2 a} = b + 1 - \\tanh^2 a,
\\qquad \\frac{\\partial c}{\\partial b} = a$$

First by hand, with plain floats:"""),
    ("code", SETUP),
    ("code", """import math

a, b = 2.0, -3.0
dc_da = b + 1 - math.tanh(a) ** 2     # two paths from c to a, added
dc_db = a
print(f"by hand: dc/da = {dc_da:.6f}, dc/db = {dc_db}")"""),
    ("md", """Now with the engine: every operation on a `Value` records a node, and `backward()` walks
the nodes from `c` back to the inputs, applying each node's local rule."""),
    ("code", """from chainrule import Value, gradcheck, viz

A, B = Value(2.0, label="a"), Value(-3.0, label="b")
C = A * B + A.tanh(); C.label = "c"
C.backward()
print(f"backward(): dc/da = {A.grad:.6f}, dc/db = {B.grad}")
print("the same as by hand:", math.isclose(A.grad, dc_da), math.isclose(B.grad, dc_db))"""),
    ("md", "The graph `backward()` walked, each node with its value and its gradient:"),
    ("code", "viz.draw_graph(C)"),
    ("md", """And the check every op of chainrule passes: `gradcheck` compares `backward()` with central
differences (notebook 1) for every input."""),
    ("code", """print(gradcheck(lambda a, b: a * b + a.tanh(), [Value(2.0), Value(-3.0)]))
print(viz.explain_backward(C))"""),
    ("md", """### Exercise 1
For $d = (a + b)\\,b$, find $\\partial d / \\partial b$ by hand at $a = 2$, $b = -3$
(two paths reach $b$)."""),
    ("ex", "dd_db = ...   # your answer, a number", "dd_db = 2.0 + 2 * (-3.0)   # a + 2b"),
    ("code", """A, B = Value(2.0), Value(-3.0)
D = (A + B) * B
D.backward()
check(dd_db, B.grad, name="dd/db", hint="d = ab + b^2: the paths give a + 2b")"""),
    ("md", """### Exercise 2: why gradients accumulate
For $e = a \\cdot a + a$, $a$ is used three times. What is $\\partial e / \\partial a$ at $a = 2$?
`backward()` adds the gradient of each use into `a.grad`, which is why it starts at 0
(and why a training loop calls `zero_grad`)."""),
    ("ex", "de_da = ...   # your answer", "de_da = 2 * 2.0 + 1"),
    ("code", """A = Value(2.0)
E = A * A + A
E.backward()
check(de_da, A.grad, name="de/da", hint="each of the three uses adds its share: a + a + 1")"""),
]

COURSE["03_neuron"] = [
    ("md", """# 3. One layer of neurons: $y = f(Wx + b)$ and its gradient

A layer with weights $W$ (n_out, n_in) and bias $b$ (n_out, 1) maps a batch $x$ of $m$ examples
(one per column, shape (n_in, m)) to $y = f(Wx + b)$. With the loss
$L = \\frac{1}{m}\\sum_j \\frac12 \\lVert y_j - t_j \\rVert^2$, the error signal is
$dy = y - t$ and the chain rule through $z = Wx + b$ gives

$$dW = \\frac{(dy \\odot f'(Wx + b))\\; x^T}{m}, \\qquad
db = \\frac{1}{m} \\sum_{j} (dy \\odot f'(Wx + b))_{:, j}$$

where $\\odot$ multiplies element by element; with $f = \\tanh$, $f'(z) = 1 - \\tanh^2 z$."""),
    ("code", SETUP),
    ("code", """import numpy as np

rng = np.random.default_rng(0)
n_in, n_out, m = 3, 2, 4
W, b = rng.normal(size=(n_out, n_in)), rng.normal(size=(n_out, 1))
x, t = rng.normal(size=(n_in, m)), rng.normal(size=(n_out, m))

z = W @ x + b                       # forward, by hand
y = np.tanh(z)
dy = y - t                          # error signal, one column per example
delta = dy * (1 - np.tanh(z) ** 2)  # dy * f'(Wx + b), shape (n_out, m)
dW = delta @ x.T / m                # (n_out, m) @ (m, n_in) = W's shape
print("dW by hand:\\n", dW.round(4))"""),
    ("md", "The engine computes the same from the loss alone:"),
    ("code", """from chainrule import Tensor

Wt = Tensor(W, requires_grad=True)
bt = Tensor(b, requires_grad=True)
loss = (((Wt @ x + bt).tanh() - t) ** 2).sum() * (0.5 / m)
loss.backward()
print("dW by autograd:\\n", Wt.grad.round(4))
print("largest difference:", np.abs(Wt.grad - dW).max())"""),
    ("md", """A gradient step $W \\leftarrow W - \\eta\\, dW$ moves the weights downhill. Repeating it by hand:"""),
    ("code", """def loss_of(W, b):
    return 0.5 * ((np.tanh(W @ x + b) - t) ** 2).sum() / m

Wk, bk, losses = W.copy(), b.copy(), []
for step in range(40):
    z = Wk @ x + bk
    delta = (np.tanh(z) - t) * (1 - np.tanh(z) ** 2)
    losses.append(loss_of(Wk, bk))
    Wk -= 0.5 * delta @ x.T / m
    bk -= 0.5 * delta.sum(axis=1, keepdims=True) / m
fig, ax = plt.subplots(figsize=(6.5, 4), layout="constrained")
ax.plot(losses, color=palette.class_color(0), marker="o", markersize=4)
ax.set_xlabel("gradient step (learning rate 0.5)"); ax.set_ylabel("loss L"); ax.grid(alpha=0.3)
plt.show()"""),
    ("md", """### Exercise 1
Compute $db$ by hand with numpy (from `delta` of the first forward pass: recompute it from `W`,
`b`, `x`, `t`), shape (n_out, 1)."""),
    ("ex", "db = ...   # your answer, shape (2, 1)",
     """z = W @ x + b
delta = (np.tanh(z) - t) * (1 - np.tanh(z) ** 2)
db = delta.sum(axis=1, keepdims=True) / m"""),
    ("code", """check(db, bt.grad, name="db", hint="sum delta over the examples (axis=1, keepdims=True), "
      "then divide by m")"""),
    ("md", """### Exercise 2
The gradient passed down to the layer below is $dx = W^T (dy \\odot f'(z)) / m$. What is its
shape? Answer as a tuple."""),
    ("ex", "dx_shape = ...   # your answer, a tuple", "dx_shape = (3, 4)"),
    ("code", """xt = Tensor(x, requires_grad=True)
(((Tensor(W) @ xt + b).tanh() - t) ** 2).sum().backward()
check(dx_shape, xt.grad.shape, name="the shape of dx", hint="W^T is (n_in, n_out), delta (n_out, m)")"""),
]

COURSE["04_nonlinearity"] = [
    ("md", """# 4. Why layers need a non-linearity

A layer without activation is $x \\mapsto Wx + b$. Two of them in a row:

$$W_2 (W_1 x + b_1) + b_2 = (W_2 W_1)\\,x + (W_2 b_1 + b_2)$$

one layer again, with weights $W_2 W_1$. However many linear layers we stack, the network can
only draw a straight decision boundary."""),
    ("code", SETUP),
    ("code", """import numpy as np
from chainrule import nn

first, second = nn.Linear(2, 4, seed=0), nn.Linear(4, 3, seed=1)
two_layers = nn.Sequential(first, second)
W1, b1 = first.weight.data, first.bias.data    # nn stores weights as (out, in)
W2, b2 = second.weight.data, second.bias.data
X = np.random.default_rng(2).normal(size=(5, 2))
print(nn.predict(two_layers, X).round(4))"""),
    ("md", """### Exercise 1
Build the single layer's weight `W` (3, 2) and bias `b` (3,) that give the same outputs."""),
    ("ex", """W = ...   # your answer
b = ...""", """W = W2 @ W1
b = W2 @ b1 + b2"""),
    ("code", """answered = W is not ... and b is not ...
if answered:
    one = nn.Linear(2, 3)
    one.load_state_dict({"weight": np.asarray(W, float), "bias": np.asarray(b, float)})
check(nn.predict(one, X) if answered else ..., nn.predict(two_layers, X),
      name="one layer = two layers", hint="W = W2 @ W1 and b = W2 @ b1 + b2")"""),
    ("md", """The same 2-16-16-1 network trained on the two moons, without and with `tanh` between the
layers:"""),
    ("code", """from chainrule import viz

Xm, ym = nn.data.make_moons(150, noise=0.1, seed=0)
fig, axes = plt.subplots(1, 2, figsize=(11, 4.5), layout="constrained")
for ax, act in zip(axes, ("linear", "tanh")):
    model = nn.MLP(2, [16, 16, 1], activation=act, engine="tensor", seed=0)
    nn.fit(model, Xm, ym, loss="bce", optimizer=nn.optim.Adam(model.parameters(), lr=0.03),
           epochs=200, verbose=False)
    viz.plot_decision_boundary(model, Xm, ym, ax=ax, title=f"activation: {act}")
plt.show()"""),
    ("md", """### Exercise 2
ReLU is linear on each side of 0, yet it is enough: it is not linear overall. Compute
`relu(1) + relu(-2)` and `relu(1 + (-2))`: a linear function would give the same. What is
the difference `relu(1) + relu(-2) - relu(1 - 2)`?"""),
    ("ex", "difference = ...   # your answer", "difference = max(1, 0) + max(-2, 0) - max(1 - 2, 0)"),
    ("code", """from chainrule import Value

relu = lambda v: Value(v).relu().data
check(difference, relu(1) + relu(-2) - relu(1 - 2), name="relu's difference",
      hint="relu(v) = max(v, 0)")"""),
]

COURSE["05_training_loop"] = [
    ("md", """# 5. A training loop by hand, then `nn.fit`

Training repeats four steps: **forward** (the loss of the model on the data), **zero_grad**
(clear the gradients of the last step: `backward()` *adds* into `.grad`), **backward** (the
gradient of the loss for every parameter) and the **update** $p \\leftarrow p - \\eta\\, \\partial L/\\partial p$."""),
    ("code", SETUP),
    ("code", """from chainrule import nn, viz
from chainrule.nn import functional as F

X, y = nn.data.make_moons(30, noise=0.1, signed=True, seed=0)   # labels -1 / +1
model = nn.MLP(2, [8, 8, 1], seed=0)   # micrograd's MLP: every weight is a Value
params = model.parameters()
print(len(params), "parameters")

losses = []
for step in range(20):
    loss = F.hinge_loss(model(X), y)          # forward
    for p in params:                          # zero_grad
        p.grad = 0.0
    loss.backward()                           # backward
    for p in params:                          # update
        p.data -= 0.1 * p.grad
    losses.append(loss.data)
print(f"loss {losses[0]:.3f} -> {losses[-1]:.3f}")"""),
    ("code", """viz.plot_history(losses)"""),
    ("md", """### Exercise 1: what `zero_grad` is for
Run `backward()` twice on the same loss without clearing: by what factor does a weight's
gradient grow? Compute `ratio` = gradient after two backward passes / after one."""),
    ("ex", """w = params[0]
ratio = ...   # your answer""", """w = params[0]
for p in params:
    p.grad = 0.0
loss = F.hinge_loss(model(X), y)
loss.backward()
once = w.grad
loss.backward()
ratio = w.grad / once"""),
    ("code", """check(ratio, 2, name="the gradient after two backward passes", tol=1e-9,
      hint="backward() adds into .grad: zero the grads, call backward twice, divide")"""),
    ("md", """`nn.fit` runs the same loop (and shows a progress bar, in a notebook too) and returns the
history:"""),
    ("code", """model = nn.MLP(2, [8, 8, 1], seed=0)
history = nn.fit(model, X, y, loss="hinge", optimizer=nn.optim.Adam(model.parameters(), lr=0.05),
                 epochs=40)
viz.plot_decision_boundary(model, X, y)"""),
    ("md", """### Exercise 2
Train a fresh `nn.MLP(2, [8, 8, 1], seed=0)` with `nn.fit` and Adam (`lr=0.05`) for 30 epochs
and give its training accuracy (`F.accuracy(nn.predict(model, X), y)`)."""),
    ("ex", "accuracy = ...   # your answer", """model = nn.MLP(2, [8, 8, 1], seed=0)
nn.fit(model, X, y, loss="hinge", optimizer=nn.optim.Adam(model.parameters(), lr=0.05),
       epochs=30, verbose=False)
accuracy = F.accuracy(nn.predict(model, X), y)"""),
    ("code", """reference = nn.MLP(2, [8, 8, 1], seed=0)
nn.fit(reference, X, y, loss="hinge", optimizer=nn.optim.Adam(reference.parameters(), lr=0.05),
       epochs=30, verbose=False)
check(accuracy, F.accuracy(nn.predict(reference, X), y), name="accuracy",
      hint="nn.fit(model, X, y, loss='hinge', optimizer=nn.optim.Adam(model.parameters(), "
           "lr=0.05), epochs=30)")"""),
]

COURSE["06_tensors"] = [
    ("md", """# 6. Tensors: the same network as matrices

On the scalar engine every multiply is a node. A layer is really one matrix product for the
whole batch: $Y = f(X W^T + b)$ with $X$ of shape (m, n_in), one example per row. The tensor
engine does exactly that, in numpy's compiled code: the same numbers, far fewer nodes."""),
    ("code", SETUP),
    ("code", """import numpy as np
from chainrule import nn
from chainrule.autograd import topological_order
from chainrule.nn import functional as F

X, y = nn.data.make_moons(100, noise=0.1, signed=True, seed=0)
scalar = nn.MLP(2, [16, 16, 1], seed=0)
tensor = nn.MLP(2, [16, 16, 1], engine="tensor")
tensor.load_state_dict(scalar.state_dict())      # the very same weights
out_s = np.array([v.data for v in scalar(X)])
out_t = tensor(X).data[:, 0]
print("max |scalar - tensor| =", np.abs(out_s - out_t).max())

state = scalar.state_dict()
H = np.maximum(X @ state["layers.0.weight"].T + state["layers.0.bias"], 0)   # layer 1 by hand
print("layer 1 as one matrix product:", H.shape)"""),
    ("code", """import time

def step_time(model):
    start = time.perf_counter()
    loss = F.hinge_loss(model(X), y)
    loss.backward()
    return time.perf_counter() - start, len(topological_order(loss))

(ts, ns), (tt, nt) = step_time(scalar), step_time(tensor)
print(f"scalar: {ns:,} nodes, {ts * 1e3:.0f} ms; tensor: {nt} nodes, {tt * 1e3:.2f} ms")
fig, ax = plt.subplots(figsize=(6, 3.8), layout="constrained")
bars = ax.bar(["scalar (Value)", "tensor (Tensor)"], [ts * 1e3, tt * 1e3],
              color=[palette.class_color(0), palette.class_color(1)], hatch=["", "//"])
ax.bar_label(bars, labels=[f"{ts * 1e3:.0f} ms", f"{tt * 1e3:.2f} ms"])
ax.set_yscale("log"); ax.set_ylim(tt * 1e3 / 3, ts * 1e3 * 5)
ax.set_ylabel("forward + backward (ms, log)")
plt.show()"""),
    ("md", """Why so much faster? The arithmetic is the same; the scalar engine pays Python's price
(a node, a few lines of Python) for every single multiply-add, the tensor engine once per
matrix."""),
    ("md", """### Exercise 1
How many multiply-adds does the forward pass of `MLP(2, [16, 16, 1])` cost on the 100 points?
(Each layer: m × n_in × n_out.)"""),
    ("ex", "macs = ...   # your answer", "macs = 100 * (2 * 16 + 16 * 16 + 16 * 1)"),
    ("code", """shapes = [layer.weight.shape for layer in tensor.layers]   # (n_out, n_in) each
check(macs, sum(len(X) * o * i for o, i in shapes), name="multiply-adds",
      hint="100 * (2*16 + 16*16 + 16*1)")"""),
    ("md", """### Exercise 2
What is the shape of the second layer's weight matrix, `tensor.layers[1].weight`? Answer as
a tuple, without running it first."""),
    ("ex", "shape = ...   # your answer", "shape = (16, 16)"),
    ("code", """check(shape, tensor.layers[1].weight.shape, name="the weight's shape",
      hint="weights are stored (n_out, n_in), as in PyTorch")"""),
]


def notebook(cells: list[tuple]):
    """An nbformat notebook from the cell list (exercises unanswered, solutions in metadata)."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    for cell in cells:
        if cell[0] == "md":
            nb.cells.append(nbformat.v4.new_markdown_cell(cell[1]))
        elif cell[0] == "code":
            nb.cells.append(nbformat.v4.new_code_cell(cell[1]))
        else:
            c = nbformat.v4.new_code_cell(cell[1])
            c.metadata["chainrule"] = {"solution": cell[2]}
            c.metadata["tags"] = ["exercise"]
            nb.cells.append(c)
    return nb


def with_solutions(nb):
    """A copy of ``nb`` whose exercise cells hold their solutions."""
    import copy

    nb = copy.deepcopy(nb)
    for c in nb.cells:
        if "chainrule" in c.metadata:
            c.source = c.metadata["chainrule"]["solution"]
    return nb


def execute(nb, kernel: str = "python3", folder: str | None = None, timeout: int = 120):
    """Run ``nb`` in a fresh kernel, in ``folder`` (default: a new temporary folder)."""
    import nbclient

    with tempfile.TemporaryDirectory(prefix="chainrule-course-") as tmp:
        client = nbclient.NotebookClient(nb, kernel_name=kernel, timeout=timeout,
                                         resources={"metadata": {"path": folder or tmp}})
        client.execute()
    return nb


def main(argv: list[str]) -> int:
    import nbformat

    for name, cells in COURSE.items():
        if argv and not any(name.startswith(a) for a in argv):
            continue
        nb = execute(notebook(cells))
        nbformat.write(nb, HERE / f"{name}.ipynb")
        print(f"wrote {HERE / f'{name}.ipynb'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
