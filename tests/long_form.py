"""Traces in the long form, which most tests read: every tensor inline, every field present.

The tracer and the API produce format 5 (``gradtrace.tracing.wire``), where tensors are indices
into a table and defaults are left out. Tests that check values and gradients against
PyTorch read the expanded form through these helpers, so every such test also exercises
the format's reference reader, ``expand``, on the JSON actually sent.
"""

from __future__ import annotations

from typing import Any

import httpx
import orjson

from gradtrace.tracing import trace_source
from gradtrace.tracing.wire import dumps, expand

__all__ = ["long_json", "trace_long"]


def trace_long(source: str, **kwargs: Any) -> dict[str, Any]:
    """``trace_source``, sent through JSON and expanded."""
    return expand(orjson.loads(dumps(trace_source(source, **kwargs))))


def long_json(response: httpx.Response) -> dict[str, Any]:
    """An API trace response, expanded."""
    return expand(response.json())
