"""chainrule's pictures: computation graphs, the backward pass step by step, and training plots.

    >>> from chainrule import autograd, viz
    >>> x, w = autograd.Value(2.0, label='x'), autograd.Value(-0.5, label='w')
    >>> y = (x * w).tanh(); y.label = 'y'
    >>> y.backward()
    >>> svg = viz.to_svg(y)                    # or viz.render(y, 'graph.svg' / '.png' / '.pdf')
    >>> print(viz.explain_backward(y).splitlines()[0])
    Backward pass from y, in the order it runs.

The engine never imports viz: viz only reads the nodes' public fields.
"""

from . import viewer  # noqa: E402 - the interactive viewer: viz.viewer.page(...), viz.viewer.Viewer
from .animate import Stepper, animate_backward
from .draw import LevelWarning, draw_graph
from .drawing import Drawing
from .explain import explain_backward
from .learnstep import LearningStep, learning_step
from .output import render, to_svg
from .plots import plot_activation, plot_decision_boundary, plot_history

__all__ = [
    "Drawing",
    "LevelWarning",
    "Stepper",
    "animate_backward",
    "draw_graph",
    "explain_backward",
    "learning_step",
    "LearningStep",
    "plot_activation",
    "plot_decision_boundary",
    "plot_history",
    "render",
    "to_svg",
    "viewer",
]
