"""The trace's explanation fields, defined: ``formulas``, ``diagnostics`` and ``grad_flow``.

Part of the trace's one definition (``gradtrace.tracing.schema`` imports these); kept apart
so that file stays readable. What fills them: ``gradtrace.tracing.formulas`` (the rule
of each op) and ``gradtrace.tracing.diagnostics`` (why a gradient is None, NaN, tiny or
huge). A norm that is NaN or infinite is written as null.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["Diagnostic", "DiagnosticInput", "FlowCall", "FlowModule", "FlowParameter",
           "Formulas"]

Formulas = dict[str, str]
"""``{op: text}``: one ``grad_<input> = ...`` line per input, in the node's ``inputs``
order (AccumulateGrad: how ``.grad`` changes), then notes."""


class _Closed(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DiagnosticInput(_Closed):
    """One input of the node a ``non_finite`` diagnostic is about, as it arrived there."""

    node: int = Field(ge=0, description="The input's node.")
    op: str = Field(description="Its op.")
    label: str | None = Field(description="Its variable or parameter name (null: none).")
    value: int | None = Field(description="Its forward value's tensor index (null: none).")
    min: float | None = Field(description="Smallest element (null: NaN, or not known).")
    max: float | None = Field(description="Largest element (null: NaN, or not known).")
    finite: bool = Field(description="Whether every element is finite.")


class Diagnostic(_Closed):
    """One problem found in the trace, and what it is about (``gradtrace.tracing.diagnostics``).

    ``kind`` says which question it answers: ``grad_none`` (a tensor that wanted a gradient
    ended with ``.grad`` None; ``reason`` says why), ``unused_parameter`` (a parameter of a
    module that ran got no gradient), ``non_finite`` (the first NaN/inf value, and each
    backward call's first NaN/inf gradient), ``inplace`` (the line of the write behind
    autograd's in-place error), ``vanishing_gradient`` / ``exploding_gradient`` (a
    module's gradient norm against its weights', per backward call).
    """

    kind: Literal["grad_none", "unused_parameter", "non_finite", "inplace",
                  "vanishing_gradient", "exploding_gradient"] = Field(
        description="Which question it answers (see above).")
    message: str = Field(description="The finding in one or two sentences, for a person.")
    line: int | None = Field(description="The program line it points at (null: none).")
    file: int | None = Field(None, ge=1, description="Index in `files` (absent: the first).")
    node: int | None = Field(None, description="The graph node it is about.")
    tensor: str | None = Field(None, description="The variable it is about.")
    parameter: str | None = Field(None, description="The parameter it is about ('fc1.weight').")
    module: str | None = Field(None, description="The module it is about.")
    call: int | None = Field(None, ge=0, description="The backward call it is about.")
    reason: str | None = Field(None, description="Why (grad_none, unused_parameter): unused, "
                               "cut, frozen, not_leaf, cleared, captured, no_backward, error, "
                               "not_reached, grad_only.")
    op: str | None = Field(None, description="The node's op (non_finite).")
    phase: Literal["forward", "backward"] | None = Field(
        None, description="Whether the NaN/inf was a value or a gradient (non_finite).")
    cause: str | None = Field(None, description="A recognised cause: log(0), 0/0, ...")
    inputs: list[DiagnosticInput] | None = Field(
        None, description="The node's inputs as they arrived (non_finite).")
    error_line: int | None = Field(
        None, description="Where the in-place error surfaced (inplace); `line` is the write.")
    grad_norm: float | None = Field(None, description="The module's gradient norm (flow).")
    param_norm: float | None = Field(None, description="Its weights' norm (flow).")


class FlowParameter(_Closed):
    """One parameter's gradient in one backward call."""

    parameter: str = Field(description="Its name, 'fc1.weight'.")
    node: int = Field(ge=0, description="Its leaf node.")
    grad_norm: float | None = Field(description="Norm of what this call delivered to it.")
    param_norm: float | None = Field(description="Norm of its value when first seen.")


class FlowModule(_Closed):
    """One module's gradient in one backward call: its parameters' together."""

    module: str = Field(description="The module's name.")
    grad_norm: float | None = Field(description="Norm over its parameters' gradients.")
    param_norm: float | None = Field(description="Norm over its parameters' values.")
    parameters: list[FlowParameter] = Field(description="Each of its parameters.")


class FlowCall(_Closed):
    """Gradient flow of one backward call, module by module (``grad_flow``)."""

    call: int = Field(ge=0, description="The backward call.")
    line: int | None = Field(description="Its program line.")
    file: int | None = Field(None, ge=1, description="Index in `files` (absent: the first).")
    modules: list[FlowModule] = Field(description="Each module with a parameter that got a "
                                              "gradient in this call.")
