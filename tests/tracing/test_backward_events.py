"""Backward events: the gradient at every node and on every edge, per backward call.

The oracle is plain PyTorch: ``retain_grad()`` on the program's named intermediates gives
the gradient that must arrive at their nodes.
"""

from __future__ import annotations

from typing import Any

import torch

from gradtrace.tracing import TraceOptions
from tests.long_form import trace_long

LISTED = TraceOptions(max_values=64)  # every tensor of MLP listed, not summarised


def _plain(source: str, retain: list[str]) -> dict[str, Any]:
    """Run ``source`` with retain_grad() on the named tensors right before backward."""
    marker = "out.backward"
    head, tail = source.split(marker, 1)
    patched = head + "".join(f"{n}.retain_grad()\n" for n in retain) + marker + tail
    namespace: dict[str, Any] = {}
    exec(patched, namespace)
    return namespace


def _arrivals(result: dict[str, Any], node_id: int, call: int) -> list[torch.Tensor]:
    return [
        torch.tensor(e["grad_outputs"][0]["values"])
        for e in result["events"]
        if e["phase"] == "backward" and e["node"] == node_id and e.get("call") == call
    ]


MLP = """
import torch
torch.manual_seed(0)
x = torch.randn(4, 3)
w1 = torch.randn(3, 5, requires_grad=True)
w2 = torch.randn(5, 1, requires_grad=True)
h = torch.tanh(x @ w1)
y = h @ w2
out = (y ** 2).mean()
out.backward()
"""


def test_gradient_arriving_at_each_named_node_matches_retain_grad() -> None:
    result = trace_long(MLP, options=LISTED)
    plain = _plain(MLP, ["h", "y"])
    assert result["ok"], result["error"]
    for name in ("h", "y"):
        node = result["variables"][name]["node"]
        (arrived,) = _arrivals(result, node, 0)
        assert torch.allclose(arrived, plain[name].grad, atol=1e-6)
    for name in ("w1", "w2"):
        traced = torch.tensor(result["variables"][name]["grad"]["values"])
        assert torch.allclose(traced, plain[name].grad, atol=1e-6)


def test_edge_gradients_sum_to_what_the_source_node_receives() -> None:
    result = trace_long(MLP, options=LISTED)
    sent: dict[int, torch.Tensor] = {}
    edges = {e["id"]: e for e in result["graph"]["edges"]}
    for event in result["events"]:
        if event["phase"] != "backward":
            continue
        for edge_id, grad in zip(event["edges"], event["grad_inputs"], strict=True):
            if edge_id is None or grad is None:
                continue
            source = edges[edge_id]["source"]
            value = torch.tensor(grad["values"])
            sent[source] = sent.get(source, torch.zeros_like(value)) + value
    for event in result["events"]:
        if event["phase"] == "backward" and event["node"] in sent:
            assert torch.allclose(
                sent[event["node"]], torch.tensor(event["grad_outputs"][0]["values"]), atol=1e-6
            )


def test_two_backward_calls_accumulate_and_have_distinct_indexes() -> None:
    source = """
import torch
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * 3
y.backward(torch.tensor([100.0, 0.1]), retain_graph=True)
first = x.grad.clone()
y.backward(torch.tensor([100.0, 0.1]))
"""
    result = trace_long(source)
    namespace: dict[str, Any] = {}
    exec(source, namespace)
    assert [c["index"] for c in result["calls"]] == [0, 1]
    leaf = result["variables"]["x"]["node"]
    leaf_events = [e for e in result["events"] if e["phase"] == "backward" and e["node"] == leaf]
    assert [e["call"] for e in leaf_events] == [0, 1]
    assert torch.allclose(torch.tensor(leaf_events[0]["leaf_grad"]["values"]), namespace["first"])
    assert torch.allclose(torch.tensor(leaf_events[1]["leaf_grad"]["values"]), namespace["x"].grad)


def test_autograd_grad_captures_inputs_and_create_graph_builds_nodes() -> None:
    source = """
import torch
x = torch.tensor(-2.0, requires_grad=True)
f = 2 * x ** 3
(d1,) = torch.autograd.grad(f, x, create_graph=True)
(d2,) = torch.autograd.grad(d1, x, create_graph=True)
(d3,) = torch.autograd.grad(d2, x)
"""
    result = trace_long(source)
    namespace: dict[str, Any] = {}
    exec(source, namespace)
    assert result["ok"], result["error"]
    leaf = result["variables"]["x"]["node"]
    captured = [e for e in result["events"] if e["node"] == leaf and e.get("captured")]
    got = [e["grad_outputs"][0]["values"] for e in captured]
    assert got == [namespace[n].item() for n in ("d1", "d2", "d3")]
    nodes = {n["id"]: n for n in result["graph"]["nodes"]}
    assert nodes[result["variables"]["d1"]["node"]]["created_in_call"] == 0
    assert nodes[result["variables"]["d2"]["node"]]["created_in_call"] == 1
    assert result["calls"][0]["create_graph"] is True
    assert result["variables"]["x"]["grad"] is None


def test_user_hook_replacing_the_gradient_is_visible() -> None:
    source = """
import torch
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * 2
y.register_hook(lambda g: g * 10)
out = y.sum()
out.backward()
"""
    result = trace_long(source)
    namespace: dict[str, Any] = {}
    exec(source, namespace)
    node = result["variables"]["y"]["node"]
    (event,) = [e for e in result["events"] if e["phase"] == "backward" and e["node"] == node]
    assert event["grad_outputs"][0]["values"] == [10.0, 10.0]
    assert result["variables"]["x"]["grad"]["values"] == namespace["x"].grad.tolist()
