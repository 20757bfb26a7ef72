"""``POST /api/v1/trace`` with an expression: write its program, trace it, say what ran.

The program goes through ``Sandbox.trace`` exactly like one typed in the editor (same
policy, same worker). This module only adds what the expression request needs on top: a
syntax error located inside the expression, and the ``expression`` echo of the response
(the program, where the expression sits in it, and whether backward ran on ``result`` or on
``result.sum()``). Unlike program traces, the reply is parsed and re-encoded to add that
echo; expression traces are small (inputs are capped), and big bodies are re-encoded off
the event loop.
"""

from __future__ import annotations

import asyncio
from typing import Any

import orjson

from gradtrace.expression import (
    ExpressionProgram,
    ExpressionSyntaxError,
    InputValue,
    build_program,
    write_program,
)
from gradtrace.sandbox import PolicyError, Sandbox, TraceReply, policy_failure
from gradtrace.tracing import TraceOptions

__all__ = ["ProgramTooLongError", "trace_expression"]

_OFF_LOOP_BYTES = 256 * 1024


class ProgramTooLongError(Exception):
    """The program written for the expression exceeds the server's program limit."""

    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


async def trace_expression(sandbox: Sandbox, expression: str,
                           inputs: dict[str, InputValue], options: TraceOptions) -> TraceReply:
    """Trace ``expression`` over ``inputs``; raises ProgramTooLongError past ``max_code_chars``."""
    try:
        program = build_program(expression, inputs)
    except ExpressionSyntaxError as exc:
        return _syntax_failure(expression, inputs, exc)
    if len(program.code) > sandbox.settings.max_code_chars:
        raise ProgramTooLongError(len(program.code))
    reply = await sandbox.trace(program.code, options)
    if len(reply.body) > _OFF_LOOP_BYTES:
        return await asyncio.to_thread(_with_echo, reply, expression, program)
    return _with_echo(reply, expression, program)


def _syntax_failure(expression: str, inputs: dict[str, InputValue],
                    exc: ExpressionSyntaxError) -> TraceReply:
    """The usual syntax failure, on the program line and column of the expression's error."""
    program = write_program(expression, inputs, None)
    line = program.line + exc.line - 1
    col = exc.col + (program.col if exc.line == 1 else 0)
    result = policy_failure(PolicyError("syntax", exc.message, line, col))
    return _reply(_echo(result, expression, program))


def _with_echo(reply: TraceReply, expression: str, program: ExpressionProgram) -> TraceReply:
    return _reply(_echo(reply.result(), expression, program))


def _echo(result: dict[str, Any], expression: str, program: ExpressionProgram) -> dict[str, Any]:
    """Add the ``expression`` echo, and the error's position within the expression."""
    lines = [call.get("line") for call in result.get("calls", [])]
    result["expression"] = {
        "expression": expression,
        "program": program.code,
        "line": program.line,
        "col": program.col,
        "backward_on": program.backward_on(lines),
    }
    error = result.get("error")
    where = program.in_expression(error.get("line"), error.get("col")) if error else None
    if error and where is not None:
        error["expression_line"], col = where
        if col is not None:
            error["expression_col"] = col
    return result


def _reply(result: dict[str, Any]) -> TraceReply:
    error = result.get("error")
    return TraceReply(body=orjson.dumps(result), outcome=error["kind"] if error else "ok",
                      nodes=len(result["graph"]["nodes"]))
