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


class _Refs:
    """Every reference of a trace, by the table it points into, gathered in one pass.

    Runs on every reply the worker sends, so it reads each node and event once, into flat
    lists checked with ``min``/``max`` (a walk of generators cost as much as the JSON).
    """

    def __init__(self, trace: dict[str, Any]) -> None:
        self.tensors: list[Any] = [e["tangent"] for e in trace["tensors"] if "tangent" in e]
        self.nodes: list[Any] = [end for edge in trace["graph"]["edges"] for end in edge]
        self.edges: list[Any] = []
        self.calls: list[Any] = []
        self.module_calls: list[Any] = [call["parent"] for call in trace["module_calls"]]
        for node in trace["graph"]["nodes"]:
            self._node(node)
        tensors, nodes, calls = self.tensors, self.nodes, self.calls
        for event in trace["events"]:
            if type(event) is not dict:
                continue
            if "node" in event:  # a backward event, most of them: its keys read directly
                nodes.append(event["node"])
                calls.append(event["call"])
                tensors += event["grad_outputs"]
                tensors += event["grad_inputs"]
                tensors.append(event.get("leaf_grad"))
            else:
                self._event(event)
        self._named(trace)

    def _node(self, node: dict[str, Any]) -> None:
        get = node.get
        self.tensors += (get("value"), get("grad"))
        saved = get("saved")
        if saved:
            self.tensors += saved.values()
        self.edges += node["inputs"]
        self.calls.append(get("created_in_call"))
        self.module_calls.append(get("module_call"))

    def _event(self, event: dict[str, Any]) -> None:
        for key, value in event.items():
            if key in _TENSOR_KEYS:
                if type(value) is list:
                    self.tensors += value
                else:
                    self.tensors.append(value)
            elif key in _NODE_KEYS:
                self.nodes.append(value)
            elif key == "call":
                self.calls.append(value)

    def _named(self, trace: dict[str, Any]) -> None:
        self.tensors += [container[key] for container, key in named_slots(trace)]
        self.nodes += [variable.get("node") for variable in trace["variables"].values()]
        for diagnostic in trace.get("diagnostics") or []:
            self.nodes.append(diagnostic.get("node"))
            self.nodes += [item["node"] for item in diagnostic.get("inputs") or []]
            self.calls.append(diagnostic.get("call"))
        for flow in trace.get("grad_flow") or []:
            self.calls.append(flow["call"])
            self.nodes += [parameter["node"] for module in flow["modules"]
                           for parameter in module["parameters"]]


_TENSOR_KEYS = frozenset(_EVENT_TENSOR_KEYS)
_NODE_KEYS = frozenset(EVENT_NODE_KEYS)


def _outside(refs: list[Any], size: int) -> Any:
    """The first reference that is not an index below ``size`` (None: all are)."""
    present = [ref for ref in refs if ref is not None]
    if not present:
        return None
    try:
        if min(present) >= 0 and max(present) < size:
            return None
    except TypeError:  # not all numbers: found below
        pass
    return next(ref for ref in present if not (type(ref) is int and 0 <= ref < size))


def broken_reference(trace: dict[str, Any]) -> str | None:
    """What in ``trace`` points outside its own tables, said in a few words; None if nothing."""
    refs = _Refs(trace)
    nodes = trace["graph"]["nodes"]
    checks = [("tensor", refs.tensors, len(trace["tensors"])), ("node", refs.nodes, len(nodes)),
              ("edge", refs.edges, len(trace["graph"]["edges"])),
              ("backward call", refs.calls, len(trace["calls"])),
              ("module call", refs.module_calls, len(trace["module_calls"]))]
    for what, found, size in checks:
        bad = _outside(found, size)
        if bad is not None:
            return f"{what} {bad!r} of {size}"
    forward = sum(item for item in trace["events"] if type(item) is int)
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
