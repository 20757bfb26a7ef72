"""Tracing: record a PyTorch program's autograd graph, values and gradients as it runs.

Knows nothing of HTTP or of the sandbox: give it source text and a namespace, get back the
trace as a JSON-ready dict.
"""

from gradtrace.tracing.errors import (
    ERROR_KINDS,
    ErrorKind,
    OutputLimitError,
    ProgramTimeout,
    TraceLimitError,
    describe_error,
)
from gradtrace.tracing.graph import Origin
from gradtrace.tracing.mode import Gate
from gradtrace.tracing.options import TraceOptions
from gradtrace.tracing.recorder import Recorder
from gradtrace.tracing.result import build_result, failure_result
from gradtrace.tracing.runner import (
    GC_THRESHOLDS,
    compile_program,
    fewer_collections,
    run_traced,
    trace_source,
)
from gradtrace.tracing.sources import Sources, is_user_file

__all__ = [
    "ERROR_KINDS",
    "GC_THRESHOLDS",
    "ErrorKind",
    "Gate",
    "Origin",
    "OutputLimitError",
    "ProgramTimeout",
    "Recorder",
    "Sources",
    "TraceLimitError",
    "TraceOptions",
    "build_result",
    "compile_program",
    "describe_error",
    "failure_result",
    "fewer_collections",
    "is_user_file",
    "run_traced",
    "trace_source",
]
