"""Module calls: every forward call of an nn.Module that made nodes, checked against PyTorch.

The oracle runs the program plainly with PyTorch's own global module hooks and notes each
call (module name, how many calls of that module came before it, the call it ran inside)
and its output. The trace must list exactly the calls whose output is part of the graph,
nest them the same way, and the last node made inside each call must hold that call's
output.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import torch
from torch.nn.modules import module as nn_module

from tests.long_form import trace_long

Key = tuple[str, int]  # (module name, n-th call)

TWICE_AND_LOOPED = """
import torch
import torch.nn as nn
class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(3, 3)
    def forward(self, h):
        for _ in range(3):  # one call of Block, three of Block.lin
            h = torch.tanh(self.lin(h)) * 0.5 + h
        return h
cell = nn.Linear(3, 3)
block = Block()
x = torch.ones(1, 3, requires_grad=True)
h = cell(cell(x))  # two calls, three ops: nothing periodic to guess from
with torch.no_grad():
    ignored = cell(x)  # the third call makes no node
h = cell(h)
out = block(h).sum()
out.backward()
"""

UNROLLED = """
import torch
import torch.nn as nn
cell = nn.LSTMCell(4, 3)
x = torch.randn(5, 2, 4)
h, c = torch.zeros(2, 3), torch.zeros(2, 3)
for t in range(5):
    h, c = cell(x[t], (h, c))
loss = h.pow(2).sum()
loss.backward()
"""


@contextmanager
def _observed_calls(namespace: dict[str, Any]) -> Iterator[list[dict[str, Any]]]:
    """Record every module call made inside the block, named as the tracer names them."""
    calls: list[dict[str, Any]] = []
    stack: list[dict[str, Any]] = []
    counts: dict[str, int] = {}

    def name_of(module: torch.nn.Module) -> str:
        for var, value in namespace.items():
            if value is module:
                return var
            if isinstance(value, torch.nn.Module):
                for sub_name, sub in value.named_modules():
                    if sub is module and sub_name:
                        return sub_name
        raise AssertionError(f"unnamed module {module}")

    def pre(module: torch.nn.Module, args: Any) -> None:
        name = name_of(module)
        counts[name] = counts.get(name, 0) + 1
        call = {"key": (name, counts[name]), "parent": stack[-1]["key"] if stack else None}
        stack.append(call)
        calls.append(call)

    def post(module: torch.nn.Module, args: Any, output: Any) -> None:
        stack.pop()["output"] = output[0] if isinstance(output, tuple) else output

    handles = [nn_module.register_module_forward_pre_hook(pre),
               nn_module.register_module_forward_hook(post)]
    try:
        yield calls
    finally:
        for handle in handles:
            handle.remove()


def plain_module_calls(source: str) -> list[dict[str, Any]]:
    """The calls whose output is in the autograd graph, from a plain run."""
    namespace: dict[str, Any] = {"__name__": "__main__"}
    torch.manual_seed(0)
    with _observed_calls(namespace) as calls:
        exec(compile(source, "<plain>", "exec"), namespace)
    return [call for call in calls if call["output"].grad_fn is not None]


def _traced_calls(trace: dict[str, Any]) -> dict[Key, dict[str, Any]]:
    """The trace's module calls by key, each with its parent's key and its last node."""
    listed = trace["module_calls"]
    keys: list[Key] = [(call["module"], call["n"]) for call in listed]
    calls: dict[Key, dict[str, Any]] = {
        key: {"parent": None if call["parent"] is None else keys[call["parent"]], "last": None}
        for key, call in zip(keys, listed, strict=True)
    }
    for node in trace["graph"]["nodes"]:
        if node["kind"] == "leaf":
            continue
        index = node["module_call"]
        while index is not None:  # the node was made inside this call and every enclosing one
            calls[keys[index]]["last"] = node
            index = listed[index]["parent"]
    return calls


def _check_against_plain(source: str) -> dict[str, Any]:
    trace = trace_long(source)
    assert trace["ok"], trace["error"]
    plain = plain_module_calls(source)
    traced = _traced_calls(trace)
    assert sorted(traced) == sorted(call["key"] for call in plain)
    for call in plain:
        got = traced[call["key"]]
        assert got["parent"] == call["parent"], call["key"]
        value = got["last"]["value"]
        assert torch.allclose(torch.tensor(value["values"]), call["output"].detach()), call["key"]
    return trace


def test_each_call_is_listed_once_with_its_ordinal_and_parent() -> None:
    trace = _check_against_plain(TWICE_AND_LOOPED)
    keys = [(c["module"], c["n"]) for c in trace["module_calls"]]
    # the no_grad call is counted (the next call is the 4th) but not listed
    assert [n for module, n in keys if module == "cell"] == [1, 2, 4]
    assert [n for module, n in keys if module == "block"] == [1]
    assert [n for module, n in keys if module == "lin"] == [1, 2, 3]


def test_nodes_name_the_module_of_their_call() -> None:
    trace = trace_long(TWICE_AND_LOOPED)
    for node in trace["graph"]["nodes"]:
        call = node["module_call"]
        expected = None if call is None else trace["module_calls"][call]["module"]
        assert node["module"] == expected
    loose = [n["op"] for n in trace["graph"]["nodes"] if n["module"] is None]
    assert "SumBackward0" in loose  # .sum() ran outside every module


def test_unrolled_cell_has_one_call_per_step() -> None:
    trace = _check_against_plain(UNROLLED)
    assert [c["n"] for c in trace["module_calls"]] == [1, 2, 3, 4, 5]
    assert {c["module"] for c in trace["module_calls"]} == {"cell"}


def test_parameters_sit_with_their_module_and_keep_their_creation_line() -> None:
    trace = trace_long(TWICE_AND_LOOPED)
    lines = TWICE_AND_LOOPED.splitlines()
    leaves = {n["label"]: n for n in trace["graph"]["nodes"] if n["kind"] == "leaf"}
    for label, created in (("cell.weight", "cell = nn.Linear"),
                           ("lin.bias", "self.lin = nn.Linear")):
        node = leaves[label]
        assert node["module"] == label.split(".")[0], label
        assert lines[node["line"] - 1].strip().startswith(created), label
    assert leaves["x"]["module"] is None  # an input of the model, not one of its parameters
