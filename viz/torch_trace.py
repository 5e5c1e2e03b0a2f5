"""``trace(model, *inputs)``: run a PyTorch model's forward pass and record what viz needs.

PyTorch's graph keeps only the values its ops saved for the backward pass. While the trace
runs, a ``TorchFunctionMode`` sees every tensor a torch function returns and keeps it (and calls
``retain_grad`` on it, so that ``backward()`` fills its ``.grad``), and a forward hook on every
sub-module notes which module returned which tensor from which inputs. ``draw_graph`` of any
tensor computed from the trace's output (a loss, say) then shows every value and gradient, and
names each module's output by its path. The trace keeps those tensors alive: ``del`` it to
free them.

    >>> tr = viz.trace(model, x)              # doctest: +SKIP
    >>> tr.output.pow(2).mean().backward()    # doctest: +SKIP
    >>> viz.draw_graph(tr.output)             # doctest: +SKIP  (model= comes from the trace)
"""

from __future__ import annotations

from typing import Any

from chainrule.autograd.scope import Scope

from . import torch_graph


class Trace:
    """What ``trace`` recorded: ``output`` (what the model returned), ``inputs`` (the tensors it
    was called with; float inputs made to require a gradient, so the input appears in the graph
    with its gradient), ``tensors`` ((grad_fn, output index) -> tensor) and ``modules``."""

    def __init__(self, model: Any) -> None:
        self.model = model
        self.output: Any = None
        self.inputs: list = []
        self.input_names: dict[int, str] = {}
        self.tensors: dict[tuple[Any, int], Any] = {}
        self.modules: list[tuple[str, str, list, list]] = []  # path, class, outputs, inputs

    def record(self, out: Any) -> None:
        """Keep every tensor with a grad_fn in ``out`` (a tensor, or a tuple/list of them)."""
        for t in out if isinstance(out, (tuple, list)) else (out,):
            if torch_graph.is_torch(t) and t.grad_fn is not None:
                t.retain_grad()
                self.tensors[(t.grad_fn, t.output_nr)] = t

    def module_done(self, path: str, module: Any, args: tuple, output: Any) -> None:
        outs = [t for t in (output if isinstance(output, (tuple, list)) else (output,))
                if torch_graph.is_torch(t)]
        self.record(outs)
        ins = [a for a in args if torch_graph.is_torch(a)]
        self.modules.append((path, type(module).__name__, outs, ins))

    def mark(self, made: dict, leaves: dict) -> None:
        """Name each module's output in a drawn graph by the module's path, as a name scope
        whose inputs are the module's inputs (the innermost module wins a shared output)."""

        def node(t: Any) -> Any:
            if t.grad_fn is None:
                return leaves.get(id(t))
            return made.get((t.grad_fn, t.output_nr))

        for path, cls, outs, ins in self.modules:
            if not path:
                continue  # the model itself: its output is the root, named by the user
            inputs = tuple(n for n in map(node, ins) if n is not None)
            for t in outs:
                n = node(t)
                if n is not None and not isinstance(n.label, Scope):
                    n.label = Scope(path, inputs, f"{path} ({cls})")

    def __enter__(self) -> Trace:
        """Start recording: a hook on every module, and a mode that sees every torch call."""
        torch = torch_graph._torch()
        if not isinstance(self.model, torch.nn.Module):
            raise TypeError(f"trace() takes a torch.nn.Module, not {type(self.model).__name__}")
        from torch.overrides import TorchFunctionMode

        tr = self

        class Recorder(TorchFunctionMode):
            def __torch_function__(self, func, types, args=(), kwargs=None):
                out = func(*args, **(kwargs or {}))
                tr.record(out)
                return out

        self._handles = [m.register_forward_hook(_hook(self, path))
                         for path, m in self.model.named_modules()]
        self._mode = Recorder()
        self._mode.__enter__()
        torch_graph._TRACES.add(self)
        return self

    def __exit__(self, *exc: Any) -> None:
        self._mode.__exit__(*exc)
        for h in self._handles:
            h.remove()
        self._handles = []

    def __repr__(self) -> str:
        return (f"Trace({type(self.model).__name__}: {len(self.tensors)} tensors, "
                f"{len(self.modules)} module calls)")


def trace(model: Any, *inputs: Any, **kwargs: Any) -> Trace:
    """Run ``model(*inputs, **kwargs)`` (a ``torch.nn.Module``), recording values, gradients
    (after ``backward()``) and module boundaries for ``draw_graph``; returns the ``Trace``.

    Float inputs that need no gradient are replaced by copies that do (``trace.inputs``), so the
    input is drawn, with its gradient. Without inputs, the trace is a context manager that
    records everything computed inside its block (the loss too)::

        with viz.trace(model) as tr:
            loss = ((model(x) - y) ** 2).mean()
    """
    tr = Trace(model)
    if not inputs and not kwargs:
        return tr
    for i, x in enumerate(inputs):
        if torch_graph.is_torch(x) and x.is_floating_point() and not x.requires_grad:
            x = x.detach().requires_grad_(True)
        tr.inputs.append(x)
        if torch_graph.is_torch(x):
            tr.input_names[id(x)] = "input" if len(inputs) == 1 else f"input.{i}"
    with tr:
        tr.output = model(*tr.inputs, **kwargs)
    return tr


def _hook(tr: Trace, path: str) -> Any:
    return lambda module, args, output: tr.module_done(path, module, args, output)
