"""Every place a trace points into itself, found in one walk: checked, renumbered, dropped.

A trace is a set of tables that point into each other (gradtrace.tracing.wire): a node's
``value`` is an index into ``tensors``, an edge's ends are node ids, a node's ``inputs`` are
edge ids, an event names its node and its backward call. A reader trusts those indices, so a
reply whose parts are out of step (a node naming tensor 900 of a table of 800) breaks it.
This module is the one list of those places: :func:`broken_reference` checks them before a
reply leaves the worker, and :func:`compact_tensors` renumbers the tensor table after the
byte budget (gradtrace.tracing.budget) dropped what pointed at some entries.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

__all__ = ["EVENT_NODE_KEYS", "broken_reference", "compact_tensors", "event_slots",
           "named_slots", "node_slots", "tensor_slots"]

Slot = tuple[Any, Any]
"""``(container, key)``: ``container[key]`` holds a tensor index (or None)."""

# keys of an event object that hold a tensor index, or a list of them
_EVENT_TENSOR_KEYS = ("grad", "result", "tensor", "leaf_grad", "grad_outputs", "grad_inputs",
                      "got")
# the key that names an event's node, by kind (module_hook and saved_hook name none)
EVENT_NODE_KEYS = ("node", "hook", "node_hook", "grad_write")


def _event_slots(event: dict[str, Any]) -> Iterator[Slot]:
    for key in _EVENT_TENSOR_KEYS:
        if key not in event:
            continue
        value = event[key]
        if isinstance(value, list):
            yield from ((value, i) for i in range(len(value)))
        else:
            yield event, key


def node_slots(node: dict[str, Any]) -> Iterator[Slot]:
    """The tensor indices of one node: its value, a leaf's grad, its saved tensors."""
    for key in ("value", "grad"):
        if key in node:
            yield node, key
    saved = node.get("saved")
    if saved:
        yield from ((saved, name) for name in saved)


def event_slots(event: Any) -> Iterator[Slot]:
    """The tensor indices of one timeline entry (a forward run has none)."""
    if isinstance(event, dict):
        yield from _event_slots(event)


def named_slots(trace: dict[str, Any]) -> Iterator[Slot]:
    """The tensor indices of what the program's names hold, and of the diagnostics."""
    for variable in trace["variables"].values():
        yield variable, "value"
        if "grad" in variable:
            yield variable, "grad"
    for items in (trace.get("collections") or {}).values():
        yield from ((items, key) for key in items)
    for diagnostic in trace.get("diagnostics") or []:
        for item in diagnostic.get("inputs") or []:
            yield item, "value"


def tensor_slots(trace: dict[str, Any]) -> Iterator[Slot]:
    """Every place that holds a tensor index, tensor entries' own ``tangent`` included."""
    for entry in trace["tensors"]:
        if "tangent" in entry:
            yield entry, "tangent"
    for node in trace["graph"]["nodes"]:
        yield from node_slots(node)
    yield from named_slots(trace)
    for event in trace["events"]:
        yield from event_slots(event)


def _node_refs(trace: dict[str, Any]) -> Iterator[Any]:
    """Every node id the trace names outside the graph's own edges."""
    for variable in trace["variables"].values():
        yield variable.get("node")
    for event in trace["events"]:
        if isinstance(event, dict):
            yield from (event[key] for key in EVENT_NODE_KEYS if key in event)
    for diagnostic in trace.get("diagnostics") or []:
        yield diagnostic.get("node")
        yield from (item["node"] for item in diagnostic.get("inputs") or [])
    for flow in trace.get("grad_flow") or []:
        for module in flow["modules"]:
            yield from (parameter["node"] for parameter in module["parameters"])


def _call_refs(trace: dict[str, Any]) -> Iterator[Any]:
    for node in trace["graph"]["nodes"]:
        yield node.get("created_in_call")
    for event in trace["events"]:
        if isinstance(event, dict):
            yield event.get("call")
    for item in (*(trace.get("diagnostics") or []), *(trace.get("grad_flow") or [])):
        yield item.get("call")


def _outside(refs: Iterator[Any], size: int) -> Any:
    """The first reference that is not an index below ``size`` (None: all are)."""
    for ref in refs:
        if ref is not None and not (type(ref) is int and 0 <= ref < size):
            return ref
    return None


def broken_reference(trace: dict[str, Any]) -> str | None:
    """What in ``trace`` points outside its own tables, said in a few words; None if nothing."""
    nodes, edges = trace["graph"]["nodes"], trace["graph"]["edges"]
    checks: list[tuple[str, Iterator[Any], int]] = [
        ("tensor", (slot[0][slot[1]] for slot in tensor_slots(trace)), len(trace["tensors"])),
        ("edge end", (end for edge in edges for end in edge), len(nodes)),
        ("node", _node_refs(trace), len(nodes)),
        ("edge", (edge for node in nodes for edge in node["inputs"]), len(edges)),
        ("backward call", _call_refs(trace), len(trace["calls"])),
        ("module call", (node.get("module_call") for node in nodes), len(trace["module_calls"])),
        ("module call", (call["parent"] for call in trace["module_calls"]),
         len(trace["module_calls"])),
    ]
    for what, refs, size in checks:
        bad = _outside(refs, size)
        if bad is not None:
            return f"{what} {bad!r} of {size}"
    forward = sum(item for item in trace["events"] if isinstance(item, int))
    if forward > len(nodes):
        return f"{forward} forward events for {len(nodes)} nodes"
    return None


def compact_tensors(trace: dict[str, Any]) -> int:
    """Drop the tensor entries nothing points at any more and renumber the rest, in order.

    Renumbering keeps the order, so an index never grows (the JSON never gets longer).
    Returns how many entries were dropped.
    """
    table = trace["tensors"]
    used: set[int] = set()
    for container, key in tensor_slots(trace):
        index = container[key]
        while index is not None and index not in used:  # an entry's tangent is used too
            used.add(index)
            index = table[index].get("tangent")
    if len(used) == len(table):
        return 0
    kept = sorted(used)
    new_index = {old: new for new, old in enumerate(kept)}
    trace["tensors"] = [table[old] for old in kept]  # first: their tangents are slots too
    for container, key in tensor_slots(trace):
        if container[key] is not None:
            container[key] = new_index[container[key]]
    return len(table) - len(kept)
