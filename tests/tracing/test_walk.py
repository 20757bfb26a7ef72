"""The graph walk: ids, edges, leaves, saved tensors and size, checked against torch itself."""

from __future__ import annotations

from collections import Counter
from typing import Any

import torch

from gradtrace.tracing import TraceOptions
from tests.long_form import trace_long
from tests.tracing.oracle import walk_grad_fn
from tests.tracing.oracle_checks import trace_walk

CHAIN = """
import torch
x = torch.ones(2, 2, requires_grad=True)
y = x + 2
z = y * y * 3
out = z.mean()
"""


def _by_id(result: dict[str, Any]) -> dict[int, dict[str, Any]]:
    return {node["id"]: node for node in result["graph"]["nodes"]}


def test_chain_rule_graph_matches_torch() -> None:
    result = trace_long(CHAIN)
    namespace: dict[str, Any] = {}
    exec(CHAIN, namespace)
    assert result["ok"], result["error"]
    for name in ("y", "z", "out"):
        node_id = result["variables"][name]["node"]
        assert trace_walk(result, node_id) == walk_grad_fn(namespace[name].grad_fn)
        assert _by_id(result)[node_id]["label"] == name
    leaf = _by_id(result)[result["variables"]["x"]["node"]]
    assert leaf["kind"] == "leaf" and leaf["line"] == 3


def test_ids_are_post_order_and_edges_follow_next_functions() -> None:
    result = trace_long(CHAIN)
    for edge in result["graph"]["edges"]:
        assert edge["source"] < edge["target"]
    mul_nodes = [n for n in result["graph"]["nodes"] if n["op"] == "MulBackward0"]
    first_mul = min(mul_nodes, key=lambda n: n["id"])
    # y * y: both inputs are y, so two distinct edges from y's node
    sources = [e["source"] for e in result["graph"]["edges"] if e["target"] == first_mul["id"]]
    assert sources == [result["variables"]["y"]["node"]] * 2
    assert {s["name"] for s in first_mul["saved"]} == {"self", "other"}


def test_forward_values_are_what_torch_computed() -> None:
    result = trace_long(CHAIN)
    namespace: dict[str, Any] = {}
    exec(CHAIN, namespace)
    nodes = _by_id(result)
    for name in ("y", "z", "out"):
        value = nodes[result["variables"][name]["node"]]["value"]["values"]
        assert torch.allclose(torch.tensor(value), namespace[name].detach())


def test_long_chain_has_no_recursion_limit() -> None:
    source = (
        "import torch\nx = torch.ones(1, requires_grad=True)\ny = x\n"
        "for i in range(20000):\n    y = y * 1.0001\ny.sum().backward()\n"
    )
    result = trace_long(source, options=TraceOptions(max_nodes=30000, max_events=100000))
    assert result["ok"], result["error"]
    ops = Counter(node["op"] for node in result["graph"]["nodes"])
    assert ops["MulBackward0"] == 20000
    expected = torch.tensor(1.0001, dtype=torch.float32) ** 20000
    grad = result["variables"]["x"]["grad"]["values"][0]
    assert abs(grad - float(expected)) / float(expected) < 1e-2


def test_module_names_and_parameter_labels() -> None:
    source = """
import torch
import torch.nn as nn
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 2, 3)
        self.head = nn.Sequential(nn.Flatten(), nn.Linear(8, 3))
    def forward(self, x):
        return self.head(torch.relu(self.conv1(x)).amax(dim=(2,), keepdim=True))
net = Net()
out = net(torch.randn(1, 1, 6, 6)).sum()
"""
    result = trace_long(source)
    assert result["ok"], result["error"]
    nodes = result["graph"]["nodes"]
    labels = {n["label"] for n in nodes if n["kind"] == "leaf"}
    assert labels == {"conv1.weight", "conv1.bias", "head.1.weight", "head.1.bias"}
    conv = next(n for n in nodes if n["op"] == "ConvolutionBackward0")
    assert conv["module"] == "conv1" and conv["line"] == 10
    addmm = next(n for n in nodes if n["op"] == "AddmmBackward0")
    assert addmm["module"] == "head.1"
    relu = next(n for n in nodes if n["op"] == "ReluBackward0")
    assert relu["module"] == "net"


def test_custom_function_saved_tensors_and_line() -> None:
    source = """
import torch
class Square(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x
    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return 2 * x * g
x = torch.tensor([3.0], requires_grad=True)
s = Square.apply(x)
t = s * 1
"""
    result = trace_long(source)
    node = next(n for n in result["graph"]["nodes"] if n["op"] == "SquareBackward")
    assert node["line"] == 13
    assert node["saved"][0]["value"]["values"] == [3.0]


def test_bare_layers_as_models_get_their_variable_name_as_prefix() -> None:
    source = """
import torch
import torch.nn as nn
trunk = nn.Linear(3, 4)
head = nn.Linear(4, 1)
out = head(trunk(torch.ones(2, 3))).sum()
"""
    result = trace_long(source)
    labels = {n["label"] for n in result["graph"]["nodes"] if n["kind"] == "leaf"}
    assert labels == {"trunk.weight", "trunk.bias", "head.weight", "head.bias"}
