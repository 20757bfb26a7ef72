"""The byte budget: a reply is never larger than its cap, and says what was left out.

Whatever a program does (print for ever, make thousands of big tensors, name a module with a
megabyte of text), the JSON the server sends stays within ``max_reply_bytes``. When the whole
trace does not fit, :func:`fit` cuts it, least valuable part first, each part only as far as
needed, and re-serialises; the steps, in order:

1. ``stdout``: the program's output, down to its first 4 KiB (bytes);
2. ``warnings``: the warnings past the first 4 KiB of them (bytes);
3. ``strings``: any other text longer than 256 characters (names, messages), shortened (bytes);
4. ``values``: the listed values of tensor entries, largest first; their statistics stay, and
   readers show such an entry as truncated, as they do a big tensor's (tensors);
5. ``events``: timeline events from the end (backward steps, hooks, ``.grad`` writes); every
   node keeps its forward event (events);
6. ``grad_flow`` and 7. ``diagnostics``: their entries from the end (entries);
8. ``calls``: the backward calls, from the end, that nothing left names (calls);
9. ``nodes``: graph nodes from the last made, with their edges and the events about them; what
   stays is the graph as it stood after the first n ops (nodes);
10. ``trace``: the last resort, a trace with no graph whose error says the reply was too large.

Tensor entries nothing points at any more are dropped after steps 5 to 9 (indices are
renumbered, in order). The cut is the trace's ``reply_cut`` (gradtrace.tracing.schema_reply):
the cap, the size the whole trace had, and per step what was kept and what was dropped. The
same trace and cap always give the same bytes. The steps are in ``budget_text`` (1-3) and
``budget_graph`` (4-9).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gradtrace.tracing.budget_graph import (
    cut_calls,
    cut_events,
    cut_nodes,
    cut_tail,
    drop_values,
)
from gradtrace.tracing.budget_text import Part, cut_stdout, cut_strings, cut_warnings, head
from gradtrace.tracing.errors import error_object
from gradtrace.tracing.wire import FORMAT, dumps

__all__ = ["DEFAULT_MAX_REPLY_BYTES", "MIN_REPLY_BYTES", "fit", "too_large"]

DEFAULT_MAX_REPLY_BYTES = 5_000_000
# The smallest cap allowed: the last resort (an error, 1 KiB of output) must fit.
MIN_REPLY_BYTES = 16_384
# what a step adds itself (its entry in reply_cut, a null for a dropped node id, ...)
_SLACK = 512

Step = Callable[[dict[str, Any], int], Part | None]
_STEPS: tuple[Step, ...] = (
    cut_stdout, cut_warnings, cut_strings, drop_values, cut_events,
    cut_tail("grad_flow"), cut_tail("diagnostics"), cut_calls, cut_nodes)


def _merge(parts: list[Part], part: Part) -> None:
    """Record a step; a step run again adds to what it dropped before."""
    for old in parts:
        if old["part"] == part["part"]:
            old["kept"] = part["kept"]
            old["dropped"] += part["dropped"]
            return
    parts.append(part)


def fit(trace: dict[str, Any], cap: int) -> bytes:
    """``trace`` as JSON of at most ``cap`` bytes, cut as the module docstring says.

    ``trace`` is changed in place when it does not fit (the worker sends it and exits).

    Raises:
        ValueError: ``cap`` is below :data:`MIN_REPLY_BYTES`.
    """
    if cap < MIN_REPLY_BYTES:
        raise ValueError(f"a reply cap must be at least {MIN_REPLY_BYTES} bytes, not {cap}")
    body = dumps(trace)
    if len(body) <= cap:
        return body
    size = len(body)
    cut = trace.setdefault("reply_cut", {"parts": []})  # a consistency cut may be there
    cut.update(cap=cap, size=size)
    parts: list[Part] = cut["parts"]
    for step in _STEPS:
        while len(body) > cap:
            part = step(trace, len(body) - cap + _SLACK)
            if part is None:
                break
            _merge(parts, part)
            smaller = dumps(trace)
            shrank = len(smaller) < len(body)
            body = smaller
            if not shrank:  # a step that frees nothing would loop for ever: the next step
                break
        if len(body) <= cap:
            return body
    last = too_large(trace, cap, size, parts)
    trace.clear()  # what is sent is what the caller reads back (the worker's header)
    trace.update(last)
    return dumps(trace)


def too_large(trace: dict[str, Any], cap: int, size: int, parts: list[Part]) -> dict[str, Any]:
    """The last resort: no graph, 1 KiB of output, an error that says why."""
    program = trace.get("error")
    ended = "" if program is None else (
        f" The program itself ended with {program['type']}: {program['message'][:200]}")
    message = (f"The trace would have been {size:,} bytes, more than a reply may hold "
               f"({cap:,} bytes), even with its output, values, events and nodes cut.{ended}")
    error = error_object("output_limit", "ReplyTooLarge", message, None,
                         "Make the program smaller: fewer ops, fewer backward calls.")
    stdout = head(trace["stdout"], 1024)
    dropped = {"part": "trace", "unit": "bytes", "kept": 0, "dropped": size}
    return {"format": FORMAT, "ok": False, "tensors": [], "graph": {"nodes": [], "edges": []},
            "variables": {}, "events": [], "calls": [], "module_calls": [], "stdout": stdout,
            "warnings": [], "error": error,
            "reply_cut": {"cap": cap, "size": size, "parts": [*parts, dropped]}}
