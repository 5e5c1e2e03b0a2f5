"""The playground: build and train small MLPs in the browser, on chainrule's own engine.

``chainrule playground`` (or ``python -m chainrule.playground``) serves a page on 127.0.0.1 where a
student picks a dataset, builds a network, trains it step by step and watches the decision
boundary, every neuron, the loss curves, the computation graph of one sample and the backward
pass of one neuron. Training runs in Python on the Tensor engine; the page is plain JavaScript
and SVG shipped in ``static/``, with no network access.

    >>> from chainrule.playground import make_server
    >>> server = make_server(port=0)       # any free port on 127.0.0.1
    >>> _ = server.start()                 # serve in a background thread
    >>> server.url.startswith("http://127.0.0.1:")
    True
    >>> server.stop()

Modules: ``config`` (the settings and the URL), ``data`` and ``uploads`` (the points),
``features``, ``trainer`` (the model and its steps), ``pictures`` (heatmaps and weights),
``inspect_graph`` (one sample on the scalar engine), ``export``, ``session``, ``api``, ``server``,
``cli``.
"""

from .server import PlaygroundServer, make_server

__all__ = ["PlaygroundServer", "make_server"]
