"""The main job: build a small expression, backpropagate, and print every gradient.

    python -m demos
"""

from __future__ import annotations

from autograd import Value, topological_order


def main() -> None:
    x = Value(2.0, label="x")
    w = Value(-0.5, label="w")
    b = Value(0.1, label="b")
    xw = x * w
    xw.label = "xw"
    n = xw + b
    n.label = "n"
    y = n.tanh()
    y.label = "y"
    print("forward:  y = tanh(x * w + b)")
    for v in (x, w, b, xw, n, y):
        print(f"  {v.label:>2} = {v.data: .4f}")
    y.backward()
    print("backward: dy/d(node) for every node, in the order backpropagation visits them")
    for v in topological_order(y):
        print(f"  dy/d{v.label:<2} = {v.grad: .4f}")
    print(f"check: dy/dw = (1 - y^2) * x = {(1 - y.data**2) * x.data:.4f}")


if __name__ == "__main__":
    main()
