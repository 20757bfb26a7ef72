"""Run one program under the recorder and return its trace.

This is the tracer's single entry point. It runs in whatever process calls it: the sandbox
workers call it after hardening themselves, the CLI and the tests call it directly.
"""

from __future__ import annotations

import builtins
import contextlib
import gc
import io
import random
import warnings
from collections.abc import Iterator
from types import CodeType
from typing import Any

import numpy as np
import torch

from gradtrace.tracing import node_hooks
from gradtrace.tracing.errors import PROGRAM_FILENAME, OutputLimitError, describe_error
from gradtrace.tracing.options import TraceOptions
from gradtrace.tracing.recorder import Recorder
from gradtrace.tracing.result import build_result

__all__ = [
    "GC_THRESHOLDS",
    "compile_program",
    "fewer_collections",
    "run_traced",
    "trace_source",
]

# The collector's thresholds while a program is traced (see fewer_collections).
GC_THRESHOLDS = (10_000, 20, 100)
# what anomaly mode's warning says before the stack that made the failing node
_FORWARD_STACK = "Traceback of forward call that caused the error:\n"


class _CappedWriter(io.TextIOBase):
    """A stdout that keeps at most ``limit`` bytes and stops the program past that."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self.parts: list[str] = []

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        size = len(text.encode("utf-8", "replace"))
        if self.size + size > self.limit:
            room = self.limit - self.size
            self.parts.append(text.encode("utf-8", "replace")[: max(room, 0)].decode(
                "utf-8", "ignore"))
            self.size = self.limit
            raise OutputLimitError("stdout bytes", self.limit)
        self.size += size
        self.parts.append(text)
        return len(text)

    def getvalue(self) -> str:
        return "".join(self.parts)


def _seed(seed: int) -> None:
    """Make runs deterministic; a program that seeds itself simply overrides this.

    Only the CPU generator: ``torch.manual_seed`` also queues seeds for CUDA, MTIA and XPU,
    recording a stack trace for each (measured: 0.9 ms, a third of a small trace).
    """
    torch.default_generator.manual_seed(seed)
    np.random.seed(seed)
    random.seed(seed)


@contextlib.contextmanager
def _captured(writer: _CappedWriter) -> Iterator[list[warnings.WarningMessage]]:
    """Send print() to ``writer`` and collect every warning the program raises."""
    with (
        contextlib.redirect_stdout(writer),
        contextlib.redirect_stderr(writer),
        warnings.catch_warnings(record=True) as caught,
    ):
        warnings.simplefilter("always")
        yield caught


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """Run the garbage collector less often while tracing, then as before.

    A trace allocates several container objects per node (records, events, edge lists) that
    live until the end; with the default thresholds the collector kept rescanning them, 20%
    of a 96-layer encoder's trace (measured). Cycles are still collected, 14x less often.
    Restoring the defaults makes the next allocation collect the whole (still live) trace;
    one-shot workers avoid that by running with these thresholds from the start.
    """
    thresholds = gc.get_threshold()
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


def _program_frames(message: str) -> str:
    """A warning's stack trace with the program's frames only.

    Anomaly mode (``torch.autograd.detect_anomaly()``) warns with the stack that made the
    failing node: run as a script, that stack is the program's; traced, it also holds the
    tracer's and its host's frames, which are no part of the program.
    """
    head, marker, stack = message.partition(_FORWARD_STACK)
    if not marker:
        return message
    kept: list[str] = []
    keep = True
    for line in stack.split("\n"):
        if line.startswith('  File "'):
            keep = line.startswith(f'  File "{PROGRAM_FILENAME}"')
        elif not line.startswith("    "):  # past the stack: "(Triggered internally at ...)"
            keep = True
        if keep:
            kept.append(line)
    return head + marker + "\n".join(kept)


def _warning_texts(caught: list[warnings.WarningMessage]) -> list[str]:
    texts: list[str] = []
    for item in caught:
        text = f"{item.category.__name__}: {_program_frames(str(item.message))}"
        if text not in texts:
            texts.append(text)
    return texts


@contextlib.contextmanager
def _print_options_kept() -> Iterator[None]:
    """What ``torch.set_printoptions`` set ends with the program: a worker exits anyway, but
    in-process runs (``gradtrace trace``, the tests) share one process with the next program."""
    options = vars(torch._tensor_str.PRINT_OPTS)
    kept = dict(options)
    try:
        yield
    finally:
        options.clear()
        options.update(kept)


def run_traced(
    code: Any, program_globals: dict[str, Any], options: TraceOptions
) -> tuple[Recorder, dict[str, Any]]:
    """Execute compiled ``code`` under a recorder; return the recorder and the result.

    The recorder is returned too so that callers that need the live graph (the CLI's DOT
    output through torchviz) can reach it before it is thrown away.
    """
    recorder = Recorder(options, program_globals)
    program_globals[node_hooks.HELPER] = node_hooks.helper(recorder)
    writer = _CappedWriter(options.max_stdout_bytes)
    error: dict[str, Any] | None = None
    with fewer_collections(), _print_options_kept():
        with _captured(writer) as caught:
            _seed(options.seed)
            try:
                with recorder.active():
                    exec(code, program_globals)
            except BaseException as exc:  # the program's failure is the trace's content
                cause = recorder.limit_error or exc
                error = describe_error(cause, recorder.sources)
                if error["line"] is None:
                    error["line"] = describe_error(exc, recorder.sources)["line"]
        result = build_result(recorder, writer.getvalue(), _warning_texts(caught), error)
    return recorder, result


def compile_program(source: str) -> CodeType:
    """The program's code object, as :func:`run_traced` expects it (see ``node_hooks``).

    Raises:
        SyntaxError: or ValueError (a null byte), as ``compile`` does.
    """
    return node_hooks.rewrite(source, PROGRAM_FILENAME)


def trace_source(
    source: str,
    *,
    globals_dict: dict[str, Any] | None = None,
    options: TraceOptions | None = None,
) -> dict[str, Any]:
    """Run ``source`` and return its trace in the shape of the API response.

    Args:
        source: the program text.
        globals_dict: the namespace to run in; the sandbox passes its allow-listed one.
            None runs with ordinary builtins (trusted callers only).
        options: caps for this trace.
    """
    options = options or TraceOptions()
    program_globals = globals_dict
    if program_globals is None:
        program_globals = {"__name__": "__main__", "__builtins__": builtins}
    try:
        code = compile_program(source)
    except (SyntaxError, ValueError) as exc:
        recorder = Recorder(options, program_globals)
        error = describe_error(exc if isinstance(exc, SyntaxError) else SyntaxError(str(exc)))
        return build_result(recorder, "", [], error)
    return run_traced(code, program_globals, options)[1]

