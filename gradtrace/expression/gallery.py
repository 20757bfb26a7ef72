"""The gallery's expression examples: an expression and its inputs instead of a program.

The gallery (``gradtrace/examples``) holds program files; an expression example is the same
gallery entry plus ``expression`` and ``inputs``, with ``code`` set to the program Gradtrace
writes for it. So clients that know only programs still get a runnable program, and the
playground opens the entry in Expression mode.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from gradtrace.expression.inputs import InputValue
from gradtrace.expression.program import build_program

__all__ = ["EXPRESSION_EXAMPLES", "ExpressionExample"]


@dataclass(frozen=True)
class ExpressionExample:
    """One expression entry of ``GET /api/v1/examples``."""

    id: str
    title: str
    topic: str
    explanation: str
    expression: str
    inputs: dict[str, InputValue]

    @cached_property
    def code(self) -> str:
        """The program the playground shows and the server traces for this expression."""
        return build_program(self.expression, self.inputs).code


EXPRESSION_EXAMPLES: tuple[ExpressionExample, ...] = (
    ExpressionExample(
        id="expression-broadcasting",
        title="An expression: x * y + sin(z), with broadcasting",
        topic="Expressions",
        explanation=(
            "No program, just a formula and its inputs: each input becomes a leaf with "
            "requires_grad=True. x is a scalar, y a vector of 2 and z a 2 x 2 matrix, so the "
            "result is 2 x 2; backward() needs a single value, so it runs on result.sum(). "
            "Broadcasting copied x to all four elements and y to both rows, so their gradients "
            "add up those copies: x.grad is the sum of all the y's, y.grad is x times the "
            "number of rows, and z.grad is cos(z)."
        ),
        expression="x * y + torch.sin(z)",
        inputs={"x": 2.0, "y": [1.0, 3.0], "z": [[0.0, 0.5], [1.0, 1.5]]},
    ),
)
