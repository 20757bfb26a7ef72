"""Compare a trace (the tracer's response dict) with the plain PyTorch run of the same program.

Every helper raises AssertionError naming the exact field that disagrees, so a failing test
says what in the tracer to fix.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator
from typing import Any

import numpy as np
import torch

from tests.tracing.oracle import PlainRun

__all__ = [
    "assert_accumulation",
    "assert_calls",
    "assert_error",
    "assert_event_shapes",
    "assert_events",
    "assert_gradient_flow",
    "assert_matches_plain",
    "assert_parameter_grads",
    "assert_same_graph",
    "assert_view",
    "trace_walk",
    "view_tensor",
]

ZEROING = ("zero_()", "zero_grad(", ".grad = None")
RTOL, ATOL = 1e-4, 1e-5


def view_tensor(view: dict[str, Any]) -> torch.Tensor:
    """A TensorView's listed values as a float64 tensor of the view's shape."""
    assert not view["truncated"], "view is a summary"
    if view["dtype"].startswith("complex"):  # listed as [real, imag] pairs
        pairs = torch.tensor(view["values"], dtype=torch.float64).reshape([*view["shape"], 2])
        return torch.view_as_complex(pairs)
    # NaN and infinities are written as the strings "nan", "inf", "-inf"; numpy reads them
    numbers = np.asarray(view["values"], dtype=np.float64)
    return torch.from_numpy(numbers).reshape(view["shape"])


def assert_view(view: dict[str, Any] | None, expected: torch.Tensor | None, what: str) -> None:
    """A TensorView shows ``expected``: values when listed, summary stats when truncated."""
    if expected is None:
        assert view is None, f"{what}: expected None, trace has {view}"
        return
    assert view is not None, f"{what}: trace has None, PyTorch has {expected}"
    assert list(view["shape"]) == list(expected.shape), f"{what}: shape {view['shape']}"
    assert view["dtype"] == str(expected.dtype).removeprefix("torch."), f"{what}: dtype"
    real = expected.detach()
    if real.layout != torch.strided:  # the trace lists a sparse tensor's dense values
        assert view.get("layout") == str(real.layout).removeprefix("torch."), f"{what}: layout"
        real = real.to_dense()
    real = real.to(torch.complex128) if real.is_complex() else real.to(torch.float64)
    if not view["truncated"]:
        ok = torch.allclose(view_tensor(view), real, rtol=RTOL, atol=ATOL, equal_nan=True)
        assert ok, f"{what}: values {view['values']} != {expected.tolist()}"
        return
    if real.is_complex():
        real = real.abs()  # summaries of complex tensors describe magnitudes
    stats = {"min": real.min(), "max": real.max(), "mean": real.mean(), "norm": real.norm()}
    for key, value in stats.items():
        got, want = view[key], value.item()
        if math.isinf(want) or math.isnan(want):  # -inf in a float mask: equal, not close
            assert got == want or (math.isnan(got) and math.isnan(want)), f"{what}.{key}"
            continue
        assert abs(got - want) <= ATOL + RTOL * abs(want), f"{what}.{key}"


def assert_matches_plain(result: dict[str, Any], plain: PlainRun) -> None:
    """Variables, values, leaf grads, walks, stdout, warnings, error and calls."""
    assert set(result["variables"]) == set(plain.variables), "variable names"
    for name, expected in plain.variables.items():
        got = result["variables"][name]
        assert got["requires_grad"] == expected.requires_grad, f"{name}.requires_grad"
        assert got["is_leaf"] == expected.is_leaf, f"{name}.is_leaf"
        assert_view(got["value"], expected.value, f"variables[{name}].value")
        if expected.is_leaf:
            assert_view(got["grad"], expected.grad, f"variables[{name}].grad")
        if expected.ops is not None:
            assert got["node"] is not None, f"variables[{name}].node is null"
            assert trace_walk(result, got["node"]) == (expected.ops, expected.leaves), (
                f"walk from {name}"
            )
    assert_same_graph(result, plain)
    assert result["stdout"] == plain.stdout, "stdout"
    for text in plain.warnings:
        assert any(text in w for w in result["warnings"]), f"warning missing: {text[:80]}"
    assert_error(result, plain)
    assert_calls(result, plain)


def assert_error(result: dict[str, Any], plain: PlainRun) -> None:
    """Same exception type, line and PyTorch message as the plain run."""
    if plain.error is None:
        assert result["ok"] and result["error"] is None, f"unexpected error {result['error']}"
        return
    error = result["error"]
    assert not result["ok"] and error is not None, "trace did not fail"
    syntax = plain.error.type in ("SyntaxError", "IndentationError", "TabError")
    assert error["kind"] == ("syntax" if syntax else "runtime"), "error.kind"
    assert error["type"] == plain.error.type, "error.type"
    assert error["line"] == plain.error.line, "error.line"
    assert plain.error.message.splitlines()[0] in error["message"], "error.message"


def assert_calls(result: dict[str, Any], plain: PlainRun) -> None:
    """One call record per backward()/grad() PyTorch ran, distinct indexes, same lines."""
    calls = result["calls"]
    assert [(c["kind"], c["line"]) for c in calls] == plain.calls, "calls kind/line"
    assert [c["index"] for c in calls] == list(range(len(calls))), "call indexes"
    for event in result["events"]:
        if event["phase"] == "backward":
            assert 0 <= event["call"] < len(calls), "event.call out of range"


def trace_walk(result: dict[str, Any], node_id: int) -> tuple[Counter[str], int]:
    """Op multiset and leaf count reachable from a node, walking the trace's edges back."""
    nodes = {node["id"]: node for node in result["graph"]["nodes"]}
    inputs: dict[int, list[int]] = {}
    for edge in result["graph"]["edges"]:
        inputs.setdefault(edge["target"], []).append(edge["source"])
    ops: Counter[str] = Counter()
    leaves, seen, stack = 0, set(), [node_id]
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        if nodes[current]["kind"] == "leaf":
            leaves += 1
        else:
            ops[nodes[current]["op"]] += 1
        stack.extend(inputs.get(current, []))
    return ops, leaves


