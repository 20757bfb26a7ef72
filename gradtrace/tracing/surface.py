"""What the recorder offers the code it drives: the interface below it that breaks the circles.

The recorder installs the hook wrappers (``tensor_hooks``, ``module_hooks``, ``saved_hooks``,
``node_hooks``), the torch function mode (``mode``) and the backward walk (``backward``), and
each of them writes events back. Were they to import the recorder, every arrow would run both
ways and a change inside the recorder would reach all six. So they import only these
Protocols, each listing just what its users read and call, and the recorder satisfies them
(mypy checks that: the recorder's module hands a ``Recorder`` out as a ``CallSink``).

Three layers, each a superset of the one before:

- :class:`HookSink`: a wrapped program hook (tensor, module, saved-tensor or node hook) asks
  where it was registered and what it touched, and adds one event.
- :class:`BackwardSurface`: the backward walk also reads the graph and the tensor table,
  lists calls and nodes, and stops at a cap.
- :class:`CallSink`: the torch function mode also asks whether to record now, ends steps and
  hands each call's outputs and writes on.
"""

from __future__ import annotations

from collections.abc import Callable
from types import FrameType
from typing import Any, Protocol

import torch

from gradtrace.tracing.diagnostics import CutLog
from gradtrace.tracing.errors import TraceLimitError
from gradtrace.tracing.graph import GraphIndex, NodeRecord, Origin
from gradtrace.tracing.inplace import WriteLog
from gradtrace.tracing.tensors import TensorTable

__all__ = ["BackwardSurface", "CallSink", "HookSink", "running_call"]


class HookSink(Protocol):
    """What a wrapped program hook needs to turn one run of it into a timeline event."""

    @property
    def backward_calls(self) -> int:
        """How many backward/grad calls have been listed so far (the last is the running one)."""
        ...

    @property
    def running(self) -> list[int]:
        """Backward calls running now, outermost first (a hook made calls of its own)."""
        ...

    def program_line(self, frame: FrameType | None) -> int | None:
        """The program location of ``frame``, or None when it is not the program's own code."""
        ...

    def node_of(self, tensor: torch.Tensor) -> int | None:
        """The recorded node whose output (or leaf) ``tensor`` is, if any."""
        ...

    def node_of_fn(self, fn: Any) -> int | None:
        """The recorded node of a ``grad_fn``, if any."""
        ...

    def module_name(self, module: torch.nn.Module) -> str:
        """How the trace names ``module`` (its variable's dotted path, or its class)."""
        ...

    def tensor(self, tensor: torch.Tensor | None) -> int | None:
        """The tensor's index in the trace's tensor table (None stays None)."""
        ...

    def hook_event(self, event: dict[str, Any]) -> None:
        """Add an event from inside a hook: a cap is noted, not raised into the engine."""
        ...


class BackwardSurface(HookSink, Protocol):
    """What the backward walk (``backward.run_call``) needs to instrument one call."""

    @property
    def graph(self) -> GraphIndex:
        """The nodes recorded so far: walked for the hooks, looked up by the hooks."""
        ...

    @property
    def tensors(self) -> TensorTable:
        """The tensor table; gradients are added straight to it (a hook runs per gradient)."""
        ...

    @property
    def running(self) -> list[int]:
        """Backward calls running now, outermost first; the walk pushes and pops its own."""
        ...

    @property
    def limit_error(self) -> TraceLimitError | None:
        """The cap a hook reached inside the engine, raised once the call returns."""
        ...

    def origin(self, created_in_call: int | None = None) -> Origin:
        """Where the program is now: line and running module call."""
        ...

    def snapshot_labels(self) -> None:
        """Name nodes after the program's variables as they are bound right now."""
        ...

    def discover(self, fn: Any, origin: Origin) -> list[NodeRecord]:
        """Record the nodes reachable from ``fn`` that are new, with a forward event each."""
        ...

    def record_output(self, tensor: torch.Tensor, origin: Origin) -> None:
        """Record ``tensor``'s new graph and keep the tensor as its node's value."""
        ...

    def leaf_grad(self, node_id: int, grad: torch.Tensor | None) -> int | None:
        """A leaf's ``.grad`` now, as a tensor-table index; its later writes become events."""
        ...

    def add_event(self, event: dict[str, Any] | None) -> None:
        """Append an event outside the engine; raises once the event cap is passed."""
        ...

    def list_call(self, call: dict[str, Any]) -> None:
        """List a backward/grad call (the trace's ``calls``; its index is ``backward_calls``)."""
        ...

    def limit_reached(self, exc: TraceLimitError) -> None:
        """A cap was reached: raise it into the program, or stop recording for good."""
        ...


class CallSink(BackwardSurface, Protocol):
    """What the torch function mode needs to hand every call on (``mode.RecordingMode``)."""

    @property
    def recording(self) -> bool:
        """Whether calls are recorded now (the steps chosen, no cap reached)."""
        ...

    @property
    def writes(self) -> WriteLog:
        """The log of in-place writes, for the in-place error's hint."""
        ...

    @property
    def cuts(self) -> CutLog:
        """Where values left the graph and which ``.grad`` reads got None (diagnostics)."""
        ...

    def end_step(self) -> None:
        """A top-level backward call returned: the next step starts."""
        ...

    def after_call(self, result: Any, first_arg: Any) -> None:
        """Look at a call's outputs (and its first argument, for in-place ops)."""
        ...

    def after_write(self, func: Callable[..., Any], target: Any) -> None:
        """An event for each write into a leaf's ``.grad``."""
        ...


def running_call(sink: HookSink) -> int:
    """The backward call a hook runs in: the innermost running one (else the last listed;
    -1 when none was). Not simply the last listed: a hook may list calls of its own."""
    return sink.running[-1] if sink.running else sink.backward_calls - 1
