"""Pydantic models of every API shape (the public contract, published at /docs).

The trace itself is defined once, in ``gradtrace.tracing.schema``; this module re-exports its
models and names the response. Trace responses can hold thousands of nodes, so the routes send
them with orjson directly: the models document the shape in OpenAPI, and the tests validate
every trace response against them.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from gradtrace.expression import (
    MAX_ELEMENTS,
    MAX_EXPRESSION_CHARS,
    MAX_INPUTS,
    InputError,
    check_inputs,
)
from gradtrace.tracing.schema import (
    BackwardEvent,
    ErrorInfo,
    Event,
    ExpressionTrace,
    GradWriteEvent,
    HookEvent,
    ModuleCall,
    ModuleHookEvent,
    Node,
    NodeHookEvent,
    SavedHookEvent,
    SourceFile,
    TensorEntry,
    Trace,
    TraceCall,
    TraceGraph,
    Variable,
)

__all__ = [
    "BackwardEvent",
    "Edge",
    "ErrorInfo",
    "Event",
    "Example",
    "ExampleList",
    "ExpressionTrace",
    "GradWriteEvent",
    "HookEvent",
    "ModuleCall",
    "ModuleHookEvent",
    "Node",
    "NodeHookEvent",
    "ProblemDetail",
    "SavedHookEvent",
    "SourceFile",
    "TensorEntry",
    "TraceCall",
    "TraceGraph",
    "TraceRequest",
    "TraceRequestOptions",
    "TraceResponse",
    "Variable",
]

Edge = tuple[int, int]
"""``[source, target]`` in data-flow direction; edge ``i`` has id ``i``."""


class TraceResponse(Trace):
    """The body of ``POST /api/v1/trace`` (HTTP 200): a trace in format 5.

    Defined by ``gradtrace.tracing.schema`` (JSON Schema: ``GET /api/v1/schema``). For an
    expression request, ``expression`` says which program ran, and an ``error`` inside the
    expression also carries ``expression_line``/``expression_col``.
    """

    model_config = ConfigDict(title="TraceResponse", json_schema_extra=None)


class TraceRequestOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    max_values: int | None = Field(
        None, ge=1, le=100_000, description="List tensors up to this many elements in full."
    )
    seed: int = Field(0, ge=0, le=2**32 - 1, description="Seed set before the program runs.")


def _invalid(loc: tuple[str, ...], kind: str, message: str, value: Any) -> ValidationError:
    """A validation error at ``loc`` (a field validator alone can only blame its own field)."""
    error = PydanticCustomError(kind, message)
    details = [InitErrorDetails(type=error, loc=loc, input=value)]
    return ValidationError.from_exception_data("TraceRequest", details)


class TraceRequest(BaseModel):
    """A program (``code``) or an expression with its inputs: exactly one of the two."""

    model_config = ConfigDict(extra="forbid")

    code: str | None = Field(None, description="The Python/PyTorch program.")
    expression: str | None = Field(
        None, min_length=1, max_length=MAX_EXPRESSION_CHARS,
        description="One Python expression over the inputs, e.g. `x * y + torch.sin(z)`; "
                    "backward() runs on it (on its sum when it holds more than one value).")
    inputs: dict[str, Any] | None = Field(
        None, description=f"Expression inputs by name: a number or a rectangular nested list "
                          f"of numbers; each becomes a float leaf with requires_grad=True. "
                          f"At most {MAX_INPUTS} inputs and {MAX_ELEMENTS} numbers in all.")
    options: TraceRequestOptions = TraceRequestOptions()

    @field_validator("expression")
    @classmethod
    def _expression_text(cls, value: str | None) -> str | None:
        """Surrounding blanks are not part of the formula (a leading one is a syntax error)."""
        if value is None:
            return None
        if not value.strip():
            raise ValueError("the expression is empty")
        return value.strip()

    @field_validator("inputs")
    @classmethod
    def _inputs(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        """422 at ``inputs.<name>``, with a message that names the input too."""
        if value is None:
            return None
        try:
            return check_inputs(value)
        except InputError as exc:
            loc = () if exc.name is None else (exc.name,)
            bad = value if exc.name is None else value.get(exc.name)
            raise _invalid(loc, "invalid_input", str(exc), bad) from None

    @model_validator(mode="after")
    def _one_of(self) -> TraceRequest:
        if self.code is None and self.expression is None:
            raise _invalid(("code",), "missing",
                           "give `code` (a program) or `expression` (with `inputs`)", None)
        if self.code is not None and self.expression is not None:
            raise _invalid(("expression",), "code_and_expression",
                           "give either `code` or `expression`, not both", self.expression)
        if self.code is not None and self.inputs is not None:
            raise _invalid(("inputs",), "inputs_without_expression",
                           "`inputs` go with `expression`, not with `code`", self.inputs)
        return self


class Example(BaseModel):
    id: str
    title: str
    topic: str
    explanation: str
    code: str = Field(description="The program (for an expression: the program written for it).")
    expression: str | None = Field(None, description="Set for an expression example.")
    inputs: dict[str, Any] | None = Field(None, description="The expression's inputs.")


class ExampleList(BaseModel):
    examples: list[Example]


class ProblemDetail(BaseModel):
    """Body of every 4xx/5xx the API itself produces (never a program's failure)."""

    error: str = Field(description="Machine-readable reason, e.g. 'code_too_large'.")
    message: str
    detail: Any = None
