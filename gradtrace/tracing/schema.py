"""The trace format (``"format": 5``), defined once: these models are its normative definition.

Everything else is derived from them: the JSON Schema (``docs/trace.schema.json``, served at
``GET /api/v1/schema``, regenerated with ``python -m gradtrace.tracing.schema >
docs/trace.schema.json``), the API's response model, and the test suite's check that every
trace it makes validates. The models are closed (``extra="forbid"``) so that the tracer
cannot write a field this file does not describe; a client of a later format should still
ignore fields it does not know. The readers, ``gradtrace.tracing.wire.expand`` and the page's
``static/js/wire.js``, turn this compact form into the long form (every tensor inline).
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StrictBool,
    StrictFloat,
    Tag,
    model_validator,
)
from typing_extensions import TypeAliasType

from gradtrace.tracing.errors import ErrorKind
from gradtrace.tracing.schema_explain import Diagnostic, FlowCall, Formulas
from gradtrace.tracing.schema_reply import CutPart, ReplyCut

__all__ = [
    "BackwardEvent", "CutPart", "ErrorInfo", "Event", "ExpressionTrace", "GradWriteEvent",
    "HookEvent", "ModuleCall", "ModuleHookEvent", "Node", "NodeHookEvent", "ReplyCut",
    "SavedHookEvent", "SourceFile", "TensorEntry", "Trace", "TraceCall", "TraceGraph",
    "Variable", "json_schema", "schema_text",
]


class _Closed(BaseModel):
    """A fixed part of the format: an undescribed field is an error, not an extension."""

    model_config = ConfigDict(extra="forbid")


def _absent(value: Any) -> bool:
    return value is None


class _Located(_Closed):
    """A record with a ``line``, which may name its file too (traces of your own code)."""

    file: int | None = Field(
        None, ge=1, exclude_if=_absent,
        description="Index in `files` of the file `line` is in; left out for file 0 (the one "
                    "that opened the trace) and in playground traces, which have no `files`.")


TensorRef = Annotated[int, Field(ge=0, description="Index of a tensor in `tensors`.")]
# Left to right, strict: a number is tried first (most values are), and a string is never
# read as one; measured 2.4x faster than the default "smart" union on a tensor table.
Number = Annotated[StrictFloat | Literal["nan", "inf", "-inf"], Field(union_mode="left_to_right")]
Values = TypeAliasType(
    "Values", "Annotated[StrictFloat | list[Values] | StrictBool | "
              "Literal['nan', 'inf', '-inf'], Field(union_mode='left_to_right')]")


class TensorEntry(_Closed):
    """One tensor, listed once in ``tensors``; everywhere else it is its index."""

    shape: list[int] = Field(description="The tensor's shape ([] for a scalar).")
    dtype: str | None = Field(None, description="'int64', 'float64', ...; left out for float32.")
    stats: tuple[Number, Number, Number, Number, Number] | None = Field(
        description="[min, max, mean, std, norm] (std unbiased; complex: of the magnitudes); "
                    "NaN and infinity as 'nan', 'inf', '-inf'; null for an empty tensor or "
                    "one without data (meta).")
    values: Values | None = Field(
        None, description="Nested lists of the values (complex: [real, imag] pairs), only "
                          "for tensors of at most `max_values` elements; left out otherwise.")
    layout: str | None = Field(
        None, description="Only for a tensor that is not strided ('sparse_coo', 'sparse_csr', "
                          "'jagged', 'nested', ...): values and stats are its dense form's.")
    tangent: TensorRef | None = Field(
        None, description="Only for a dual tensor of forward-mode AD: the entry of the "
                          "tangent (Jacobian-vector product) it carried, which no backward event "
                          "shows.")


class Node(_Located):
    """Node ``i`` of ``graph.nodes`` has id ``i``; null and empty fields are left out."""

    op: str = Field(description="grad_fn.name(), e.g. 'MulBackward0'; 'AccumulateGrad' for "
                                "a leaf (a node is a leaf exactly then).")
    inputs: list[int | None] = Field(
        description="Edge ids aligned with grad_fn.next_functions (null: no gradient needed).")
    value: TensorRef | None = Field(None, description="The forward value the node produced.")
    grad: TensorRef | None = Field(None, description="A leaf's final .grad.")
    shape: list[int] | None = Field(None, description="Only when no `value` shows it.")
    dtype: str | None = Field(None, description="Only when no `value` shows it.")
    label: str | None = Field(None, description="The program's variable or parameter name.")
    line: int | None = Field(None, description="Program line that created the node.")
    module_call: int | None = Field(
        None, ge=0, description="Index in `module_calls` of the innermost nn.Module call "
                                "running when the node was made.")
    saved: dict[str, TensorRef] = Field(
        {}, description="Tensors saved for backward, by torchviz's names ('self', 'other').")
    created_in_call: int | None = Field(
        None, ge=0, description="The backward call that made the node: one with "
                                "create_graph=True, or one a reentrant checkpoint recomputed in.")
    recomputed: Literal[True] | None = Field(
        None, description="Made inside a non-reentrant checkpoint: its saved tensors were not "
                          "kept and backward recomputes them; left out otherwise.")
    attrs: dict[str, Any] | None = Field(
        None, description="The op's non-tensor settings its backward reads, by torchviz's "
                          "names ('exponent', 'dim', 'alpha'); numbers, booleans, strings "
                          "and lists of them. Left out when there are none.")


class TraceGraph(_Closed):
    """The autograd graph the program built, walked from its ``grad_fn`` nodes."""

    nodes: list[Node] = Field(description="Node i has id i, in the order the program made them.")
    edges: list[tuple[int, int]] = Field(
        description="Edge i as [source, target] node ids, in data-flow direction.")


class BackwardEvent(_Closed):
    """One node's visit in a backward call: the gradients it got and sent on."""

    call: int = Field(ge=0, description="Index in `calls` of the backward()/grad() call.")
    node: int = Field(ge=0, description="The node visited.")
    grad_outputs: list[TensorRef | None] = Field(description="The gradients arriving.")
    grad_inputs: list[TensorRef | None] = Field(
        description="The gradient sent to each input, aligned with the node's `inputs`.")
    leaf_grad: TensorRef | None = Field(None, description="A leaf's .grad after accumulating.")
    captured: Literal[True] | None = Field(
        None, description="A gradient autograd.grad returned for one of its inputs.")


