"""Pydantic models of every API shape (the public contract, published at /docs).

Trace responses can hold thousands of nodes, so the routes send them with orjson directly;
these models document the shape in OpenAPI and the API tests validate responses against them.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "Edge",
    "ErrorInfo",
    "Event",
    "Example",
    "ExampleList",
    "Node",
    "ProblemDetail",
    "SavedTensor",
    "TensorView",
    "TraceCall",
    "TraceGraph",
    "TraceRequest",
    "TraceRequestOptions",
    "TraceResponse",
    "Variable",
]

ErrorKind = Literal["syntax", "forbidden", "runtime", "timeout", "memory", "output_limit", "crash"]


class _Open(BaseModel):
    """Extra fields are welcome in responses: clients must ignore what they do not know."""

    model_config = ConfigDict(extra="allow")


class TensorView(_Open):
    shape: list[int]
    dtype: str
    values: Any = Field(None, description="Nested list of values, or null when truncated.")
    truncated: bool
    numel: int
    min: float | str | None = None
    max: float | str | None = None
    mean: float | str | None = None
    std: float | str | None = None
    norm: float | str | None = None


class SavedTensor(_Open):
    name: str = Field(description="Name torchviz shows, e.g. 'self', 'other', 'result'.")
    value: TensorView


class Node(_Open):
    id: int = Field(description="Counter in discovery order (inputs before their consumers).")
    kind: Literal["leaf", "op"]
    op: str = Field(description="grad_fn.name(), e.g. 'MulBackward0'; 'AccumulateGrad' for leaves.")
    label: str | None = Field(description="Program variable or parameter name ('conv1.weight').")
    shape: list[int] | None
    dtype: str | None
    value: TensorView | None = Field(description="Forward value this node produced.")
    grad: TensorView | None = Field(description="Leaves: the final .grad.")
    line: int | None = Field(description="Program line that created the node.")
    module: str | None = Field(description="nn.Module whose forward created it ('layers.3').")
    saved: list[SavedTensor]
    created_in_call: int | None = Field(description="Backward call (create_graph) that built it.")


class Edge(_Open):
    id: int
    source: int = Field(description="Node of the input (data-flow direction).")
    target: int = Field(description="Node of the op that consumes it.")


class Variable(_Open):
    node: int | None
    value: TensorView
    grad: TensorView | None
    requires_grad: bool
    is_leaf: bool


class Event(_Open):
    phase: Literal["forward", "backward"]
    node: int
    call: int | None = Field(None, description="Index of the backward()/grad() call.")
    grad_outputs: list[TensorView | None] | None = Field(None, description="Gradient arriving.")
    grad_inputs: list[TensorView | None] | None = Field(
        None, description="Gradient sent to each input, aligned with `edges`."
    )
    edges: list[int | None] | None = None


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


class TraceResponse(_Open):
    ok: bool = Field(description="False when the program raised or hit a limit.")
    graph: TraceGraph
    variables: dict[str, Variable]
    events: list[Event]
    calls: list[TraceCall] = []
    stdout: str
    warnings: list[str]
    error: ErrorInfo | None


class TraceRequestOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    max_values: int | None = Field(
        None, ge=1, le=100_000, description="List tensors up to this many elements in full."
    )
    seed: int = Field(0, ge=0, le=2**32 - 1, description="Seed set before the program runs.")


class TraceRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(description="The Python/PyTorch program.")
    options: TraceRequestOptions = TraceRequestOptions()


class Example(BaseModel):
    id: str
    title: str
    topic: str
    explanation: str
    code: str


class ExampleList(BaseModel):
    examples: list[Example]


class ProblemDetail(BaseModel):
    """Body of every 4xx/5xx the API itself produces (never a program's failure)."""

    error: str = Field(description="Machine-readable reason, e.g. 'code_too_large'.")
    message: str
    detail: Any = None
