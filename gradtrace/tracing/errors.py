"""The tracer's exception tree, and the error object a failing program's trace carries.

The hints themselves are one table in ``gradtrace.tracing.hints``; the line of the write behind
an in-place error comes from the run's write log (``gradtrace.tracing.inplace``).

Limits raised while a program runs derive from ``BaseException`` so that a program's own
``except Exception:`` cannot swallow them and keep running past a cap.
"""

from __future__ import annotations

import re
from typing import Any, Literal, get_args

from gradtrace.tracing import inplace
from gradtrace.tracing.hints import HINTS, Hint
from gradtrace.tracing.sources import PROGRAM_FILENAME, Sources

__all__ = [
    "ERROR_KINDS",
    "PROGRAM_FILENAME",
    "ErrorKind",
    "OutputLimitError",
    "ProgramTimeout",
    "TraceLimitError",
    "describe_error",
    "find_hint",
    "hint_for",
]

ErrorKind = Literal["syntax", "forbidden", "runtime", "timeout", "memory", "output_limit", "crash"]
"""The ``kind`` of a trace's ``error`` object: the one list (the API's schema imports it)."""

ERROR_KINDS: tuple[ErrorKind, ...] = get_args(ErrorKind)


class TraceLimitError(BaseException):
    """A program went past one of the trace caps (nodes, events, stdout)."""

    def __init__(self, cap: str, limit: int) -> None:
        super().__init__(f"The program went past the {cap} limit ({limit}).")
        self.cap = cap
        self.limit = limit


class OutputLimitError(TraceLimitError):
    """print() wrote more than the stdout cap."""


class ProgramTimeout(BaseException):
    """The program ran past its wall-clock limit (raised by the worker's alarm)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"The program ran for more than {seconds:g} s and was stopped.")
        self.seconds = seconds


def find_hint(message: str) -> tuple[Hint, re.Match[str]] | None:
    """The first table entry whose pattern occurs in ``message``, with its match."""
    for hint in HINTS:
        match = hint.pattern.search(message)
        if match is not None:
            return hint, match
    return None


def hint_for(message: str) -> str | None:
    """The hint for a PyTorch/Python error message, or None when none applies."""
    found = find_hint(message)
    if found is None:
        return None
    hint, match = found
    return hint.text.format(**match.groupdict())


def _kind_for(exc: BaseException) -> str:
    """Map an exception to the API's error kind."""
    if isinstance(exc, ProgramTimeout):
        return "timeout"
    if isinstance(exc, TraceLimitError):
        return "output_limit"
    if isinstance(exc, MemoryError):
        return "memory"
    if isinstance(exc, RuntimeError) and (
        "can't allocate memory" in str(exc) or "not enough memory" in str(exc)
    ):
        return "memory"
    return "runtime"


def _hint(message: str, sources: Sources) -> str | None:
    """The table's hint; for an in-place error, with the line of the write when it is known."""
    hint = hint_for(message)
    write = inplace.write_of(message)
    if hint is not None and write is not None and write.line is not None:
        hint = f"The in-place write ({write.op}) is on {sources.describe(write.line)}. {hint}"
    return hint


def describe_error(exc: BaseException, sources: Sources | None = None) -> dict[str, Any]:
    """Build the response's ``error`` object from an exception raised by a program.

    ``sources`` tells which frames are the program's (the playground's one ``<program>``
    when None); the error's ``line`` is the innermost of them.
    """
    sources = sources or Sources.playground()
    if isinstance(exc, SyntaxError):
        return {
            "kind": "syntax",
            "type": type(exc).__name__,
            "message": exc.msg,
            "line": exc.lineno,
            "hint": "Python could not read the program: check the line for a typo.",
        }
    kind = _kind_for(exc)
    message = str(exc) or type(exc).__name__
    hint = _hint(message, sources)
    if kind == "output_limit" and isinstance(exc, TraceLimitError):
        hint = f"Make the program smaller: it is capped at {exc.limit} {exc.cap}."
    elif kind == "timeout":
        hint = "Look for a loop that never ends, or make the tensors smaller."
    elif kind == "memory" and hint is None:
        hint = "The program asked for more memory than a run may use. Use smaller tensors."
    elif isinstance(exc, NameError):
        hint = "A name is used before it is assigned, or it is misspelt."
    elif isinstance(exc, ImportError) and hint is None:
        hint = "Check the spelling of the module, and of each name imported from it."
    return {
        "kind": kind,
        "type": type(exc).__name__,
        "message": message,
        "line": sources.in_traceback(exc.__traceback__),
        "hint": hint,
    }
