"""Expressions: ``{"expression": "x * y", "inputs": {...}}`` turned into a program to trace.

A package of its own, outside ``gradtrace/api`` and ``gradtrace/sandbox``, because it is neither
transport nor security: it is pure text generation (no torch, no I/O), which the API's request
model uses to validate inputs and the trace route uses to write the program. The program then goes
through the sandbox like any other, so imports flow one way: api -> expression, api -> sandbox.
"""

from __future__ import annotations

from gradtrace.expression.gallery import EXPRESSION_EXAMPLES, ExpressionExample
from gradtrace.expression.inputs import (
    MAX_DIMS,
    MAX_ELEMENTS,
    MAX_INPUTS,
    RESERVED_NAMES,
    InputError,
    InputValue,
    check_inputs,
)
from gradtrace.expression.program import (
    ExpressionProgram,
    ExpressionSyntaxError,
    build_program,
    parse_expression,
    write_program,
)

__all__ = [
    "EXPRESSION_EXAMPLES",
    "MAX_DIMS",
    "MAX_ELEMENTS",
    "MAX_EXPRESSION_CHARS",
    "MAX_INPUTS",
    "RESERVED_NAMES",
    "ExpressionExample",
    "ExpressionProgram",
    "ExpressionSyntaxError",
    "InputError",
    "InputValue",
    "build_program",
    "check_inputs",
    "parse_expression",
    "write_program",
]

MAX_EXPRESSION_CHARS = 2000
"""Longest expression: one formula, not a program smuggled onto one line."""
