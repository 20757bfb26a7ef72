"""Tracing: record a PyTorch program's autograd graph, values and gradients as it runs.

Knows nothing of HTTP or of the sandbox: give it source text and a namespace, get back the
trace as a JSON-ready dict.
"""

from gradtrace.tracing import schema
from gradtrace.tracing.dot import graph_dot
from gradtrace.tracing.errors import (
    ERROR_KINDS,
    ErrorKind,
    OutputLimitError,
    ProgramTimeout,
    TraceLimitError,
    describe_error,
    error_object,
)
from gradtrace.tracing.graph import Origin
from gradtrace.tracing.hints import fixed_hint
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
from gradtrace.tracing.wire import FORMAT, LEAF_OP, dumps, expand

__all__ = [
    "ERROR_KINDS",
    "FORMAT",
    "GC_THRESHOLDS",
    "LEAF_OP",
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
    "dumps",
    "error_object",
    "expand",
    "failure_result",
    "fewer_collections",
    "fixed_hint",
    "graph_dot",
    "is_user_file",
    "run_traced",
    "schema",
    "trace_source",
]
