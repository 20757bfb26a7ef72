"""Gradtrace on your own code: ``gradtrace.trace()``, ``gradtrace.show()``, ``gradtrace.load()``.

Trusted and in-process: the code runs with your own rights, unsandboxed, exactly as it
would without the tracer. For programs you did not write, use the sandboxed server or
``gradtrace trace FILE``.
"""

from gradtrace.library.afterwards import show
from gradtrace.library.result import Trace, load
from gradtrace.library.script import ScriptRun, run_script
from gradtrace.library.session import trace

__all__ = ["ScriptRun", "Trace", "load", "run_script", "show", "trace"]
