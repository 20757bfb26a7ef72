"""Trace a program in this process (the CLI), with the same policy and API as the server.

There is no process boundary here: this is for a user tracing their own file on their own
machine, and it is what makes DOT output possible (torchviz needs the live graph).
"""

from __future__ import annotations

from typing import Any

from gradtrace.sandbox.errors import PolicyError
from gradtrace.sandbox.facade import build_globals
from gradtrace.sandbox.policy import check
from gradtrace.sandbox.service import policy_failure, trace_options
from gradtrace.settings import get_settings
from gradtrace.tracing import compile_program, graph_dot, run_traced

__all__ = ["trace_file"]


def trace_file(source: str, want_dot: bool = False) -> tuple[dict[str, Any], str | None]:
    """Check and trace ``source``; return the trace and, if asked, its DOT source."""
    settings = get_settings()
    try:
        check(source, settings.max_code_chars)
    except PolicyError as exc:
        return policy_failure(exc), None
    code = compile_program(source)
    recorder, result = run_traced(code, build_globals(), trace_options(settings))
    return result, graph_dot(recorder) if want_dot else None