class GradWriteEvent(_Located):
    """The program writing into a leaf's ``.grad`` (``x.grad.zero_()``, ``x.grad = None``;
    ``optimizer.zero_grad()`` makes one per parameter)."""

    grad_write: int = Field(ge=0, description="The leaf whose .grad was written into.")
    line: int | None = Field(description="Program line of the write.")
    op: str = Field(description="'set' for `leaf.grad = value`, else the in-place method.")
    grad: TensorRef | None = Field(description="The .grad it left (null: None).")


class HookEvent(_Located):
    """One run of a tensor hook the program registered; before that node's backward event."""

    hook: int = Field(ge=0, description="The node of the tensor whose hook ran.")
    call: int = Field(ge=0, description="The backward call it ran in.")
    line: int | None = Field(description="Program line that registered the hook.")
    name: str = Field(description="The hook function's name.")
    grad: TensorRef | None = Field(description="The gradient the hook got.")
    result: TensorRef | None = Field(description="What it returned instead (null: None).")


class ModuleHookEvent(_Located):
    """One run of an ``nn.Module`` hook the program registered."""

    module_hook: str = Field(description="Name of the module whose hook ran ('conv').")
    kind: Literal["forward pre-hook", "forward hook", "backward pre-hook", "backward hook"] = (
        Field(description="Which register_* method registered it."))
    line: int | None = Field(description="Program line that registered the hook.")
    name: str = Field(description="The hook function's name.")
    call: int | None = Field(ge=0, description="Backward call it ran in (null: forward hooks).")
    got: list[TensorRef] = Field(description="Tensors it was handed (at most 8).")
    result: list[TensorRef] | None = Field(description="Tensors it returned (null: None).")


class NodeHookEvent(_Located):
    """One run of a hook the program registered on a graph node (``grad_fn.register_hook``).

    A node's hook runs come before its own backward event, which shows the gradients after
    every hook.
    """

    node_hook: int = Field(ge=0, description="The graph node whose hook ran.")
    kind: Literal["hook", "prehook"] = Field(description="register_hook or register_prehook.")
    call: int = Field(ge=0, description="The backward call it ran in.")
    line: int | None = Field(description="Program line that registered the hook.")
    name: str = Field(description="The hook function's name.")
    grad_outputs: list[TensorRef | None] = Field(description="Gradients arriving at the node.")
    grad_inputs: list[TensorRef | None] | None = Field(
        description="What the node sends to its inputs (null for a prehook).")
    result: list[TensorRef | None] | None = Field(
        description="What it returned in their place (null: None).")


