"""The byte budget's cuts of the recording: listed values, events, nodes.

Steps of :func:`gradtrace.tracing.budget.fit` (its docstring gives their order). Each takes
the trace and how many bytes it should free, cuts the least it can that frees them, keeps
the trace self-consistent (tensor entries nothing points at any more are dropped and the rest
renumbered, gradtrace.tracing.references), and returns what it cut, or None when there is
nothing left for it to cut.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any

from gradtrace.tracing.budget_text import Part, size
from gradtrace.tracing.references import (
    EVENT_NODE_KEYS,
    Slot,
    compact_tensors,
    event_slots,
    named_slots,
    node_slots,
)

__all__ = ["cut_events", "cut_nodes", "drop_values"]


def drop_values(trace: dict[str, Any], need: int) -> Part | None:
    """Drop listed values, the largest first (ties: the later entry), until ``need`` is met.

    An entry's values are taken to cost the table's average bytes per value (one
    serialisation of them all, rather than one per entry: 40,000 entries took 0.4 s); a
    shortfall only means the step runs again.
    """
    table = trace["tensors"]
    listed = [(math.prod(entry["shape"]) or 1, index) for index, entry in enumerate(table)
              if "values" in entry]
    if not listed:
        return None
    per_value = size([table[index]["values"] for _, index in listed]) / sum(
        count for count, _ in listed)
    freed = dropped = 0
    for count, index in sorted(listed, reverse=True):
        if freed >= need:
            break
        del table[index]["values"]
        freed += int(count * per_value) + len(',"values":')
        dropped += 1
    return {"part": "values", "unit": "tensors", "kept": len(listed) - dropped,
            "dropped": dropped}


def _pinned(trace: dict[str, Any], *slot_lists: Iterable[Slot]) -> set[int]:
    """Tensor indices that stay whatever the step drops: tangents and the given slots."""
    pinned = {entry["tangent"] for entry in trace["tensors"] if "tangent" in entry}
    for slots in slot_lists:
        pinned.update(container[key] for container, key in slots)
    return pinned


class _Suffix:
    """Bytes freed by dropping items from the end of a list, their own tensor entries too.

    An entry is an item's own when the item is the first of the list to use it and nothing
    that stays (``pinned``) does: once that item is dropped, so is the entry.
    """

    def __init__(self, trace: dict[str, Any], items: list[Any],
                 slots_of: Callable[[Any], Iterable[Slot]], pinned: set[int]) -> None:
        self.table, self.items, self.slots_of = trace["tensors"], items, slots_of
        self.first: dict[int, int] = {}
        for index, item in enumerate(items):
            for container, key in slots_of(item):
                if container[key] is not None and container[key] not in pinned:
                    self.first.setdefault(container[key], index)

    def freed(self, index: int) -> int:
        item = self.items[index]
        own = {container[key] for container, key in self.slots_of(item)
               if self.first.get(container[key]) == index}
        return size(item) + 1 + sum(size(self.table[t]) + 1 for t in own)


def cut_events(trace: dict[str, Any], need: int) -> Part | None:
    """Drop the last events that are objects (forward runs stay) until ``need`` is met."""
    events: list[Any] = trace["events"]
    pinned = _pinned(trace, named_slots(trace),
                     (slot for node in trace["graph"]["nodes"] for slot in node_slots(node)))
    suffix = _Suffix(trace, events, event_slots, pinned)
    objects = [i for i, event in enumerate(events) if not isinstance(event, int)]
    freed = 0
    cut: set[int] = set()
    for index in reversed(objects):
        if freed >= need:
            break
        cut.add(index)
        freed += suffix.freed(index)
    if not cut:
        return None
    trace["events"] = [event for i, event in enumerate(events) if i not in cut]
    compact_tensors(trace)
    return {"part": "events", "unit": "events", "kept": len(objects) - len(cut),
            "dropped": len(cut)}


def _edge_bytes(edge: tuple[int, int]) -> int:
    """``[source,target],`` in JSON."""
    return len(str(edge[0])) + len(str(edge[1])) + 4


def cut_nodes(trace: dict[str, Any], need: int) -> Part | None:
    """Keep the first ``k`` nodes, the fewest dropped that meet ``need``."""
    nodes, edges = trace["graph"]["nodes"], trace["graph"]["edges"]
    need += 4 * len(trace["variables"])  # a dropped node's id becomes null
    pinned = _pinned(trace, named_slots(trace),
                     (slot for event in trace["events"] for slot in event_slots(event)))
    suffix = _Suffix(trace, nodes, node_slots, pinned)
    keep, freed = len(nodes), 0
    while keep > 0 and freed < need:
        keep -= 1
        freed += suffix.freed(keep) + sum(_edge_bytes(edges[edge]) for edge in
                                          nodes[keep]["inputs"] if edge is not None)
    if keep == len(nodes):
        return None
    _keep_nodes(trace, keep)
    compact_tensors(trace)
    return {"part": "nodes", "unit": "nodes", "kept": keep, "dropped": len(nodes) - keep}


def _keep_nodes(trace: dict[str, Any], keep: int) -> None:
    """The trace as it would be with only nodes ``0 .. keep-1`` (ids are post-order)."""
    graph = trace["graph"]
    old_edges = graph["edges"]
    kept_edges = [i for i, (_, target) in enumerate(old_edges) if target < keep]
    new_edge = {old: new for new, old in enumerate(kept_edges)}
    graph["nodes"] = graph["nodes"][:keep]
    graph["edges"] = [old_edges[i] for i in kept_edges]
    for node in graph["nodes"]:
        node["inputs"] = [None if edge is None else new_edge[edge] for edge in node["inputs"]]
    for variable in trace["variables"].values():
        if variable["node"] is not None and variable["node"] >= keep:
            variable["node"] = None
    trace["events"] = _events_within(trace["events"], keep)
    if trace.get("diagnostics") is not None:
        trace["diagnostics"] = [d for d in trace["diagnostics"] if _within(d, keep)]
    for flow in trace.get("grad_flow") or []:
        for module in flow["modules"]:
            module["parameters"] = [p for p in module["parameters"] if p["node"] < keep]


def _within(diagnostic: dict[str, Any], keep: int) -> bool:
    nodes = [diagnostic.get("node"), *(item["node"] for item in diagnostic.get("inputs") or [])]
    return all(node is None or node < keep for node in nodes)


def _events_within(events: list[Any], keep: int) -> list[Any]:
    """The events about nodes below ``keep``; forward runs stop at node ``keep``."""
    kept: list[Any] = []
    forward = 0
    for event in events:
        if isinstance(event, int):
            run = min(event, keep - forward)
            forward += run
            if run > 0:
                kept.append(run)
        elif all(event[key] < keep for key in EVENT_NODE_KEYS if key in event):
            kept.append(event)
    return kept


def cut_tail(key: str) -> Callable[[dict[str, Any], int], Part | None]:
    """The step that drops entries of the list ``trace[key]`` from the end (grad_flow,
    diagnostics: one or more per backward call, so a long training loop makes many)."""

    def cut(trace: dict[str, Any], need: int) -> Part | None:
        items = trace.get(key) or []
        keep, freed = len(items), 0
        while keep > 0 and freed < need:
            keep -= 1
            freed += size(items[keep]) + 1
        if keep == len(items):
            return None
        trace[key] = items[:keep]
        compact_tensors(trace)  # a diagnostic names the values of its node's inputs
        return {"part": key, "unit": "entries", "kept": keep, "dropped": len(items) - keep}

    return cut


def _named_calls(trace: dict[str, Any]) -> Iterable[Any]:
    """Every backward call index something in the trace names."""
    yield from (node.get("created_in_call") for node in trace["graph"]["nodes"])
    yield from (event.get("call") for event in trace["events"] if isinstance(event, dict))
    for item in (*(trace.get("diagnostics") or []), *(trace.get("grad_flow") or [])):
        yield item.get("call")


def cut_calls(trace: dict[str, Any], need: int) -> Part | None:
    """Drop backward calls from the end that nothing left in the trace names."""
    calls = trace["calls"]
    named = 1 + max((call for call in _named_calls(trace) if call is not None), default=-1)
    keep, freed = len(calls), 0
    while keep > named and freed < need:
        keep -= 1
        freed += size(calls[keep]) + 1
    if keep == len(calls):
        return None
    trace["calls"] = calls[:keep]
    return {"part": "calls", "unit": "calls", "kept": keep, "dropped": len(calls) - keep}
