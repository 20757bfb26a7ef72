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
6. ``nodes``: graph nodes from the last made, with their edges and the events about them; what
   stays is the graph as it stood after the first n ops (nodes);
7. ``trace``: the last resort, a trace with no graph whose error says the reply was too large.

Tensor entries nothing points at any more are dropped after steps 5 and 6 (indices are
renumbered, in order). The cut is the trace's ``reply_cut`` (gradtrace.tracing.schema): the
cap, the size the whole trace had, and per step what was kept and what was dropped. The same
trace and cap always give the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from gradtrace.tracing.errors import error_object
from gradtrace.tracing.references import (
    EVENT_NODE_KEYS,
    Slot,
    compact_tensors,
    event_slots,
    named_slots,
    node_slots,
)
from gradtrace.tracing.wire import FORMAT, dumps

__all__ = ["DEFAULT_MAX_REPLY_BYTES", "MIN_REPLY_BYTES", "fit"]

DEFAULT_MAX_REPLY_BYTES = 5_000_000
# The smallest cap allowed: the last resort (an error, 1 KiB of output) must fit.
MIN_REPLY_BYTES = 16_384
_TEXT_KEEP = 4096
_STRING_KEEP = 256
# what a step adds itself (its entry in reply_cut, a null for a dropped node id, ...)
_SLACK = 512

# cut by their own steps (and the table holds no text)
_TEXTS = ("stdout", "warnings", "tensors", "reply_cut")

Part = dict[str, Any]
Step = Callable[[dict[str, Any], int], Part | None]


def _size(value: Any) -> int:
    return len(dumps(value))


def _head(text: str, size: int) -> str:
    """The first ``size`` bytes of ``text`` in UTF-8, never half a character."""
    return text.encode("utf-8", "replace")[:size].decode("utf-8", "ignore")


def _bytes(text: str) -> int:
    return len(text.encode("utf-8", "replace"))


def _cut_stdout(trace: dict[str, Any], need: int) -> Part | None:
    before = _bytes(trace["stdout"])
    keep = max(_TEXT_KEEP, before - need)
    if before <= keep:
        return None
    trace["stdout"] = _head(trace["stdout"], keep)
    after = _bytes(trace["stdout"])
    return {"part": "stdout", "unit": "bytes", "kept": after, "dropped": before - after}


def _cut_warnings(trace: dict[str, Any], need: int) -> Part | None:
    texts: list[str] = trace["warnings"]
    before = sum(_bytes(text) for text in texts)
    room = max(_TEXT_KEEP, before - need)
    if before <= room:
        return None
    kept: list[str] = []
    for text in texts:
        if room <= 0:
            break
        kept.append(_head(text, room))
        room -= _bytes(kept[-1])
    trace["warnings"] = kept
    after = sum(_bytes(text) for text in kept)
    return {"part": "warnings", "unit": "bytes", "kept": after, "dropped": before - after}


class _Shortener:
    """Shortens every long string of a JSON value in place, keys too (kept distinct)."""

    def __init__(self) -> None:
        self.kept = 0
        self.dropped = 0

    def text(self, text: str) -> str:
        if len(text) <= _STRING_KEEP:
            return text
        short = text[:_STRING_KEEP] + "\u2026"
        self.kept += _bytes(short)
        self.dropped += _bytes(text) - _bytes(short)
        return short

    def walk(self, value: Any) -> Any:
        """``value`` with its long strings shortened; containers are changed in place."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, (str, list, dict)):
                    value[index] = self.walk(item)
        elif isinstance(value, dict):
            for key, item in value.items():
                if isinstance(item, (str, list, dict)):
                    value[key] = self.walk(item)
            if any(len(key) > _STRING_KEEP for key in value):
                self._shorten_keys(value)
        return value

    def _shorten_keys(self, owner: dict[str, Any]) -> None:
        """Shorten the long keys of ``owner``, in order; two with the same start get ``…2``."""
        taken = {key for key in owner if len(key) <= _STRING_KEEP}
        items: list[tuple[str, Any]] = []
        for key, item in owner.items():
            short, n = self.text(key), 1
            while short != key and short in taken:
                n += 1
                short = f"{key[:_STRING_KEEP]}\u2026{n}"
            taken.add(short)
            items.append((short, item))
        owner.clear()
        owner.update(items)


def _cut_strings(trace: dict[str, Any], need: int) -> Part | None:
    shortener = _Shortener()
    for key, value in trace.items():
        if key not in _TEXTS:
            trace[key] = shortener.walk(value)
    if not shortener.dropped:
        return None
    return {"part": "strings", "unit": "bytes", "kept": shortener.kept,
            "dropped": shortener.dropped}


def _drop_values(trace: dict[str, Any], need: int) -> Part | None:
    """Drop listed values, the largest first (ties: the later entry), until ``need`` is met."""
    table = trace["tensors"]
    listed = [(_size(entry["values"]), index) for index, entry in enumerate(table)
              if "values" in entry]
    if not listed:
        return None
    freed = dropped = 0
    for size, index in sorted(listed, reverse=True):
        if freed >= need:
            break
        del table[index]["values"]
        freed += size + len(',"values":')
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
        return _size(item) + 1 + sum(_size(self.table[t]) + 1 for t in own)


def _cut_events(trace: dict[str, Any], need: int) -> Part | None:
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


def _cut_nodes(trace: dict[str, Any], need: int) -> Part | None:
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


_STEPS: tuple[Step, ...] = (_cut_stdout, _cut_warnings, _cut_strings, _drop_values,
                            _cut_events, _cut_nodes)


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
            body = dumps(trace)
        if len(body) <= cap:
            return body
    return dumps(too_large(trace, cap, size, parts))


def too_large(trace: dict[str, Any], cap: int, size: int, parts: list[Part]) -> dict[str, Any]:
    """The last resort: no graph, 1 KiB of output, an error that says why."""
    program = trace.get("error")
    ended = "" if program is None else (
        f" The program itself ended with {program['type']}: {program['message'][:200]}")
    message = (f"The trace would have been {size:,} bytes, more than a reply may hold "
               f"({cap:,} bytes), even with its output, values, events and nodes cut.{ended}")
    error = error_object("output_limit", "ReplyTooLarge", message, None,
                         "Make the program smaller: fewer ops, fewer backward calls.")
    stdout = _head(trace["stdout"], 1024)
    dropped = {"part": "trace", "unit": "bytes", "kept": 0, "dropped": size}
    return {"format": FORMAT, "ok": False, "tensors": [], "graph": {"nodes": [], "edges": []},
            "variables": {}, "events": [], "calls": [], "module_calls": [], "stdout": stdout,
            "warnings": [], "error": error,
            "reply_cut": {"cap": cap, "size": size, "parts": [*parts, dropped]}}
