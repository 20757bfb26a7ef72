"""The trace's ``reply_cut`` field, defined: what was left out of a reply, and why.

Part of the trace's one definition (``gradtrace.tracing.schema`` imports these). What fills
it: ``gradtrace.tracing.budget`` (a reply larger than its byte cap) and
``gradtrace.tracing.consistency`` (a recording a limit cut mid-write).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["CutPart", "ReplyCut"]


class _Closed(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CutPart(_Closed):
    """One part of the trace that was left out or shortened (gradtrace.tracing.budget)."""

    part: Literal["stdout", "warnings", "strings", "values", "events", "grad_flow",
                  "diagnostics", "calls", "nodes", "tensors", "trace"] = Field(
        description="What was cut, in the order the cuts are made: 'stdout' (the output past "
                    "its head), 'warnings', 'strings' (other texts over 256 characters), "
                    "'values' (tensor entries' listed values; their statistics stay), "
                    "'events' (timeline events from the end), 'grad_flow' and 'diagnostics' "
                    "(their entries from the end), 'calls' (backward calls from the end that "
                    "nothing left names), 'nodes' (graph nodes from the last made), 'trace' "
                    "(the whole graph: only the output's head and an error are left). "
                    "'tensors': the tensor table and every reference to it, left out because "
                    "a limit cut the recording mid-write and the table was out of step with "
                    "the graph.")
    unit: Literal["bytes", "tensors", "events", "entries", "calls", "nodes"] = Field(
        description="What `kept` and `dropped` count.")
    kept: int = Field(ge=0, description="How much of the part is still in the trace.")
    dropped: int = Field(ge=0, description="How much of it was left out.")


class ReplyCut(_Closed):
    """What was cut from a trace so that the reply is whole and within its byte cap."""

    cap: int | None = Field(
        None, ge=1, description="The most bytes a reply may have (the server's "
                                "`max_reply_bytes`); absent when only consistency cut.")
    size: int | None = Field(
        None, ge=0, description="Bytes the whole trace would have had; absent with `cap`.")
    parts: list[CutPart] = Field(description="Each cut, in the order it was made.")
