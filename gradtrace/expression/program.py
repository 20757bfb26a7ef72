"""An expression and its inputs, written out as the small program Gradtrace then traces.

The program is what a learner would write by hand, so the trace's line numbers point at
readable lines and the playground can show it::

    import torch

    x = torch.tensor(2.0, requires_grad=True)
    y = torch.tensor([1.0, 2.0], requires_grad=True)
    result = x * y
    if result.numel() == 1:
        result.backward()
    else:  # backward() needs a single value: use the sum of the elements
        result.sum().backward()

It then goes through the same static policy and sandbox as any program: nothing here
decides what an expression may do. Whether backward ran on ``result`` or ``result.sum()`` is
only known at run time (broadcasting decides the shape), so the trace's backward call says
which of the two lines ran (see ``backward_on``).

This module is pure (no torch, no sandbox): the API imports it, and it imports nothing of
the app but the input checks.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from gradtrace.expression.inputs import InputValue

__all__ = [
    "RESULT",
    "ExpressionProgram",
    "ExpressionSyntaxError",
    "build_program",
    "parse_expression",
    "write_program",
]

RESULT = "result"
_PREFIX = f"{RESULT} = "


class ExpressionSyntaxError(Exception):
    """The expression is not one Python expression; line/col are within the expression."""

    def __init__(self, message: str, line: int, col: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.col = col


@dataclass(frozen=True)
class ExpressionProgram:
    """The generated program and where the expression sits in it (1-based lines, 0-based cols)."""

    code: str
    line: int
    col: int
    end_line: int
    scalar_line: int
    sum_line: int

    def in_expression(self, line: int | None, col: int | None) -> tuple[int, int | None] | None:
        """A program position as (line, col) within the expression, or None if outside it."""
        if line is None or not self.line <= line <= self.end_line:
            return None
        if col is None:
            return line - self.line + 1, None
        return line - self.line + 1, col - self.col if line == self.line else col

    def backward_on(self, call_lines: Sequence[int | None]) -> str | None:
        """What backward() ran on, from the lines of the trace's calls (None: it never ran)."""
        if self.sum_line in call_lines:
            return f"{RESULT}.sum()"
        if self.scalar_line in call_lines:
            return RESULT
        return None


def parse_expression(expression: str) -> ast.Expression:
    """Parse one expression; ExpressionSyntaxError when it is not exactly one."""
    try:
        return ast.parse(expression, filename="<expression>", mode="eval")
    except SyntaxError as exc:
        line, col = exc.lineno or 1, max((exc.offset or 1) - 1, 0)
        raise ExpressionSyntaxError(f"{type(exc).__name__}: {exc.msg}", line, col) from None
    except (RecursionError, MemoryError, ValueError) as exc:
        raise ExpressionSyntaxError(f"The expression cannot be parsed: {exc}", 1, 0) from None


def _literal(value: InputValue) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_literal(item) for item in value) + "]"
    return repr(float(value))


def _imports(tree: ast.Expression | None, inputs: Mapping[str, Any]) -> list[str]:
    """``import torch``, plus math and F when the expression reads those names."""
    names = ast.walk(tree) if tree is not None else ()
    read = {node.id for node in names if isinstance(node, ast.Name)} - set(inputs)
    lines = ["import math"] if "math" in read else []
    return [*lines, "import torch", *(["import torch.nn.functional as F"] if "F" in read else [])]


def build_program(expression: str, inputs: Mapping[str, InputValue]) -> ExpressionProgram:
    """Write the program for ``expression`` (raises ExpressionSyntaxError if it does not parse)."""
    tree = parse_expression(expression)
    program = write_program(expression, inputs, tree)
    _same_expression(program, tree)
    return program


def write_program(expression: str, inputs: Mapping[str, InputValue],
                  tree: ast.Expression | None) -> ExpressionProgram:
    """The program text; ``tree`` None (the expression did not parse) imports torch only.

    The unparsable program is still worth writing: the playground shows it with the syntax
    error marked on the expression's line.
    """
    head = [*_imports(tree, inputs), ""]
    head += [f"{name} = torch.tensor({_literal(value)}, requires_grad=True)"
             for name, value in inputs.items()]
    line = len(head) + 1
    end_line = line + expression.count("\n")
    tail = [
        f"if {RESULT}.numel() == 1:",
        f"    {RESULT}.backward()",
        "else:  # backward() needs a single value: use the sum of the elements",
        f"    {RESULT}.sum().backward()",
    ]
    code = "\n".join([*head, _PREFIX + expression, *tail]) + "\n"
    return ExpressionProgram(code, line, len(_PREFIX), end_line, end_line + 2, end_line + 4)


def _same_expression(program: ExpressionProgram, tree: ast.Expression) -> None:
    """Self-check: the program's ``result = ...`` holds exactly the parsed expression.

    ``mode="eval"`` already refuses statements and unclosed brackets, so an expression cannot
    spill into the lines around it; this makes that a checked fact rather than an argument.
    """
    module = ast.parse(program.code)
    assigns = [s for s in module.body if isinstance(s, ast.Assign)
               and isinstance(s.targets[0], ast.Name) and s.targets[0].id == RESULT]
    if len(assigns) != 1 or ast.dump(assigns[0].value) != ast.dump(tree.body):
        raise ExpressionSyntaxError("The expression must be a single Python expression.", 1, 0)
