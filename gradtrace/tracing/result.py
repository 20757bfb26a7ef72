"""Serialization: turn what the recorder saw into the API's trace (gradtrace.tracing.wire).

Kept apart from the walk (micrograd's trace-then-draw split): the recorder collects live
autograd objects, and this module is the one place that decides what the page receives.
"""

from __future__ import annotations

import functools
import warnings
from typing import Any

import torch

from gradtrace.tracing.attrs import settings_of
from gradtrace.tracing.consistency import without_tensors
from gradtrace.tracing.errors import TraceLimitError
from gradtrace.tracing.explain import annotate
from gradtrace.tracing.graph import NodeRecord, grad_fn_of
from gradtrace.tracing.recorder import Recorder
from gradtrace.tracing.views import dtype_name
from gradtrace.tracing.wire import FORMAT

__all__ = ["build_result", "failure_result"]


def _label_nodes(recorder: Recorder, parameters: list[tuple[str, torch.Tensor]]) -> None:
    """Label nodes after the program's variables, and parameters by their own names.

    A parameter's name (``conv1.weight``) wins over a variable: a later loop such as
    ``for name, p in net.named_parameters()`` leaves ``p`` bound to the last parameter,
    which is not what that parameter is called.
    """
    graph = recorder.graph
    recorder.snapshot_labels()
    for node_id, name in recorder.labels.items():
        graph.nodes[node_id].label = name
    for name, param in parameters:
        param_node = graph.node_of(param)
        if param_node is not None:
            graph.nodes[param_node].label = name


def _node_json(record: NodeRecord, recorder: Recorder) -> dict[str, Any]:
    """A node in wire form: fields that are null or empty are left out (gradtrace.tracing.wire).

    Runs once per node (1,827 times for a 24-layer encoder): the fields are tested one by
    one rather than gathered into a dict and filtered.
    """
    node: dict[str, Any] = {"op": record.op, "inputs": record.input_edges}
    shape = None if record.shape is None else _sizes(record.shape)
    dtype = None if record.dtype is None else _dtype_name(record.dtype)
    value = record.value
    shown = None if value is None else recorder.tensors.shape_of(value)
    if shape is not None and shown != (shape, dtype):
        node["shape"], node["dtype"] = shape, dtype
    if value is not None:
        node["value"] = value
    if record.kind == "leaf":
        grad = _leaf_grad(record, recorder)
        if grad is not None:
            node["grad"] = grad
    if record.label:
        node["label"] = record.label
    origin = record.origin
    if origin.line is not None:
        node["line"] = origin.line
    if origin.module_call is not None:
        node["module_call"] = origin.module_call
    if record.saved:
        node["saved"] = record.saved
    if origin.created_in_call is not None:
        node["created_in_call"] = origin.created_in_call
    if record.recomputed:
        node["recomputed"] = True
    settings = None if record.kind == "leaf" else settings_of(record.op, record.fn)
    if settings:
        node["attrs"] = settings
    return node


@functools.cache
def _dtype_name(dtype: torch.dtype) -> str:
    return dtype_name(dtype)


def _sizes(shape: torch.Size) -> list[int] | None:
    """A shape as JSON numbers; None for a nested tensor's (a ragged size is symbolic)."""
    sizes = list(shape)
    if all(type(size) is int for size in sizes):
        return sizes
    return None


def _variables(recorder: Recorder) -> dict[str, Any]:
    """Every tensor bound to a top-level name, with its node, value and gradient."""
    variables: dict[str, Any] = {}
    for name, value in list(recorder.program_globals.items()):
        if not isinstance(value, torch.Tensor) or name.startswith("__"):
            continue
        leaf = _is_leaf(value)
        variables[name] = {
            "node": recorder.graph.node_of(value),
            "value": recorder.tensor(value),
            "grad": recorder.tensor(_grad_of(value, leaf)),
            "requires_grad": value.requires_grad,
            "is_leaf": leaf,
        }
    return variables


_COLLECTION_NAMES = 32
_COLLECTION_TENSORS = 16


def _collections(recorder: Recorder) -> dict[str, dict[str, int | None]]:
    """Tensors one level inside a top-level dict, list or tuple (``per_sample["weight"]``).

    torch.func returns its per-sample gradients as a dict, which ``variables`` (tensors
    bound to names) never shows; a learner wants to see them. Only plain containers: a
    dict whose keys are all strings, a list or a tuple (named ones included); capped so a
    program holding a long list of tensors does not swell the trace.
    """
    found: dict[str, dict[str, int | None]] = {}
    for name, value in list(recorder.program_globals.items()):
        if name.startswith("_") or len(found) >= _COLLECTION_NAMES:
            continue
        items = _plain_items(value)
        if items is None:
            continue
        tensors = [(key, item) for key, item in items if isinstance(item, torch.Tensor)]
        if tensors:
            found[name] = {key: recorder.tensor(t) for key, t in tensors[:_COLLECTION_TENSORS]}
    return found


