"""Graphviz DOT of the live graph, drawn by torchviz's ``make_dot``.

This is the one place that draws on the server; it works on the live autograd objects,
so it must run in the process that ran the program (the CLI's ``trace --format dot``).
"""

from __future__ import annotations

from typing import Any

import torch

from gradtrace.tracing.recorder import Recorder

__all__ = ["graph_dot"]


def graph_dot(recorder: Recorder) -> str:
    """DOT source for every graph reachable from the program's top-level tensors.

    Leaves are named after program variables or module parameters (``conv1.weight``), and
    saved tensors are shown as torchviz's ``show_saved`` draws them.
    """
    from torchviz import make_dot

    roots = [
        value for name, value in recorder.program_globals.items()
        if isinstance(value, torch.Tensor) and value.grad_fn is not None
        and not name.startswith("__")
    ]
    params: dict[str, Any] = dict(recorder.modules.parameter_names())
    for name, value in recorder.program_globals.items():
        if isinstance(value, torch.Tensor) and value.requires_grad and value.is_leaf:
            params[name] = value
    if not roots:
        return "digraph {\n}\n"
    try:
        dot = make_dot(tuple(roots), params=params, show_saved=True)
    except RuntimeError:
        # backward() already freed the saved tensors torchviz would draw; draw the graph
        # without them rather than fail (the JSON trace keeps them, snapshotted earlier)
        dot = make_dot(tuple(roots), params=params, show_saved=False)
    return str(dot.source)
