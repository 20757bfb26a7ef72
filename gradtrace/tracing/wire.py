"""The trace's JSON format (``"format": 5``): compact on the wire, expanded by its readers.

One trace is what ``POST /api/v1/trace`` answers, what ``gradtrace.trace()`` saves and what
the page and the tests read. Its one definition is ``gradtrace.tracing.schema`` (JSON Schema:
``docs/trace.schema.json``, ``GET /api/v1/schema``); its history is in ``CHANGELOG.md``.

Why compact: a 24-layer encoder's trace holds ~1,800 nodes and ~3,000 tensors, 1.4 kB a node
written naively. So each tensor is written once, in ``tensors``, and is its index elsewhere;
null and empty fields are left out; a run of forward events is one integer.

:func:`expand` turns a trace back into the long form (every tensor inline, every field
present, each node's ``module`` name and ``module_call`` filled in); it is the reference
reader, and the page's ``gradtrace/static/js/wire.js`` must agree with it
(``tests/browser/test_wire_readers.py``). Top-level fields with no tensor in them, such as
``reply_cut`` (what the server cut to keep a reply within its byte cap), pass through as
they are.
"""

from __future__ import annotations

import math
from typing import Any

import orjson

__all__ = ["DEFAULT_DTYPE", "FORMAT", "LEAF_OP", "dumps", "expand", "expand_tensor"]

FORMAT = 5
LEAF_OP = "AccumulateGrad"
DEFAULT_DTYPE = "float32"
_STATS = ("min", "max", "mean", "std", "norm")


def dumps(trace: dict[str, Any], *, indent: bool = False) -> bytes:
    """The trace as JSON bytes (the tensor table holds numpy arrays: float32 stays short)."""
    option = orjson.OPT_SERIALIZE_NUMPY | (orjson.OPT_INDENT_2 if indent else 0)
    return orjson.dumps(trace, option=option)


def expand_tensor(entry: dict[str, Any]) -> dict[str, Any]:
    """A table entry in the long form: ``values`` (or None), ``truncated``, ``numel``, stats."""
    numel = math.prod(entry["shape"])
    values = entry.get("values")
    view = {"shape": entry["shape"], "dtype": entry.get("dtype", DEFAULT_DTYPE), "values": values,
            "truncated": "values" not in entry, "numel": numel}
    stats = entry.get("stats") or [None] * len(_STATS)
    view.update(zip(_STATS, stats, strict=True))
    if "layout" in entry:
        view["layout"] = entry["layout"]
    return view


def _node(index: int, node: dict[str, Any], tensor: Any,
          calls: list[dict[str, Any]]) -> dict[str, Any]:
    shown = tensor(node.get("value"))
    call = node.get("module_call")
    return _located(node, {
        "id": index,
        "kind": "leaf" if node["op"] == LEAF_OP else "op",
        "op": node["op"],
        "label": node.get("label"),
        "shape": node.get("shape", shown["shape"] if shown else None),
        "dtype": node.get("dtype", shown["dtype"] if shown else None),
        "value": shown,
        "grad": tensor(node.get("grad")),
        "line": node.get("line"),
        "module": None if call is None else calls[call]["module"],
        "module_call": call,
        "saved": [{"name": name, "value": tensor(t)} for name, t in node.get("saved", {}).items()],
        "created_in_call": node.get("created_in_call"),
        "recomputed": node.get("recomputed", False),
        "attrs": node.get("attrs", {}),
        "inputs": node["inputs"],
    })


def _located(compact: dict[str, Any], long: dict[str, Any]) -> dict[str, Any]:
    """``long`` with the compact record's ``file``, when it has one (``files``)."""
    if "file" in compact:
        long["file"] = compact["file"]
    return long


def _tensors(tensor: Any, indices: list[int | None] | None) -> list[Any] | None:
    return None if indices is None else [tensor(t) for t in indices]


def _program_event(item: dict[str, Any], tensor: Any) -> dict[str, Any] | None:
    """The long form of an event the program's own code caused (None: a backward event)."""
    event = _program_event_fields(item, tensor)
    return None if event is None else _located(item, event)