def _plain_items(value: Any) -> list[tuple[str, Any]] | None:
    """A container's items, read with the built-in types' own methods, or None.

    The program has finished and its output is captured: a subclass's own ``__iter__`` or
    ``items`` must not run now, so the unbound ``dict``/``list``/``tuple`` methods read the
    storage directly.
    """
    if isinstance(value, dict):
        items = list(dict.items(value))
        return items if all(type(key) is str for key, _ in items) else None
    if isinstance(value, list):
        return [(str(index), item) for index, item in enumerate(list.__iter__(value))]
    if isinstance(value, tuple):
        return [(str(index), item) for index, item in enumerate(tuple.__iter__(value))]
    return None


def _leaf_grad(record: NodeRecord, recorder: Recorder) -> int | None:
    if record.kind != "leaf":
        return None
    if recorder.held_grads is not None:  # recording paused: the grads as it left them
        return recorder.held_grads.get(record.id)
    variable = record.fn.variable
    return recorder.tensor(_grad_of(variable, _is_leaf(variable)))


def _grad_of(tensor: torch.Tensor, leaf: bool) -> torch.Tensor | None:
    """``tensor.grad`` as the program would read it, without the warning a non-leaf gives.

    A non-leaf has a ``.grad`` when it retains it (``retain_grad()``) or the program set
    one; reading it otherwise warns, and that warning would be the tracer's, not the
    program's (a leaf's node can also outlive its leafness: ``requires_grad_(False)``
    followed by an in-place op).
    """
    if leaf or tensor.retains_grad:
        return tensor.grad
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return tensor.grad


def _is_leaf(tensor: torch.Tensor) -> bool:
    """``tensor.is_leaf``; False for a view whose graph cannot be read (``grad_fn_of``)."""
    try:
        return bool(tensor.is_leaf)
    except RuntimeError:
        return False


def _table(recorder: Recorder) -> list[Any] | None:
    """The tensor table's entries; None when a limit stopped it in the middle of a write.

    Such a table has holes (entries taken for summarising, never written), so every later
    index names the wrong entry, or its summarising fails outright; either way the trace is
    sent without it (gradtrace.tracing.consistency) rather than not at all.
    """
    try:
        entries: list[Any] = recorder.tensors.entries()
    except Exception:  # the table's own failure, left by the limit: not the program's
        return None
    return entries if len(entries) == len(recorder.tensors) else None


def build_result(
    recorder: Recorder, stdout: str, warnings: list[str], error: dict[str, Any] | None
) -> dict[str, Any]:
    """Assemble the trace response (the public contract of ``POST /api/v1/trace``)."""
    for value in list(recorder.program_globals.values()):
        fn = grad_fn_of(value) if isinstance(value, torch.Tensor) else None
        if fn is not None:
            try:
                recorder.discover(fn, recorder.origin())
            except TraceLimitError:  # the cap is already reported in `error`
                break
    parameters = list(recorder.modules.parameter_names())  # for labels and diagnostics
    _label_nodes(recorder, parameters)
    graph = recorder.graph
    whole = _table(recorder) is not None
    if not whole:  # no index into the table can be trusted: none is read or written
        for record in graph.nodes:
            record.value, record.saved = None, {}
    nodes = [_node_json(record, recorder) for record in graph.nodes]
    variables = _variables(recorder)
    collections = _collections(recorder)
    tensors = _table(recorder) if whole else None
    result = {
        "format": FORMAT,
        "ok": error is None,
        "tensors": tensors or [],
        "graph": {"nodes": nodes, "edges": graph.edges},
        "variables": variables,
        **({"collections": collections} if collections else {}),
        "events": recorder.events,
        "calls": recorder.calls,
        "module_calls": recorder.modules.calls,
        "stdout": stdout,
        "warnings": warnings,
        "error": error,
    }
    if tensors is None:
        without_tensors(result)
    annotate(result, parameters, recorder.sources, recorder.cuts)
    recorder.sources.localize(result)
    return result


def failure_result(error: dict[str, Any], stdout: str = "") -> dict[str, Any]:
    """A response for a program that produced no trace (refused, killed or crashed)."""
    return {
        "format": FORMAT,
        "ok": False,
        "tensors": [],
        "graph": {"nodes": [], "edges": []},
        "variables": {},
        "events": [],
        "calls": [],
        "module_calls": [],
        "stdout": stdout,
        "warnings": [],
        "error": error,
    }
