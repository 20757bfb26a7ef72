"""Instrument each ``backward()`` / ``autograd.grad()`` call to see every gradient.

For the duration of one call, a post-hook on every node reachable from the call's roots
records what the node received (``grad_outputs``) and what it sent to each input
(``grad_inputs``, which is the gradient on each incoming edge). Hooks are removed after the
call so that the program's own hooks and later calls are unaffected. Nodes that the call
itself creates (``create_graph=True``) are walked afterwards and tagged with the call. A
backward call made while one runs (a reentrant checkpoint's) is instrumented the same way.
Inside a torch.func transform, or batched (``is_grads_batched``), a call is only listed.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any

import torch
from torch.autograd.function import BackwardCFunction
from torch.overrides import TorchFunctionMode

from gradtrace.tracing.errors import TraceLimitError
from gradtrace.tracing.graph import Origin
from gradtrace.tracing.surface import BackwardSurface
from gradtrace.tracing.transforms import transforming

__all__ = ["CALL_KINDS", "custom_backwards_seen", "program_hook_calls", "run_call"]

CALL_KINDS: dict[Callable[..., Any], str] = {
    torch.Tensor.backward: "backward",
    torch.autograd.backward: "backward",
    torch.autograd.grad: "grad",
}

_SIGNATURES = {func: inspect.signature(func) for func in CALL_KINDS}
_ENTRY: dict[str, Callable[..., Any]] = {
    "backward": torch.autograd.backward, "grad": torch.autograd.grad}


def _as_tuple(value: Any) -> tuple[Any, ...]:
    if value is None:
        return ()
    return tuple(value) if isinstance(value, tuple | list) else (value,)


def _call_arguments(func: Callable[..., Any], args: Any, kwargs: Any) -> dict[str, Any]:
    """Bind a backward/grad call's arguments to names, whatever way they were passed."""
    bound = _SIGNATURES[func].bind(*args, **kwargs)
    arguments = dict(bound.arguments)
    if func is torch.Tensor.backward:
        arguments["tensors"] = arguments.pop("self")
    if func is torch.autograd.grad:
        arguments["tensors"] = arguments.pop("outputs")
    return arguments


class _CallHooks:
    """The gradient hooks of one backward call: this object once, a ``partial`` per node.

    A closure per node held six cells and two bound methods, ~12 objects per node with
    torch's own handle, weakref and hook dict: the collector scanned 22,000 of them per
    backward call of a 24-layer encoder. A ``partial`` over this object's method is two.
    """

    __slots__ = ("add", "call", "hook_event", "leaf_grad")

    def __init__(self, recorder: BackwardSurface, call: int) -> None:
        self.call = call
        # runs for every node of the call: names bound once here, not looked up per gradient
        self.add, self.hook_event = recorder.tensors.add, recorder.hook_event
        self.leaf_grad = recorder.leaf_grad

    def on_node(self, node_id: int, leaf: torch.Tensor | None, grad_inputs: tuple[Any, ...],
                grad_outputs: tuple[Any, ...]) -> None:
        """A node's post-hook: what it received and what it sent to each input edge."""
        add = self.add
        # the edges are the node's inputs: the event does not repeat them (gradtrace.tracing.wire)
        event: dict[str, Any] = {
            "call": self.call,
            "node": node_id,
            "grad_outputs": [None if g is None else add(g) for g in grad_outputs],
            "grad_inputs": [None if g is None else add(g) for g in grad_inputs],
        }
        if leaf is not None:
            event["leaf_grad"] = self.leaf_grad(node_id, leaf.grad)
        self.hook_event(event)  # a limit is raised again once the engine returns


def _install_hooks(recorder: BackwardSurface, call: int, roots: Iterable[Any]) -> list[Any]:
    """A hook on every node the call can reach; the roots' graphs are all discovered."""
    on_node = _CallHooks(recorder, call).on_node
    return [record.fn.register_hook(
                partial(on_node, record.id, record.fn.variable if record.kind == "leaf" else None))
            for record in recorder.graph.reachable_records(roots)]


