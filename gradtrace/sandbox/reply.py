"""What the sandbox hands back: the trace as JSON bytes, plus the two facts the server logs.

Workers serialise the trace themselves, whole (every reference in it holds) and within the
byte cap (``max_reply_bytes``, cut as ``gradtrace.tracing.budget`` says); the server passes
the bytes through untouched, so a multi-megabyte trace is never parsed and re-encoded on the
event loop.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from gradtrace.tracing import dumps
from gradtrace.tracing.budget import fit
from gradtrace.tracing.consistency import consistent

__all__ = ["TraceReply"]


@dataclass(frozen=True)
class TraceReply:
    """A finished trace: ``body`` is the response JSON; outcome and nodes feed logs/metrics."""

    body: bytes
    outcome: str
    nodes: int

    @classmethod
    def from_result(cls, result: dict[str, Any], max_bytes: int | None = None) -> TraceReply:
        """Serialise a trace dict (the worker's own, or a failure made by the server).

        With ``max_bytes`` (the worker's replies), the trace is first checked for references
        out of step (gradtrace.tracing.consistency) and then cut to fit the byte cap
        (gradtrace.tracing.budget); either may change ``result`` in place.
        """
        if max_bytes is None:
            body = dumps(result)
        else:
            result = consistent(result)
            body = fit(result, max_bytes)
        error = result.get("error")
        return cls(
            body=body,
            outcome=error["kind"] if error else "ok",
            nodes=len(result["graph"]["nodes"]),
        )

    def meta(self) -> bytes:
        """The small header a worker sends before the body."""
        return orjson.dumps({"outcome": self.outcome, "nodes": self.nodes})

    @classmethod
    def from_wire(cls, meta: bytes, body: bytes) -> TraceReply:
        """Rebuild a reply from a worker's header and body."""
        fields = orjson.loads(meta)
        return cls(body=body, outcome=str(fields["outcome"]), nodes=int(fields["nodes"]))

    def result(self) -> dict[str, Any]:
        """The trace as a dict (tests and the CLI; the server never needs it)."""
        parsed: dict[str, Any] = orjson.loads(self.body)
        return parsed
