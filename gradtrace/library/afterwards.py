"""``gradtrace.show(loss, model)``: draw a tensor's graph after the fact, like ``make_dot``.

Nothing was recorded while the graph was built, so there are no forward events and no
values for the inner nodes; what the graph itself holds is shown: every node, its shape,
the tensors it saved for backward, each leaf's ``.grad``, and the parameters by name
(``fc1.weight``) when the module is passed.
"""

from __future__ import annotations

import sys
from typing import Any

import torch

from gradtrace.library.names import FrameNames, relevant
from gradtrace.library.result import Trace
from gradtrace.tracing import (
    Origin,
    Recorder,
    Sources,
    TraceLimitError,
    TraceOptions,
    build_result,
    describe_error,
)

__all__ = ["show"]

_DEFAULTS = TraceOptions()


def show(tensor: torch.Tensor, model: torch.nn.Module | None = None, *,
         max_values: int = _DEFAULTS.max_values,
         max_nodes: int = _DEFAULTS.max_nodes) -> Trace:
    """The graph behind ``tensor`` (its ``grad_fn`` chain), as a :class:`Trace`.

    In a notebook the returned trace displays itself; elsewhere, ``.save_html(path)``.
    """
    if not isinstance(tensor, torch.Tensor):
        raise TypeError(f"gradtrace.show() takes a tensor, not {type(tensor).__name__}")
    caller = sys._getframe(1)
    names = FrameNames(caller)
    names.freeze()
    if model is not None and not any(value is model for value in dict.values(names)):
        names["model"] = model
    recorder = Recorder(TraceOptions(max_values=max_values, max_nodes=max_nodes), {},
                        Sources.user_code(caller.f_code.co_filename))
    error = None
    try:
        if tensor.grad_fn is not None:
            recorder.record_output(tensor, Origin())
        elif tensor.requires_grad:  # a leaf: its AccumulateGrad node, where backward ends
            recorder.discover(_accumulate_grad(tensor), Origin())
        else:
            recorder.tensor(tensor)
    except TraceLimitError as exc:
        error = describe_error(exc, recorder.sources)
    recorder.program_globals = _named(names, tensor, recorder)
    result = Trace()
    result._fill(build_result(recorder, "", [], error))
    return result


def _accumulate_grad(leaf: torch.Tensor) -> Any:
    """A leaf's ``AccumulateGrad`` node: no attribute holds it, a view of the leaf points at it."""
    with torch.enable_grad():
        view = leaf.view_as(leaf)
    assert view.grad_fn is not None
    return view.grad_fn.next_functions[0][0]


def _named(names: dict[str, Any], tensor: torch.Tensor, recorder: Recorder) -> dict[str, Any]:
    """The caller's tensors in this graph and its modules; the tensor itself if unnamed."""
    kept = relevant(names, recorder.node_of)
    if not any(value is tensor for value in kept.values()):
        kept["output"] = tensor
    return kept
