"""Pydantic models of every API shape (the public contract, published at /docs).

Trace responses can hold thousands of nodes, so the routes send them with orjson directly;
these models document the shape in OpenAPI and the API tests validate responses against them.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from gradtrace.expression import (
    MAX_ELEMENTS,
    MAX_EXPRESSION_CHARS,
    MAX_INPUTS,
    InputError,
    check_inputs,
)
from gradtrace.tracing import ErrorKind

__all__ = [
    "BackwardEvent",
    "Edge",
    "ErrorInfo",
    "Event",
    "Example",
    "ExampleList",
    "ExpressionTrace",
    "Node",
    "ProblemDetail",
    "TensorEntry",
    "TraceCall",
    "TraceGraph",
    "TraceRequest",
    "TraceRequestOptions",
    "TraceResponse",
    "Variable",
]


class _Open(BaseModel):
    """Extra fields are welcome in responses: clients must ignore what they do not know."""

    model_config = ConfigDict(extra="allow")


TensorRef = int
"""Index of a tensor in the trace's ``tensors`` table."""


class TensorEntry(_Open):
    shape: list[int]
    dtype: str = Field("float32", description="Omitted for float32.")
    stats: list[float | str] | None = Field(
        description="[min, max, mean, std, norm]; NaN/infinity as 'nan'/'inf'/'-inf'; "
                    "null for an empty tensor."
    )
    values: Any = Field(None, description="Nested list of values; absent when summarised.")


class Node(_Open):
    """Node ``i`` of ``graph.nodes`` has id ``i``; null or empty fields are omitted."""

    op: str = Field(description="grad_fn.name(), e.g. 'MulBackward0'; 'AccumulateGrad' for leaves.")
    inputs: list[int | None] = Field(
        description="Edge ids aligned with grad_fn.next_functions (null: no gradient needed)."
    )
    value: TensorRef | None = Field(None, description="Forward value this node produced.")
    grad: TensorRef | None = Field(None, description="Leaves: the final .grad.")
    shape: list[int] | None = Field(None, description="Only when no value shows it.")
    dtype: str | None = Field(None, description="Only when no value shows it.")
    label: str | None = Field(None, description="Program variable or parameter name.")
    line: int | None = Field(None, description="Program line that created the node.")
    module_call: int | None = Field(
        None, description="Index in `module_calls` of the nn.Module call that created it."
    )
    saved: dict[str, TensorRef] = Field(
        {}, description="Tensors saved for backward, by torchviz's names ('self', 'other')."
    )
    created_in_call: int | None = Field(None, description="Backward call that built it.")


Edge = tuple[int, int]
"""``[source, target]`` in data-flow direction; edge ``i`` has id ``i``."""


class Variable(_Open):
    node: int | None
    value: TensorRef
    grad: TensorRef | None
    requires_grad: bool
    is_leaf: bool


class BackwardEvent(_Open):
    call: int = Field(description="Index of the backward()/grad() call.")
    node: int
    grad_outputs: list[TensorRef | None] = Field(description="Gradient arriving.")
    grad_inputs: list[TensorRef | None] = Field(
        description="Gradient sent to each input, aligned with the node's `inputs`."
    )
    leaf_grad: TensorRef | None = Field(None, description="Leaves: .grad after accumulating.")
    captured: bool = Field(False, description="A gradient autograd.grad returned.")


class GradWriteEvent(_Open):
    grad_write: int = Field(description="The leaf whose .grad the program wrote into.")
    line: int | None = Field(description="Program line of the write.")
    op: str = Field(description="'set' for `leaf.grad = value`, else the in-place method.")
    grad: TensorRef | None = Field(description="The .grad it left (null: None).")


class HookEvent(_Open):
    hook: int = Field(description="The node of the tensor whose hook ran.")
    call: int = Field(description="Index of the backward()/grad() call it ran in.")
    line: int | None = Field(description="Program line that registered the hook.")
    name: str = Field(description="The hook function's name.")
    grad: TensorRef | None = Field(description="The gradient the hook got.")
    result: TensorRef | None = Field(description="What it returned instead (null: None).")


class ModuleHookEvent(_Open):
    module_hook: str = Field(description="Name of the module whose hook ran ('conv').")
    kind: str = Field(description="forward pre-hook, forward hook, backward (pre-)hook.")
    line: int | None = Field(description="Program line that registered the hook.")
    name: str = Field(description="The hook function's name.")
    call: int | None = Field(description="Backward call it ran in (null: a forward hook).")
    got: list[TensorRef] = Field(description="Tensors it was handed (at most 8).")
    result: list[TensorRef] | None = Field(description="Tensors it returned (null: None).")


class NodeHookEvent(_Open):
    node_hook: int = Field(description="The graph node whose hook ran.")
    kind: Literal["hook", "prehook"] = Field(description="register_hook or register_prehook.")
    call: int = Field(description="Index of the backward()/grad() call it ran in.")
    line: int | None = Field(description="Program line that registered the hook.")
    name: str = Field(description="The hook function's name.")
    grad_outputs: list[TensorRef | None] = Field(description="Gradients arriving at the node.")
    grad_inputs: list[TensorRef | None] | None = Field(
        description="What the node sends to its inputs (null for a prehook).")
    result: list[TensorRef | None] | None = Field(
        description="What it returned in their place (null: None).")


Event = int | BackwardEvent | GradWriteEvent | HookEvent | ModuleHookEvent | NodeHookEvent
"""An int ``n``: the forward events of the next ``n`` nodes in id order."""


class ModuleCall(_Open):
    """One forward call of an nn.Module that created at least one node."""

    module: str = Field(description="Qualified name, as named_modules() gives it: 'layers.3'.")
    n: int = Field(description="This is the module's n-th forward call (1-based).")
    parent: int | None = Field(description="The call it ran inside (null: outermost).")


class TraceCall(_Open):
    index: int
    kind: Literal["backward", "grad"]
    line: int | None
    create_graph: bool
    retain_graph: bool | None


class ErrorInfo(_Open):
    kind: ErrorKind
    type: str
    message: str
    line: int | None
    hint: str | None


class TraceGraph(_Open):
    nodes: list[Node]
    edges: list[Edge]


class ExpressionTrace(_Open):
    """What the server made of an expression request (present only for those)."""

    expression: str = Field(description="The expression, as traced.")
    program: str = Field(description="The program Gradtrace wrote and traced for it; every "
                                     "`line` in the trace points into this text.")
    line: int = Field(description="Program line where the expression starts (`result = ...`).")
    col: int = Field(description="Column of the program line where the expression starts.")
    backward_on: Literal["result", "result.sum()"] | None = Field(
        description="What backward() ran on: the result itself when it holds one value, else "
                    "its sum (backward() needs a single value); null when it did not run.")


class TraceResponse(_Open):
    """A trace in format 5 (``gradtrace/tracing/wire.py``): tensors are indices into ``tensors``.

    For an expression request, ``expression`` says which program ran, and an ``error`` inside
    the expression also carries ``expression_line``/``expression_col`` (1-based line, 0-based
    column within the expression).
    """

    format: Literal[5]
    ok: bool = Field(description="False when the program raised or hit a limit.")
    tensors: list[TensorEntry]
    graph: TraceGraph
    variables: dict[str, Variable]
    events: list[Event]
    calls: list[TraceCall] = []
    module_calls: list[ModuleCall] = []
    stdout: str
    warnings: list[str]
    error: ErrorInfo | None
    expression: ExpressionTrace | None = None


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