def _program_event_fields(item: dict[str, Any], tensor: Any) -> dict[str, Any] | None:
    if "module_hook" in item:
        return {"phase": "module_hook", "module": item["module_hook"], "kind": item["kind"],
                "line": item["line"], "name": item["name"], "call": item["call"],
                "got": _tensors(tensor, item["got"]), "result": _tensors(tensor, item["result"])}
    if "node_hook" in item:
        return {"phase": "node_hook", "call": item["call"], "node": item["node_hook"],
                "kind": item["kind"], "line": item["line"], "name": item["name"],
                "grad_outputs": _tensors(tensor, item["grad_outputs"]),
                "grad_inputs": _tensors(tensor, item["grad_inputs"]),
                "result": _tensors(tensor, item["result"])}
    if "hook" in item:
        return {"phase": "hook", "call": item["call"], "node": item["hook"],
                "line": item["line"], "name": item["name"],
                "grad": tensor(item["grad"]), "result": tensor(item["result"])}
    if "saved_hook" in item:
        return {"phase": "saved_hook", "kind": item["saved_hook"], "line": item["line"],
                "name": item["name"], "call": item["call"], "tensor": tensor(item["tensor"]),
                "result": tensor(item["result"])}
    if "grad_write" in item:
        return {"phase": "grad", "node": item["grad_write"], "line": item["line"],
                "op": item["op"], "grad": tensor(item["grad"])}
    return None


def _events(trace: dict[str, Any], nodes: list[dict[str, Any]], tensor: Any) -> list[Any]:
    events: list[dict[str, Any]] = []
    next_node = 0
    for item in trace["events"]:
        if isinstance(item, int):
            for node in nodes[next_node:next_node + item]:
                event = _located(node, {"phase": "forward", "node": node["id"],
                                        "line": node["line"]})
                if node["created_in_call"] is not None:
                    event["call"] = node["created_in_call"]
                events.append(event)
            next_node += item
            continue
        program = _program_event(item, tensor)
        if program is not None:  # a hook of the program's, or its write into a .grad
            events.append(program)
            continue
        event = {"phase": "backward", "call": item["call"], "node": item["node"]}
        if item.get("captured"):
            event["captured"] = True
        event["grad_outputs"] = [tensor(t) for t in item["grad_outputs"]]
        event["grad_inputs"] = [tensor(t) for t in item["grad_inputs"]]
        event["edges"] = [] if item.get("captured") else nodes[item["node"]]["inputs"]
        if "leaf_grad" in item:
            event["leaf_grad"] = tensor(item["leaf_grad"])
        events.append(event)
    return events


def expand(trace: dict[str, Any]) -> dict[str, Any]:
    """The long form of a parsed trace (every tensor inline, every field present)."""
    entries = trace.get("tensors", [])
    table = [expand_tensor(entry) for entry in entries]
    for entry, view in zip(entries, table, strict=True):
        if "tangent" in entry:
            view["tangent"] = table[entry["tangent"]]

    def tensor(index: int | None) -> dict[str, Any] | None:
        return None if index is None else table[index]

    calls = trace.get("module_calls", [])
    nodes = [_node(i, node, tensor, calls) for i, node in enumerate(trace["graph"]["nodes"])]
    edges = [{"id": i, "source": s, "target": t}
             for i, (s, t) in enumerate(trace["graph"]["edges"])]
    variables = {
        name: {**var, "value": tensor(var["value"]), "grad": tensor(var.get("grad"))}
        for name, var in trace["variables"].items()
    }
    collections = {name: {key: tensor(t) for key, t in items.items()}
                   for name, items in trace.get("collections", {}).items()}
    long = {key: value for key, value in trace.items() if key not in ("tensors", "format")}
    long.update(graph={"nodes": nodes, "edges": edges}, variables=variables, module_calls=calls,
                collections=collections, events=_events(trace, nodes, tensor))
    return long
