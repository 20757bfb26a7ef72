"""Every error a trace can carry: the exceptions, their ``kind``, and the one ``error`` object.

A failing program's trace carries an ``error`` object, ``{"kind", "type", "message", "line",
"hint"}`` (plus ``file`` when the trace spans files, ``col`` for a refusal), built only by
:func:`error_object`. Each exception the system can raise maps to one :data:`ErrorKind`::

    BaseException
    ├── TraceLimitError ................ "output_limit"  past the node or event cap
    │   └── OutputLimitError ........... "output_limit"  print() past the stdout cap
    ├── ProgramTimeout ................. "timeout"       the worker's alarm; the pool's hard
    │                                                     kill reports the same error
    └── Exception
        ├── SyntaxError ................ "syntax"        compile() (a null byte's ValueError too)
        ├── MemoryError ................ "memory"        the worker's address-space limit (and
        │                                                 torch's "can't allocate memory")
        ├── NameError, ImportError, RuntimeError, ... "runtime"  the program's own failure
        └── gradtrace.sandbox.errors.SandboxError
            ├── PolicyError ............ "syntax"        unparsable, too large or too deep
            │                            "forbidden"     outside the allow-list, refused
            │                                             before it ran
            └── QueueFull .............. (no trace)      HTTP 503 "busy"
    (no exception reaches the server) .. "crash"         the worker died (a signal, seccomp's
                                                          kill) or failed outside the program

Hints come from two tables in ``gradtrace.tracing.hints``: by message (``HINTS``) and by
situation (``FIXED_HINTS``). The sandbox knows what only it can (which modules are
importable, why a name is kept out) and passes that as the hint of its refusals. The line of
the write behind an in-place error comes from the run's write log
(``gradtrace.tracing.inplace``).

Limits raised while a program runs derive from ``BaseException`` so that a program's own
``except Exception:`` cannot swallow them and keep running past a cap.
"""

from __future__ import annotations

import re
from typing import Any, Literal, get_args

from gradtrace.tracing import inplace
from gradtrace.tracing.hints import HINTS, Hint, fixed_hint
from gradtrace.tracing.sources import PROGRAM_FILENAME, Sources

__all__ = [
    "ERROR_KINDS",
    "PROGRAM_FILENAME",
    "ErrorKind",
    "OutputLimitError",
    "ProgramTimeout",
    "TraceLimitError",
    "describe_error",
    "error_object",
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


def error_object(kind: ErrorKind, type_name: str, message: str, line: int | None = None,
                 hint: str | None = None, *, col: int | None = None,
                 file: int | None = None) -> dict[str, Any]:
    """The trace's ``error`` object: the one place its fields are named.

    ``col`` (a refusal's column) and ``file`` (an index into the trace's ``files``) appear
    only when given; ``line`` and ``hint`` are always present, None when unknown.
    """
    error: dict[str, Any] = {"kind": kind, "type": type_name, "message": message, "line": line}
    if col is not None:
        error["col"] = col
    error["hint"] = hint
    if file is not None:
        error["file"] = file
    return error


def _kind_for(exc: BaseException) -> ErrorKind:
    """Map an exception to its error kind (the tree in this module's docstring)."""
    if isinstance(exc, SyntaxError):
        return "syntax"
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


def _fixed_hint(exc: BaseException, kind: ErrorKind, hint: str | None) -> str | None:
    """The situation's hint where it wins over (or stands in for) the message's."""
    if kind == "output_limit" and isinstance(exc, TraceLimitError):
        return fixed_hint("trace_cap", limit=exc.limit, cap=exc.cap)
    if kind == "timeout":
        return fixed_hint("timeout")
    if kind == "memory":
        return hint if hint is not None else fixed_hint("memory")
    if isinstance(exc, NameError):
        return fixed_hint("name")
    if isinstance(exc, ImportError) and hint is None:
        return fixed_hint("import")
    return hint


def describe_error(exc: BaseException, sources: Sources | None = None) -> dict[str, Any]:
    """Build the trace's ``error`` object from an exception raised by a program.

    ``sources`` tells which frames are the program's (the playground's one ``<program>``
    when None); the error's ``line`` is the innermost of them.
    """
    sources = sources or Sources.playground()
    if isinstance(exc, SyntaxError):
        return error_object("syntax", type(exc).__name__, exc.msg, exc.lineno,
                            fixed_hint("syntax"))
    kind = _kind_for(exc)
    message = str(exc) or type(exc).__name__
    hint = _fixed_hint(exc, kind, _hint(message, sources))
    return error_object(kind, type(exc).__name__, message,
                        sources.in_traceback(exc.__traceback__), hint)
