"""``with gradtrace.trace() as t:``: record your own code, in this process, unsandboxed.

The same recorder as the server's (``gradtrace.tracing``), with three differences that
trusted code in files needs: every file of yours is the program (``Sources.user_code``),
names come from the frame that opened the block (``names.FrameNames``), and a cap stops
the recording, never your run. Nothing is seeded, captured or redirected: your code runs
as it would without the tracer, prints where it printed and keeps its random state.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from types import FrameType, TracebackType
from typing import Any

from gradtrace.library.names import FrameNames, relevant
from gradtrace.library.result import Trace
from gradtrace.tracing import (
    Gate,
    Recorder,
    Sources,
    TraceLimitError,
    TraceOptions,
    build_result,
    describe_error,
    fewer_collections,
    fixed_hint,
)

__all__ = ["StepChoice", "trace"]

_DEFAULTS = TraceOptions()
StepChoice = Iterable[int] | Callable[[int], bool] | None


class trace:  # noqa: N801 - used like a function: `with gradtrace.trace() as t:`
    """Record every torch call, ``backward()`` and ``autograd.grad()`` inside the block.

    Args:
        steps: which steps to record, counting from 0; a step ends with each top-level
            ``backward()`` or ``autograd.grad()`` call. A range or list (``range(3)``,
            ``[0, 99]``) or a function of the step number (``lambda k: k % 10 == 0``).
            None records every step.
        max_values: tensors with more elements are summarised (stats only).
        max_nodes: graph nodes to record before the recording stops (your code goes on).
        max_events: timeline events to record before the recording stops.
    """

    def __init__(self, *, steps: StepChoice = None, max_values: int = _DEFAULTS.max_values,
                 max_nodes: int = _DEFAULTS.max_nodes,
                 max_events: int = _DEFAULTS.max_events) -> None:
        self.options = TraceOptions(max_nodes=max_nodes, max_events=max_events,
                                    max_values=max_values)
        self._steps = _step_filter(steps)
        self._stack = ExitStack()
        self._collections = ExitStack()
        self._names: FrameNames | None = None
        self._recorder: Recorder | None = None
        self.result = Trace()

    def __enter__(self) -> Trace:
        frame = sys._getframe(1)
        return self.start(frame, frame.f_code.co_filename)

    def start(self, opening: FrameType | dict[str, Any], main: str) -> Trace:
        """Begin recording: names come from ``opening`` (see ``FrameNames``); ``main`` is
        the file shown first."""
        self._names = names = FrameNames(opening)
        self._recorder = Recorder(self.options, names, Sources.user_code(main),
                                  Gate(steps=self._steps, keep_running=True))
        self._collections.enter_context(fewer_collections())  # until the trace is written
        self._stack.enter_context(self._recorder.active())
        return self.result

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.finish(exc)

    def finish(self, exc: BaseException | None = None) -> Trace:
        """Stop recording and write the trace; ``exc`` is what ended the block, if anything."""
        recorder, names = self._recorder, self._names
        if recorder is None or names is None:
            raise RuntimeError("gradtrace.trace() was not started")
        self._stack.close()
        names.freeze()
        error = None
        cause = exc if exc is not None else recorder.limit_error
        if cause is not None:
            error = describe_error(cause, recorder.sources)
            if exc is None:
                error["hint"] = _cut_hint(recorder.limit_error)  # type: ignore[arg-type]
        recorder.program_globals = relevant(names, recorder.node_of)
        with self._collections:
            self.result._fill(build_result(recorder, "", [], error))
        self._recorder = self._names = None
        return self.result


def _cut_hint(limit: TraceLimitError) -> str:
    option = "max_nodes" if "node" in limit.cap else "max_events"
    return fixed_hint("recording_cap", limit=limit.limit, cap=limit.cap, option=option)


def _step_filter(steps: StepChoice) -> Callable[[int], bool] | None:
    if steps is None or callable(steps):
        return steps
    chosen = frozenset(steps)
    return chosen.__contains__
