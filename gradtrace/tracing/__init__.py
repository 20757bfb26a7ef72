"""Tracing: record a PyTorch program's autograd graph, values and gradients as it runs.

Knows nothing of HTTP or of the sandbox: give it source text and a namespace, get back the
trace as a JSON-ready dict.
"""

from gradtrace.tracing.errors import OutputLimitError, ProgramTimeout, TraceLimitError
from gradtrace.tracing.options import TraceOptions
from gradtrace.tracing.result import failure_result
from gradtrace.tracing.runner import (
    GC_THRESHOLDS,
    compile_program,
    fewer_collections,
    run_traced,
    trace_source,
)

__all__ = [
    "GC_THRESHOLDS",
    "OutputLimitError",
    "ProgramTimeout",
    "TraceLimitError",
    "TraceOptions",
    "compile_program",
    "failure_result",
    "fewer_collections",
    "run_traced",
    "trace_source",
]
