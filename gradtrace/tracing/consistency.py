"""A trace whose parts are out of step is replaced by a smaller one whose parts agree.

A limit (the wall clock, the memory cap, an exception the program caught) can stop the
recording in the middle of a write: the tensor table's summarising of pending tensors, say,
after it took them and before it wrote their entries. The table then has holes, every later
index names the wrong entry or none, and a reader fails on the reply (issue 22: a node whose
value pointed past the table, once in five runs of the attack corpus under heavy load).

:func:`consistent` is the last check before a reply is sent. It keeps a trace whose
references all hold (gradtrace.tracing.references); otherwise it drops the tensor table and
everything that points into it (values, gradients, the backward timeline), keeping the graph,
the output and the error; if the graph itself is out of step, it keeps only the output and
the error. Either way ``reply_cut`` says so.
"""

from __future__ import annotations

from typing import Any

from gradtrace.tracing.errors import error_object
from gradtrace.tracing.references import broken_reference

__all__ = ["consistent", "without_tensors"]


def _note(trace: dict[str, Any], part: str, unit: str, dropped: int) -> None:
    cut = trace.setdefault("reply_cut", {"parts": []})
    cut["parts"].append({"part": part, "unit": unit, "kept": 0, "dropped": dropped})


def without_tensors(trace: dict[str, Any]) -> dict[str, Any]:
    """``trace`` without its tensor table and every reference into it (changed in place).

    Nodes keep their op, edges, label and line; each event object holds tensors, so only the
    forward runs stay; variables and collections go; a diagnostic keeps its text.
    """
    _note(trace, "tensors", "tensors", len(trace["tensors"]))
    trace["tensors"] = []
    for node in trace["graph"]["nodes"]:
        for key in ("value", "grad", "saved"):
            node.pop(key, None)
    trace["variables"] = {}
    trace.pop("collections", None)
    trace["events"] = [event for event in trace["events"] if isinstance(event, int)]
    for diagnostic in trace.get("diagnostics") or []:
        for item in diagnostic.get("inputs") or []:
            item["value"] = None
    return trace


def _output_only(trace: dict[str, Any]) -> dict[str, Any]:
    """The trace with no graph at all: its output, warnings and error (or one saying why)."""
    _note(trace, "trace", "nodes", len(trace["graph"]["nodes"]))
    error = trace["error"] or error_object(
        "crash", "TraceIncomplete", "A limit stopped the recording while it was being "
        "written; only the program's output is shown.", None, None)
    kept = {key: trace[key] for key in ("format", "stdout", "warnings", "reply_cut")}
    return {**kept, "ok": False, "tensors": [], "graph": {"nodes": [], "edges": []},
            "variables": {}, "events": [], "calls": [], "module_calls": [], "error": error}


def consistent(trace: dict[str, Any]) -> dict[str, Any]:
    """``trace`` when every reference in it holds, else the largest cut of it that agrees."""
    if broken_reference(trace) is None:
        return trace
    without_tensors(trace)
    if broken_reference(trace) is None:
        return trace
    return _output_only(trace)
