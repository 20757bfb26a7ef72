"""Record a program's autograd graph while it runs.

A ``TorchFunctionMode`` sees every torch function and tensor method the program calls. After
each call, the outputs' ``grad_fn`` nodes are walked into the ``GraphIndex`` (so nodes are
discovered in the order the forward pass made them, with the program line and module that
made them), and backward/grad calls are handed to ``backward.run_call`` to be instrumented.
A write into a leaf's ``.grad`` (``x.grad.zero_()``, ``x.grad = None``, an optimizer's
``zero_grad()``) is an event too: without it the timeline would show the old gradient
until the next backward call. So is each run of a tensor, module or node hook the
program registered (``gradtrace.tracing.tensor_hooks``, ``gradtrace.tracing.module_hooks``,
``gradtrace.tracing.node_hooks``).

Those hook wrappers, the mode and the backward walk see the recorder only through the
Protocols in ``gradtrace.tracing.surface``, which it satisfies: they import that, never this.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import TYPE_CHECKING, Any

import torch
from torch.autograd.function import Function

from gradtrace.tracing import backward, duals, inplace, module_hooks, saved_hooks
from gradtrace.tracing.diagnostics import CutLog
from gradtrace.tracing.errors import TraceLimitError
from gradtrace.tracing.grad_writes import GradOwners
from gradtrace.tracing.graph import GraphIndex, NodeRecord, Origin
from gradtrace.tracing.mode import Gate, RecordingMode
from gradtrace.tracing.modules import ModuleTracker
from gradtrace.tracing.options import TraceOptions
from gradtrace.tracing.sources import Sources
from gradtrace.tracing.surface import CallSink
from gradtrace.tracing.tensors import TensorTable
from gradtrace.tracing.transforms import legacy_batched, transforming

__all__ = ["Recorder"]


# x.grad = value calls this descriptor's __set__ through the mode
_GRAD = torch._C.TensorBase.__dict__["grad"]


class Recorder:
    """Everything observed while one program runs: graph, events and backward calls."""

    def __init__(self, options: TraceOptions, program_globals: dict[str, Any],
                 sources: Sources | None = None, gate: Gate | None = None) -> None:
        self.options = options
        self.gate = gate or Gate()  # record now? (steps chosen, or a cap reached)
        self.program_globals = program_globals
        self.sources = sources or Sources.playground()  # which frames are the program's
        self.tensors = TensorTable(options.max_values)
        self.graph = GraphIndex(options.max_nodes, self.tensors)
        # no reference cycle through the recorder: refcounting frees a finished trace's
        # graph at once, instead of a collection over every object it held (15,000 for a
        # 24-layer encoder; 17 ms a time, measured)
        this = weakref.ref(self)
        self.modules = ModuleTracker(lambda: this().program_globals)  # type: ignore[union-attr]
        # the timeline in wire form (gradtrace.tracing.wire): an int is a run of forward events
        self.events: list[int | dict[str, Any]] = []
        self.event_count = 0
        self.calls: list[dict[str, Any]] = []
        self.labels: dict[int, str] = {}
        self._leaf_origins: dict[int, tuple[torch.Tensor, Origin]] = {}
        self._grads = GradOwners()
        self.limit_error: TraceLimitError | None = None
        self.running: list[int] = []  # backward calls running now, outermost first
        # each leaf's .grad when recording last paused (None: read them live; _hold_grads)
        self.held_grads: dict[int, int | None] | None = None
        sources = self.sources
        # for the in-place error's hint
        self.writes = inplace.new_log(sources.now)
        # where values left the graph and which .grad reads got None (diagnostics' reasons)
        self.cuts = CutLog(self.graph.node_of, sources.now)

    def snapshot_labels(self) -> None:
        """Name nodes after the program's variables as they are bound right now."""
        for name, value in list(self.program_globals.items()):
            if isinstance(value, torch.Tensor):
                node_id = self.graph.node_of(value)
                if node_id is not None:
                    self.labels[node_id] = name

    def tensor(self, tensor: torch.Tensor | None) -> int | None:
        """The tensor's index in the trace's tensor table (None stays None).

        The engine hands the same gradient tensor to the node that sends it and the node
        that receives it: the table gives both one entry, and the reference it holds keeps
        the engine from accumulating into that tensor in place.
        """
        return self.tensors.add_optional(tensor)

    @property
    def backward_calls(self) -> int:
        """How many backward/grad calls are listed (``calls``); the last is the latest."""
        return len(self.calls)

    def list_call(self, call: dict[str, Any]) -> None:
        """List a backward/grad call (``backward.run_call`` says what it holds)."""
        self.calls.append(call)

    @property
    def recording(self) -> bool:
        """Whether calls are recorded now (``gate``)."""
        return self.gate.open

    def end_step(self) -> None:
        """A top-level backward call returned: the gate moves to the next step."""
        was_open = self.gate.open
        self.gate.end_step()
        self._hold_grads(was_open)

    def limit_reached(self, exc: TraceLimitError) -> None:
        """A cap was reached: the gate raises it into the program or stops recording."""
        self.gate.cut(exc)
        self._hold_grads(True)

    def _hold_grads(self, was_open: bool) -> None:
        """When recording pauses, keep each leaf's ``.grad`` as it is now.

        Unrecorded steps go on changing ``.grad`` (backward adds, ``zero_grad`` clears)
        unseen: the trace shows the gradients of the last recorded step, not the live ones.
        """
        if self.gate.open:
            self.held_grads = None
        elif was_open:
            self.held_grads = {record.id: self.tensor(record.fn.variable.grad)
                               for record in self.graph.nodes if record.kind == "leaf"}
            self.tensors.flush()  # their values now, before unrecorded steps write into them

    def node_of(self, tensor: torch.Tensor) -> int | None:
        """The recorded node of ``tensor`` (its ``grad_fn``, or the leaf it is)."""
        return self.graph.node_of(tensor)

    def node_of_fn(self, fn: Any) -> int | None:
        """The recorded node of a ``grad_fn``."""
        return self.graph.id_of_fn(fn)

    def module_name(self, module: torch.nn.Module) -> str:
        """How the trace names ``module`` (``modules.ModuleTracker.name_of``)."""
        return self.modules.name_of(module)

    def program_line(self, frame: FrameType | None) -> int | None:
        """The program location of ``frame`` itself (``sources``), None outside the program."""
        return self.sources.at(frame)

    def line_here(self) -> int | None:
        """The innermost program location on the stack (``sources``: file and line)."""
        return self.sources.now()

    def origin(self, created_in_call: int | None = None) -> Origin:
        """Where the program is now: line and running module call."""
        call = None if created_in_call is not None else self.modules.current_call()
        return Origin(self.line_here(), call, created_in_call)

    def add_event(self, event: dict[str, Any] | None) -> None:
        """Append a backward event (None: the next node's forward event).

        Stops the program once the event cap is passed.
        """
        if self.event_count >= self.options.max_events:
            self.limit_error = self.limit_error or TraceLimitError(
                "events", self.options.max_events
            )
            raise self.limit_error
        self.event_count += 1
        if event is not None:
            self.events.append(event)
        elif self.events and isinstance(self.events[-1], int):
            self.events[-1] += 1
        else:
            self.events.append(1)

    def discover(self, fn: Any, origin: Origin) -> list[NodeRecord]:
        """Record nodes new since the last walk and emit a forward event for each."""
        try:
            new = self.graph.discover(fn, origin)
        except TraceLimitError as exc:
            self.limit_error = self.limit_error or exc
            raise
        if len(new) > self.options.max_events - self.event_count:  # the cap falls inside
            for record in new:
                if record.kind == "leaf":
                    self._leaf_origin(record, origin)
                self.add_event(None)  # its line and call are the node's
            return new
        for record in new:
            if record.kind == "leaf":
                self._leaf_origin(record, origin)
        self._forward_events(len(new))
        return new

    def _forward_events(self, count: int) -> None:
        """``count`` forward events at once (``add_event(None)`` each; under the cap)."""
        if not count:
            return
        self.event_count += count
        events = self.events
        if events and isinstance(events[-1], int):
            events[-1] += count
        else:
            events.append(count)

    def _leaf_origin(self, record: NodeRecord, used: Origin) -> None:
        """A leaf's line is where it was created, when the program created it under our eyes.

        A parameter is created in its module's ``__init__``, outside any forward call, but
        belongs with the module: it takes the module call of its first use, so that the
        page draws ``block.weight`` inside ``block``'s box.
        """
        known = self._leaf_origins.get(id(record.fn.variable))
        if known is None:
            return
        created = known[1]
        if isinstance(record.fn.variable, torch.nn.Parameter):
            created = Origin(created.line, used.module_call, created.created_in_call)
        record.origin = created

    def record_output(self, tensor: torch.Tensor, origin: Origin) -> None:
        """Walk a tensor's new graph and keep the tensor as its node's forward value."""
        self._record(tensor, tensor.grad_fn, origin)

    def _record(self, tensor: torch.Tensor, fn: Any, origin: Origin) -> None:
        """:meth:`record_output` for a ``grad_fn`` already read (once per recorded call)."""
        self.discover(fn, origin)
        record = self.graph.nodes[self.graph.id_of_fn(fn)]  # type: ignore[index]
        if record.value is None:
            record.value = self.tensors.add(tensor)

    def leaf_grad(self, node_id: int, grad: torch.Tensor | None) -> int | None:
        """A leaf's ``.grad`` now, as a tensor-table index; its later writes become events."""
        if grad is not None:
            self._grads.remember(node_id, grad)
        return self.tensor(grad)

    def after_write(self, func: Callable[..., Any], target: Any) -> None:
        """An event for each write into a leaf's ``.grad``, with the value it left there."""
        if getattr(func, "__self__", None) is _GRAD:  # leaf.grad = value
            node_id = self.graph.node_of(target) if isinstance(target, torch.Tensor) else None
            if node_id is not None and self.graph.nodes[node_id].kind == "leaf":
                self._grad_written(node_id, "set")
            return
        # an in-place method of a leaf's .grad, its .data or a view of it; the _foreach_
        # ops (optimizers' zero_grad(set_to_none=False)) write into a list of them
        op = getattr(func, "__name__", "write").removeprefix("_foreach_")
        if op == "numpy":  # not a write yet: the array it returns may write later
            return
        for tensor in target if isinstance(target, list | tuple) else (target,):
            owner = self._grads.owner(tensor, lambda node: self.graph.nodes[node].fn.variable)
            if owner is not None:
                self._grad_written(owner, op)

    def _grad_written(self, node_id: int, op: str) -> None:
        leaf = self.graph.nodes[node_id].fn.variable
        self.add_event({"grad_write": node_id, "line": self.line_here(), "op": op,
                        "grad": self.leaf_grad(node_id, leaf.grad)})

    def hook_event(self, event: dict[str, Any]) -> None:
        """Add an event from a hook: ours on each node, or the program's own (``*_hooks``).

        Hooks may run inside the engine, where raising would tangle with its own errors: a
        trace limit is noted here and raised once the call returns (``backward.run_call``).
        """
        if self.limit_error is not None or not self.gate.open:  # a step not recorded
            return
        try:  # noqa: SIM105 - no context manager object per gradient hook
            self.add_event(event)
        except TraceLimitError:
            pass

    def after_call(self, result: Any, first_arg: Any) -> None:
        """Look at a call's outputs (and its first argument, for in-place ops)."""
        outputs = result if isinstance(result, tuple | list) else (result,)
        if duals.level_open():
            self._note_tangents(outputs)
        origin: Origin | None = None
        for out in (*outputs, first_arg):
            if not isinstance(out, torch.Tensor):
                continue
            try:
                fn = out.grad_fn
            except RuntimeError:  # a no_grad view written in place: no graph (grad_fn_of)
                continue
            if fn is None:
                if out.requires_grad and id(out) not in self._leaf_origins:
                    self._leaf_origins[id(out)] = (out, origin or self.origin())
                continue
            if self.graph.id_of_fn(fn) is not None or legacy_batched(out):
                continue
            origin = origin or self.origin()
            self._record(out, fn, origin)

    def _note_tangents(self, outputs: Any) -> None:
        """Forward-mode AD: each dual output's tangent, for its table entries (``duals``)."""
        for out in outputs:
            tangent = duals.tangent_of(out) if isinstance(out, torch.Tensor) else None
            if tangent is not None:
                self.tensors.note_tangent(out, tangent)

    @contextmanager
    def active(self) -> Iterator[None]:
        """Record every torch call the program makes inside this block."""
        original_apply = Function.__dict__["apply"]
        recorder = self
        owner = threading.get_ident()  # the mode is per thread; this patch is process-wide

        def apply(cls: type[Function], *args: Any, **kwargs: Any) -> Any:
            result = original_apply.__func__(cls, *args, **kwargs)
            if recorder.gate.open and threading.get_ident() == owner and not transforming():
                try:
                    recorder.after_call(result, None)
                except TraceLimitError as exc:
                    recorder.limit_reached(exc)
            return result

        Function.apply = classmethod(apply)  # type: ignore[assignment,method-assign]
        try:
            with (self.modules.active(), module_hooks.watching(self),
                  saved_hooks.watching(self), backward.custom_backwards_seen(),
                  RecordingMode(self)):
                yield
        finally:
            Function.apply = original_apply  # type: ignore[method-assign]


if TYPE_CHECKING:
    def _offers_the_surface(recorder: Recorder) -> CallSink:
        """Never called: mypy checks here that a Recorder is every Protocol in ``surface``."""
        return recorder