def _backward_events(result: dict[str, Any]) -> Iterator[dict[str, Any]]:
    return (e for e in result["events"] if e["phase"] == "backward")


def _multi_output(result: dict[str, Any]) -> set[int]:
    return {e["node"] for e in _backward_events(result) if len(e["grad_outputs"]) > 1}


def _same_shape(view: dict[str, Any] | None, shape: list[int], what: str) -> None:
    if view is not None:
        assert list(view["shape"]) == list(shape), f"{what}: shape {view['shape']} != {shape}"


def assert_event_shapes(result: dict[str, Any]) -> None:
    """grad_outputs have the node's shape; grad_inputs the shape of the edge's source."""
    nodes = {node["id"]: node for node in result["graph"]["nodes"]}
    edges = {edge["id"]: edge for edge in result["graph"]["edges"]}
    multi = _multi_output(result)
    for event in _backward_events(result):
        node = nodes[event["node"]]
        what = f"event(call {event['call']}, node {node['id']} {node['op']})"
        if len(event["grad_outputs"]) == 1:
            _same_shape(event["grad_outputs"][0], node["shape"], f"{what}.grad_outputs[0]")
        assert len(event["grad_inputs"]) == len(event["edges"]), f"{what}: edges vs grad_inputs"
        if node["kind"] == "leaf":
            assert event["grad_inputs"] == [], f"{what}: a leaf sends nothing"
        for index, (grad, edge_id) in enumerate(
            zip(event["grad_inputs"], event["edges"], strict=True)
        ):
            if grad is None or edge_id is None:
                continue
            edge = edges[edge_id]
            assert edge["target"] == node["id"], f"{what}.edges[{index}] targets another node"
            if edge["source"] not in multi:
                source = nodes[edge["source"]]
                _same_shape(grad, source["shape"], f"{what}.grad_inputs[{index}]")


def _arrivals(result: dict[str, Any]) -> dict[tuple[int, int], torch.Tensor]:
    """(call, node) -> sum of the grad_inputs sent to that node along edges in that call."""
    edges = {edge["id"]: edge for edge in result["graph"]["edges"]}
    sums: dict[tuple[int, int], torch.Tensor] = {}
    for event in _backward_events(result):
        for grad, edge_id in zip(event["grad_inputs"], event["edges"], strict=True):
            if grad is None or edge_id is None or grad["truncated"]:
                continue
            key = (event["call"], edges[edge_id]["source"])
            sums[key] = sums.get(key, 0) + view_tensor(grad)
    return sums


def assert_gradient_flow(result: dict[str, Any]) -> None:
    """What a node receives in a call is the sum of what its consumers sent it then."""
    arrivals = _arrivals(result)
    multi = _multi_output(result)
    for event in _backward_events(result):
        key = (event["call"], event["node"])
        got = event["grad_outputs"][0] if len(event["grad_outputs"]) == 1 else None
        if key not in arrivals or event["node"] in multi or got is None or got["truncated"]:
            continue
        ok = torch.allclose(view_tensor(got), arrivals[key], rtol=RTOL, atol=ATOL, equal_nan=True)
        assert ok, f"call {key[0]} node {key[1]}: grad_outputs != sum of incoming grad_inputs"


def _per_call(result: dict[str, Any], node_id: int) -> list[torch.Tensor]:
    """Gradient arriving at one node, one tensor per call that reached it, in call order."""
    return [
        view_tensor(e["grad_outputs"][0])
        for e in _backward_events(result)
        if e["node"] == node_id
        and len(e["grad_outputs"]) == 1
        and e["grad_outputs"][0] is not None
        and not e["grad_outputs"][0]["truncated"]
    ]