def _captured_inputs(
    recorder: BackwardSurface, call: int, inputs: tuple[Any, ...], grads: Any
) -> None:
    """autograd.grad returns gradients instead of accumulating: show them on the inputs."""
    for tensor, grad in zip(inputs, _as_tuple(grads), strict=False):
        node_id = recorder.node_of(tensor) if isinstance(tensor, torch.Tensor) else None
        if node_id is None or grad is None:
            continue
        recorder.add_event({
            "call": call,
            "node": node_id,
            "captured": True,
            "grad_outputs": [recorder.tensor(grad)],
            "grad_inputs": [],
        })


def run_call(
    recorder: BackwardSurface,
    func: Callable[..., Any],
    kind: str,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> Any:
    """Run one backward/grad call with every reachable node instrumented."""
    arguments = _call_arguments(func, args, kwargs)
    if transforming() or arguments.get("is_grads_batched"):
        return _run_batched(recorder, func, kind, args, kwargs, arguments)
    roots = [t for t in _as_tuple(arguments.get("tensors")) if isinstance(t, torch.Tensor)]
    call = recorder.backward_calls
    origin = recorder.origin()
    if recorder.running:  # made while an outer call ran (a reentrant checkpoint's recompute)
        origin = Origin(origin.line, None, recorder.running[0])
    try:
        recorder.snapshot_labels()
        for tensor in roots:
            recorder.discover(tensor.grad_fn, origin)
    except TraceLimitError as exc:
        recorder.limit_reached(exc)  # raises, unless the program is to go on unrecorded
        return func(*args, **kwargs)
    _list_call(recorder, kind, origin.line, arguments)
    handles = _install_hooks(recorder, call, [t.grad_fn for t in roots])
    recorder.tensors.flush()  # the engine writes into existing .grad tensors in place
    try:
        with _seeing_nested_calls(recorder, call):
            result = func(*args, **kwargs)
    finally:
        for handle in handles:
            handle.remove()
    try:
        if recorder.limit_error is not None:
            raise recorder.limit_error
        _after_engine(recorder, call, kind, origin, roots, arguments, result)
    except TraceLimitError as exc:
        recorder.limit_reached(exc)
    return result


def _after_engine(recorder: BackwardSurface, call: int, kind: str, origin: Origin,
                  roots: list[torch.Tensor], arguments: dict[str, Any], result: Any) -> None:
    """What only the call's result shows: grad's returned gradients, create_graph's nodes."""
    if kind == "grad":
        _captured_inputs(recorder, call, _as_tuple(arguments.get("inputs")), result)
    if arguments.get("create_graph"):
        _discover_created(recorder, call, origin, roots, result)


class _NestedCalls(TorchFunctionMode):
    """Sees the backward/grad calls a program's hook makes while backward runs.

    The engine runs inside the recording mode's handler, where that mode is off, and the
    program holds the real ``torch.autograd.grad`` (not the module attribute swapped below),
    so a ``torch.autograd.grad(...)`` in a tensor or node hook would go unlisted. While the
    program's hook runs, this mode is pushed: it passes every other call through as is.
    """

    def __init__(self, recorder: BackwardSurface) -> None:
        super().__init__()
        self.recorder = recorder

    def __torch_function__(self, func: Callable[..., Any], types: Any,
                           args: tuple[Any, ...] = (), kwargs: dict[str, Any] | None = None,
                           ) -> Any:
        kind = CALL_KINDS.get(func)
        if kind is None:
            return func(*args, **(kwargs or {}))
        return run_call(self.recorder, func, kind, args, kwargs or {})


_RUNNING: list[_NestedCalls] = []  # one per backward call running now, innermost last


def _hook_mode_on_top() -> bool:
    """Whether a program's hook is running with its ``_NestedCalls`` mode in force."""
    depth = torch._C._len_torch_function_stack()
    return depth > 0 and isinstance(torch._C._get_function_stack_at(depth - 1), _NestedCalls)


@contextmanager
def program_hook_calls() -> Iterator[None]:
    """Around a program's hook: backward/grad calls it makes inside backward are listed
    and instrumented as nested calls (outside a backward call, nothing changes)."""
    if not _RUNNING or torch._C._current_graph_task_id() == -1 or transforming():
        yield
        return
    with _RUNNING[-1]:
        yield


@contextmanager
def custom_backwards_seen() -> Iterator[None]:
    """A custom ``autograd.Function``'s backward is the program's code too, run by the engine:
    a ``torch.autograd.grad`` there (recomputing forward to save memory) is a nested call.
    The engine looks ``apply`` up on the node each time, so the class attribute is wrapped."""
    original = BackwardCFunction.__dict__["apply"]

    def apply(self: Any, *args: Any) -> Any:
        with program_hook_calls():
            return original(self, *args)

    BackwardCFunction.apply = apply  # type: ignore[method-assign]
    try:
        yield
    finally:
        BackwardCFunction.apply = original  # type: ignore[method-assign]


@contextmanager
def _seeing_nested_calls(recorder: BackwardSurface, call: int) -> Iterator[None]:
    """While call ``call`` runs, backward calls made inside it are instrumented too.

    The engine runs without the recorder's mode (a mode's handler runs with the mode
    off), so a backward call made while backward runs (a reentrant checkpoint's, in its
    node's backward) would go unseen. Torch's Python code reaches the engine through
    ``torch.autograd.backward`` / ``grad``: those two are swapped for the call's duration.
    The program's hooks reach it through ``program_hook_calls``.
    """
    def nested(kind: str) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            if torch._C._current_graph_task_id() == -1 or _hook_mode_on_top():
                # not yet in the engine (Tensor.backward's way there), or in a program's
                # hook, whose mode lists the call when the real function dispatches to it
                return _ENTRY[kind](*args, **kwargs)
            return run_call(recorder, _ENTRY[kind], kind, args, kwargs)
        return run

    before = torch.autograd.backward, torch.autograd.grad
    recorder.running.append(call)
    _RUNNING.append(_NestedCalls(recorder))
    torch.autograd.backward, torch.autograd.grad = nested("backward"), nested("grad")
    try:
        yield
    finally:
        torch.autograd.backward, torch.autograd.grad = before
        _RUNNING.pop()
        recorder.running.pop()


def _run_batched(recorder: BackwardSurface, func: Callable[..., Any], kind: str,
                 args: tuple[Any, ...], kwargs: dict[str, Any], arguments: dict[str, Any]) -> Any:
    """A call inside a torch.func transform, or with ``is_grads_batched=True``: listed, not
    instrumented, since its graph and gradients are the transform's (``transforms``)."""
    _list_call(recorder, kind, recorder.origin().line, arguments)
    return func(*args, **kwargs)


def _list_call(recorder: BackwardSurface, kind: str, line: int | None,
               arguments: dict[str, Any]) -> None:
    recorder.list_call({
        "index": recorder.backward_calls,
        "kind": kind,
        "line": line,
        "create_graph": bool(arguments.get("create_graph")),
        "retain_graph": arguments.get("retain_graph"),
    })


def _discover_created(
    recorder: BackwardSurface, call: int, origin: Origin, roots: list[torch.Tensor], result: Any
) -> None:
    """Walk the graph a create_graph=True call built (from results and leaves' .grad)."""
    built = Origin(origin.line, None, call)
    produced = [t for t in _as_tuple(result) if isinstance(t, torch.Tensor)]
    for fn in recorder.graph.reachable([t.grad_fn for t in roots]):
        variable = getattr(fn, "variable", None)
        if isinstance(variable, torch.Tensor) and variable.grad is not None:
            produced.append(variable.grad)
    for tensor in produced:
        if tensor.grad_fn is not None:
            recorder.record_output(tensor, built)
