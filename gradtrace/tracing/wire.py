"""The trace's JSON format (``"format": 5``): compact on the wire, expanded by its readers.

A 24-layer encoder's trace holds ~1,800 nodes, ~3,000 tensors and ~3,600 events; written
out naively (every tensor inline, every field present) that was 1.4 kB a node. The format
says each thing once:

* ``tensors`` is a table; everywhere else a tensor is its index in it. An entry is
  ``{"shape", "dtype"?, "stats": [min, max, mean, std, norm] | null, "values"?}``:
  ``dtype`` is left out for ``float32``, ``values`` (nested lists) is there only for
  tensors of at most ``max_values`` elements. NaN and infinity are the strings ``"nan"``,
  ``"inf"``, ``"-inf"``. ``layout`` is there only for a tensor that is not dense
  (``"sparse_coo"``, ``"sparse_csr"``, ..., ``"jagged"``, ``"nested"``): its values and stats
  are those of the dense tensor it stands for (a sparse tensor's zeros included).
  ``tangent`` is there only for a dual tensor of forward-mode AD (made or computed inside
  ``fwAD.dual_level()``): the index of the entry of the tangent it carried (its
  Jacobian-vector product), which no backward event shows. In the long form it is that
  entry itself.
* ``graph.nodes[i]`` is node ``i`` (ids are positions): ``op`` and ``inputs`` (edge ids
  aligned with ``grad_fn.next_functions``, null for an input that needs no gradient) are
  always present; ``value``, ``grad`` (a leaf's final ``.grad``), ``shape`` and ``dtype``
  (only when no value shows them), ``label``, ``line``, ``module_call``, ``saved``
  (``{name: tensor}``) and ``created_in_call`` are omitted when null or empty. A node is a
  leaf exactly when its op is ``AccumulateGrad``. ``created_in_call`` is the backward call
  that made the node: one with ``create_graph=True``, or one during which a reentrant
  checkpoint ran its segment again (its own backward through it is the next call, listed
  while the outer one runs). ``"recomputed": true`` (else omitted)
  marks a node made inside a non-reentrant ``torch.utils.checkpoint`` segment: its saved
  tensors were not kept, and backward runs the segment again to recompute them.
* ``module_calls[i]`` is ``{"module", "n", "parent"}``: the ``n``-th forward call of the
  ``nn.Module`` named ``module`` (``layers.3.linear1``), made inside call ``parent`` (null
  for an outermost call). A node's ``module_call`` is the innermost call running when it
  was made; its module is that call's (format 3 added the calls; format 2 had the name).
* ``graph.edges[i]`` is edge ``i`` as ``[source, target]`` (data-flow direction).
* ``events`` is the timeline. An integer ``n`` stands for the forward events of the next
  ``n`` nodes in id order (each node appears once, in the order the program created it);
  an object is a backward event: ``{"call", "node", "grad_outputs", "grad_inputs"}`` plus
  ``leaf_grad`` for a leaf and ``"captured": true`` for a gradient ``autograd.grad``
  returned for one of its inputs. ``grad_inputs`` is aligned with the node's ``inputs``.
  An object with ``grad_write`` is the program writing into a leaf's ``.grad``:
  ``{"grad_write": node, "line", "op", "grad"}``, ``op`` being ``"set"`` for
  ``leaf.grad = value`` or the in-place method (``"zero_"``), ``grad`` the ``.grad`` it left
  (null for None). Format 4 added these; ``optimizer.zero_grad()`` makes one per parameter.
  An object with ``hook`` is one run of a tensor hook the program registered, during
  backward call ``call``: ``{"hook": node, "call", "line", "name", "grad", "result"}``,
  ``line`` being where it was registered, ``grad`` the gradient it got and ``result`` the
  one it returned in its place (null: it returned None, the gradient went on unchanged).
  It comes right before the node's own backward event. Format 4 added these too.
  An object with ``module_hook`` (the module's name) is one run of an ``nn.Module`` hook the
  program registered: ``{"module_hook", "kind", "line", "name", "call", "got", "result"}``,
  ``kind`` one of "forward pre-hook", "forward hook", "backward pre-hook", "backward hook",
  ``call`` the backward call it ran in (null for forward hooks), ``got`` the tensors it was
  handed (inputs, output, gradients; at most 8) and ``result`` those it returned (null: None).
  An object with ``node_hook`` is one run of a hook the program registered on a graph node
  (``grad_fn.register_hook`` / ``register_prehook``), during backward call ``call``:
  ``{"node_hook": node, "kind", "call", "line", "name", "grad_outputs", "grad_inputs",
  "result"}``, ``kind`` being "prehook" (it got the gradients arriving at the node; null
  ``grad_inputs``) or "hook" (it also got what the node sends to its inputs), ``result``
  the gradients it returned in their place (null: None). The node's hooks' runs come before
  its own backward event, which shows the gradients after every hook. Format 5 added these.
  An object with ``saved_hook`` is one run of a saved-tensor hook the program passed to
  ``torch.autograd.graph.saved_tensors_hooks(pack, unpack)``: ``{"saved_hook": "pack" |
  "unpack", "line", "name", "call", "tensor", "result"}``, ``line`` being where the hooks
  were given, ``tensor`` what the hook got (for pack, the tensor autograd saves; null when
  not a tensor) and ``result`` what it returned (null when not a tensor). A pack runs in
  the forward pass while the op that saves the tensor runs, so it comes before that op's
  forward event (``call`` null); an unpack runs in backward call ``call``, before the
  backward event of the node that needed the tensor.
* ``files`` (only in traces of your own code: ``gradtrace.trace()``, ``gradtrace run``) is
  ``[{"path", "source"}]``, the files the traced lines are in, the first being the one
  that opened the trace. Then any object with a ``line`` (a node, an event, a call, the
  error) may carry ``file``, the index of its file in ``files``, left out when 0. A
  playground trace has neither: its one program is the editor's text.
* ``variables``, ``calls``, ``stdout``, ``warnings``, ``error`` and ``ok`` are as before. A
  variable's ``grad`` is its ``.grad`` at the end, a non-leaf's too when it has one (it
  called ``retain_grad()``, or the program set it).
* ``collections`` (left out when empty) is ``{name: {key: tensor}}``: the tensors one level
  inside each top-level dict (string keys), list or tuple of the program's, keyed by the
  dict key or the index as a string (``per_sample["weight"]``: torch.func's per-sample
  gradients, which no variable holds). Names starting with ``_`` are skipped; at most 32
  names of at most 16 tensors each. In the long form it is always present, tensors inline.

:func:`expand` turns a trace back into the long form (every tensor inline, every field
present, each node's ``module`` name and ``module_call`` filled in); it is the reference
reader, mirrored by the page's ``gradtrace/static/js/wire.js``.
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
