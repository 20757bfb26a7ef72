"""Exceptions the sandbox raises before or while it runs a user program.

They live in one small module so that the API layer can map them to ``error.kind`` values
without importing the policy (which pulls in ``ast`` tables) or the worker machinery. Where
each one lands among the kinds is drawn in ``gradtrace.tracing.errors``' docstring; a refusal
becomes a trace's ``error`` through that module's one constructor, with the sandbox's own
hint (what is importable, why a name is kept out).
"""

from __future__ import annotations

from typing import Any, Literal

from gradtrace.tracing import error_object, fixed_hint

__all__ = ["PolicyError", "PolicyErrorKind", "QueueFull", "SandboxError"]

PolicyErrorKind = Literal["syntax", "forbidden"]  # the kinds (``ErrorKind``) a refusal can have


class SandboxError(Exception):
    """Base class of every error the sandbox reports about a user program."""


class PolicyError(SandboxError):
    """A program was refused before it ran.

    Attributes:
        kind: ``"syntax"`` when the program could not be parsed (or is too large or too deeply
            nested to parse safely), ``"forbidden"`` when it parsed but uses something the
            playground does not allow.
        message: A sentence for a learner: what is wrong and what is allowed instead.
        line: 1-based line of the offending construct (1 when unknown).
        col: 0-based column of the offending construct (0 when unknown).
        hint: Optional suggestion of what to write instead.
    """

    def __init__(
        self,
        kind: PolicyErrorKind,
        message: str,
        line: int = 1,
        col: int = 0,
        hint: str | None = None,
    ) -> None:
        super().__init__(f"line {line}, column {col}: {message}")
        self.kind: PolicyErrorKind = kind
        self.message = message
        self.line = line
        self.col = col
        self.hint = hint

    def to_dict(self) -> dict[str, Any]:
        """Return the trace's ``error`` object, with ``col``.

        ``type`` is ``SyntaxError`` for parse failures and ``PolicyError`` for refusals, so a
        learner can tell "Python cannot read this" from "the playground does not allow this".
        Without a hint of its own, a refusal gets its kind's hint from the one table.
        """
        hint = self.hint if self.hint is not None else fixed_hint(self.kind)
        type_name = "SyntaxError" if self.kind == "syntax" else "PolicyError"
        return error_object(self.kind, type_name, self.message, self.line, hint, col=self.col)


class QueueFull(SandboxError):  # noqa: N818 - reads as a condition, like TimeoutError
    """Every worker is busy and ``queue`` programs already wait: shed this one at once."""

    def __init__(self, queue: int) -> None:
        super().__init__(f"all workers busy and {queue} programs waiting")
        self.queue = queue