def _is_suffix_sum(parts: list[torch.Tensor], total: torch.Tensor, anywhere: bool) -> bool:
    starts = range(len(parts)) if anywhere else range(1)
    return any(
        torch.allclose(sum(parts[k:], torch.zeros_like(total)), total, rtol=RTOL, atol=ATOL,
                       equal_nan=True)
        for k in starts
    )


def assert_accumulation(result: dict[str, Any], plain: PlainRun, source: str) -> None:
    """A leaf's final .grad (and a named intermediate's retained .grad) is the sum of what
    reached its node over the calls (since the last zeroing, when the program zeroes)."""
    zeroes = any(marker in source for marker in ZEROING)
    for node in result["graph"]["nodes"]:
        if node["kind"] != "leaf" or node["grad"] is None or node["grad"]["truncated"]:
            continue
        calls = [e for e in _backward_events(result) if e["node"] == node["id"]]
        parts = _per_call(result, node["id"])
        if parts and all(result["calls"][e["call"]]["kind"] == "backward" for e in calls):
            ok = _is_suffix_sum(parts, view_tensor(node["grad"]), zeroes)
            assert ok, f"leaf node {node['id']} ({node['label']}): .grad != sum of arrivals"
    multi = _multi_output(result)
    for name, grad in plain.retained.items():
        node_id = result["variables"].get(name, {}).get("node")
        if node_id in multi:
            continue  # one of several outputs of its node: arrivals are per output
        parts = _per_call(result, node_id) if node_id is not None else []
        assert parts, f"no backward event reaches {name} (node {node_id})"
        assert _is_suffix_sum(parts, grad.double(), zeroes), f"{name}: events vs retain_grad"


def assert_events(result: dict[str, Any], plain: PlainRun, source: str) -> None:
    """Every backward-event check: shapes, per-call flow, accumulation, call indexes."""
    assert_event_shapes(result)
    if "register_hook" not in source:  # a hook that replaces a gradient breaks the sum
        assert_gradient_flow(result)
    assert_accumulation(result, plain, source)


def assert_parameter_grads(result: dict[str, Any], plain: PlainRun) -> None:
    """Each module parameter's .grad appears on a leaf labelled with its name."""
    leaves = [n for n in result["graph"]["nodes"] if n["kind"] == "leaf"]
    for name, grads in plain.parameter_grads.items():
        for grad in grads:
            if grad is None:
                continue
            labelled = [n for n in leaves if n["label"] and n["label"].endswith(name)]
            assert labelled, f"no leaf labelled {name}"
            ok = False
            for node in labelled:
                try:
                    assert_view(node["grad"], grad, name)
                    ok = True
                except AssertionError:
                    continue
            assert ok, f"leaf labelled {name}: grad differs from PyTorch"


def _check_saved(node: dict[str, Any], expected: dict[str, torch.Tensor], what: str) -> None:
    got = {item["name"]: item["value"] for item in node["saved"]}
    for name, tensor in expected.items():
        if tensor.dtype == torch.uint8:
            continue  # an opaque workspace (mkldnn RNN): scratch bytes, not a value
        assert name in got, f"{what}.saved lacks {name!r} (has {sorted(got)})"
        assert_view(got[name], tensor, f"{what}.saved[{name}]")


def assert_same_graph(result: dict[str, Any], plain: PlainRun) -> None:
    """Walk PyTorch's graph and the trace's side by side from every named tensor: same op
    at every step, inputs in ``next_functions`` order, one trace node per grad_fn, and the
    saved tensors that PyTorch held before backward freed them."""
    nodes = {node["id"]: node for node in result["graph"]["nodes"]}
    edges = {edge["id"]: edge for edge in result["graph"]["edges"]}
    pairs: dict[int, int] = {}  # id(grad_fn) -> trace node id
    stack = [
        (plain.namespace[name].grad_fn, result["variables"][name]["node"])
        for name, var in plain.variables.items()
        if var.ops is not None
    ]
    while stack:
        fn, node_id = stack.pop()
        if id(fn) in pairs:
            assert pairs[id(fn)] == node_id, f"{fn.name()} maps to two trace nodes"
            continue
        pairs[id(fn)] = node_id
        node = nodes[node_id]
        what = f"node {node_id} ({node['op']})"
        assert node["op"].endswith(fn.name().split("::")[-1]), f"{what}: PyTorch has {fn.name()}"
        if node["kind"] == "leaf":
            continue
        if id(fn) in plain.saved:
            _check_saved(node, plain.saved[id(fn)][1], what)
        inputs = node.get("inputs")
        if inputs is None:
            continue  # the trace does not say which edge is which input
        assert len(inputs) == len(fn.next_functions), f"{what}: number of inputs"
        for (child, _), edge_id in zip(fn.next_functions, inputs, strict=True):
            assert (child is None) == (edge_id is None), f"{what}: input presence"
            if child is not None:
                stack.append((child, edges[edge_id]["source"]))
