"""Tracing: record a PyTorch program's autograd graph, values and gradients as it runs.

Knows nothing of HTTP or of the sandbox: give it source text and a namespace, get back the
trace as a JSON-ready dict.
"""

from app.tracing.errors import OutputLimitError, ProgramTimeout, TraceLimitError
from app.tracing.options import TraceOptions
from app.tracing.result import failure_result
from app.tracing.runner import (
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