class SavedHookEvent(_Located):
    """One run of a ``saved_tensors_hooks(pack, unpack)`` hook the program gave.

    A pack runs while the op that saves the tensor runs, so it comes before that op's forward
    event; an unpack runs in backward call ``call``, before the backward event of the node
    that needed the tensor.
    """

    saved_hook: Literal["pack", "unpack"] = Field(description="Which of the two hooks ran.")
    line: int | None = Field(description="Program line that passed the hooks.")
    name: str = Field(description="The hook function's name.")
    call: int | None = Field(ge=0, description="The backward call an unpack ran in (pack: null).")
    tensor: TensorRef | None = Field(description="What the hook got (null: not a tensor).")
    result: TensorRef | None = Field(description="What it returned (null: not a tensor).")


_EVENT_TAGS: dict[type, str] = {
    ModuleHookEvent: "module_hook", NodeHookEvent: "node_hook", HookEvent: "hook",
    SavedHookEvent: "saved_hook", GradWriteEvent: "grad_write", BackwardEvent: "backward"}


def _event_tag(item: Any) -> str:
    """Which kind an event is: an integer, else the key that names it (backward: none)."""
    if isinstance(item, int):
        return "forward"
    if not isinstance(item, dict):
        return _EVENT_TAGS.get(type(item), "backward")
    return next((tag for tag in _EVENT_TAGS.values() if tag in item), "backward")


ForwardRun = Annotated[int, Field(ge=1, description="The forward events of the next n nodes, "
                                                    "in id order (each node appears once).")]
Event = Annotated[
    Annotated[ForwardRun, Tag("forward")] | Annotated[ModuleHookEvent, Tag("module_hook")]
    | Annotated[NodeHookEvent, Tag("node_hook")] | Annotated[HookEvent, Tag("hook")]
    | Annotated[SavedHookEvent, Tag("saved_hook")] | Annotated[GradWriteEvent, Tag("grad_write")]
    | Annotated[BackwardEvent, Tag("backward")],
    Discriminator(_event_tag),
]
"""One timeline entry: a run of forward events, or an object named by its one key."""


class ModuleCall(_Closed):
    """One forward call of an ``nn.Module`` inside which at least one node was made."""

    module: str = Field(description="Qualified name, as named_modules() gives it: 'layers.3'.")
    n: int = Field(ge=1, description="This is the module's n-th forward call.")
    parent: int | None = Field(ge=0, description="The call it ran inside (null: outermost).")


class Variable(_Closed):
    """A tensor bound to a top-level name of the program when it ended."""

    node: int | None = Field(ge=0, description="Its graph node (null: none).")
    value: TensorRef = Field(description="Its value at the end.")
    grad: TensorRef | None = Field(
        description="Its .grad at the end; a non-leaf's too when it has one (it called "
                    "retain_grad(), or the program set it).")
    requires_grad: bool = Field(description="tensor.requires_grad.")
    is_leaf: bool = Field(description="tensor.is_leaf.")


class TraceCall(_Located):
    """One backward() or autograd.grad() call, inside torch.func transforms too (not walked)."""

    index: int = Field(ge=0, description="Its position in `calls`.")
    kind: Literal["backward", "grad"] = Field(description="backward() or autograd.grad().")
    line: int | None = Field(description="Program line of the call.")
    create_graph: bool = Field(description="Whether it built a graph of its own gradients.")
    retain_graph: bool | None = Field(description="As passed (null: not given).")


class ErrorInfo(_Located):
    """Why the program failed, was refused or stopped."""

    kind: ErrorKind = Field(description="What went wrong (see gradtrace.tracing.errors).")
    type: str = Field(description="The exception's type, e.g. 'RuntimeError', 'PolicyError'.")
    message: str = Field(description="The exception's message.")
    line: int | None = Field(description="Innermost program line where it surfaced.")
    hint: str | None = Field(description="A suggestion for a learner (null: none).")
    col: int | None = Field(None, ge=0, description="0-based column (programs refused "
                                                    "before running); left out otherwise.")
    expression_line: int | None = Field(
        None, ge=1, description="Expression requests: the error's 1-based line within the "
                                "expression; left out otherwise.")
    expression_col: int | None = Field(
        None, ge=0, description="Expression requests: its 0-based column within the "
                                "expression; left out otherwise.")


class ExpressionTrace(_Closed):
    """What the server made of an expression request (present only for those)."""

    expression: str = Field(description="The expression, as traced.")
    program: str = Field(description="The program Gradtrace wrote and traced for it; every "
                                     "`line` in the trace points into this text.")
    line: int = Field(description="Program line where the expression starts (`result = ...`).")
    col: int = Field(description="Column of the program line where the expression starts.")
    backward_on: Literal["result", "result.sum()"] | None = Field(
        description="What backward() ran on: the result itself when it holds one value, else "
                    "its sum; null when it did not run.")


class SourceFile(_Closed):
    """One file of the user's own code that the traced lines are in."""

    path: str = Field(description="The path, relative to the working folder when inside it.")
    source: str = Field(description="The file's text.")


class Trace(_Closed):
    """A trace in format 5: what the program built, computed and printed, compactly.

    Tensors are indices into ``tensors``; null and empty optional fields are left out.
    ``gradtrace.tracing.wire.expand`` gives the long form (every tensor inline).
    """

    model_config = ConfigDict(
        extra="forbid", title="Trace",
        json_schema_extra={"$schema": "https://json-schema.org/draft/2020-12/schema"})

    format: Literal[5] = Field(description="The format's version.")
    ok: bool = Field(description="False when the program raised, was refused or hit a limit.")
    tensors: list[TensorEntry] = Field(description="Every tensor, once.")
    graph: TraceGraph
    variables: dict[str, Variable] = Field(description="Every top-level tensor, by name.")
    collections: dict[str, dict[str, TensorRef | None]] | None = Field(
        None, description="Tensors one level inside each top-level dict, list or tuple, by "
                          "name and key or index ('per_sample' -> 'weight'); names starting "
                          "with '_' are skipped, at most 32 names of at most 16 tensors each; "
                          "left out when empty.")
    events: list[Event] = Field(description="The timeline, in order.")
    calls: list[TraceCall] = Field(description="Every backward() and autograd.grad() call.")
    module_calls: list[ModuleCall] = Field(description="nn.Module calls nodes were made in.")
    stdout: str = Field(description="What the program printed (capped).")
    warnings: list[str] = Field(description="Each warning it raised, once.")
    error: ErrorInfo | None = Field(description="Why it failed (null: it did not).")
    files: list[SourceFile] | None = Field(
        None, description="Traces of your own code only (gradtrace.trace(), gradtrace run): "
                          "the files the traced lines are in, the first the one that opened "
                          "the trace.")
    expression: ExpressionTrace | None = Field(
        None, description="Expression requests only: which program ran for the expression.")
    formulas: Formulas | None = Field(
        None, description="The backward rule of every op in the graph that has one, "
                          "{op: text}: a `grad_<input> = ...` line per input in the node's "
                          "`inputs` order, then notes (gradtrace.tracing.formulas). Absent "
                          "when the program produced no trace.")
    diagnostics: list[Diagnostic] | None = Field(
        None, description="Why a gradient is None, NaN, tiny or huge, pointed at the line "
                          "(gradtrace.tracing.diagnostics). Absent with no trace.")
    grad_flow: list[FlowCall] | None = Field(
        None, description="Per backward call, each module's and parameter's gradient norm "
                          "against its weights' norm. Absent with no trace.")

    reply_cut: ReplyCut | None = Field(
        None, description="Left out when nothing was cut. Otherwise what was left out so "
                          "that the reply fits its byte cap or stays self-consistent "
                          "(gradtrace.tracing.budget); readers show it beside the output.")

    @model_validator(mode="after")
    def _ok_means_no_error(self) -> Trace:
        if self.ok != (self.error is None):
            raise ValueError("`ok` must be true exactly when `error` is null")
        return self


def json_schema() -> dict[str, Any]:
    """The JSON Schema of :class:`Trace` (what ``docs/trace.schema.json`` holds)."""
    return Trace.model_json_schema()


def schema_text() -> str:
    """The schema file's text: two-space indented JSON and a final newline."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    print(schema_text(), end="")
