"""Table entries of tensors that are not plain dense memory, checked against their dense form.

A sparse gradient, a nested or quantized tensor, a meta tensor and a functorch wrapper
that escaped its transform must each get an entry (never fail the trace), showing the
numbers of the dense tensor they stand for and naming their layout.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
import pytest
import torch

from gradtrace.tracing import trace_source
from gradtrace.tracing.tensors import TensorTable
from gradtrace.tracing.wire import dumps, expand_tensor
from tests.tracing.fidelity import bare_stdout
from tests.tracing.oracle_checks import assert_view


def _json(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Entries as the page gets them (numpy arrays written out, as in every trace)."""
    return list(orjson.loads(dumps({"tensors": entries}))["tensors"])


def _entry(tensor: torch.Tensor, max_values: int = 100) -> dict[str, Any]:
    table = TensorTable(max_values)
    index = table.add(tensor)
    return _json(table.entries())[index]


def _sparse_duplicates() -> torch.Tensor:
    indices = torch.tensor([[0, 0, 5, 999], [1, 1, 2, 3]])
    return torch.sparse_coo_tensor(indices, torch.tensor([1.0, 2.0, -4.0, 0.5]), (1000, 4))


SPARSE: dict[str, Callable[[], torch.Tensor]] = {
    "coo-small": lambda: torch.tensor([[0.0, 2.0], [3.0, 0.0]]).to_sparse(),
    "coo-duplicates-large": _sparse_duplicates,
    "csr-large": lambda: torch.eye(40).mul(torch.arange(40.0)).to_sparse_csr(),
    "csc-small": lambda: torch.tensor([[0.0, 1.5], [0.0, -2.0]]).to_sparse_csc(),
    "coo-double": lambda: torch.zeros(3, 3, dtype=torch.float64).index_fill(0,
                                                                            torch.tensor([1]),
                                                                            2.5).to_sparse(),
}


@pytest.mark.parametrize("name", list(SPARSE))
def test_sparse_entry_shows_the_dense_tensor(name: str) -> None:
    tensor = SPARSE[name]()
    entry = _entry(tensor)
    assert entry["layout"] == str(tensor.layout).removeprefix("torch.")
    assert_view(expand_tensor(entry), tensor.to_dense(), name)


def test_sparse_entry_keeps_the_tensor_unchanged() -> None:
    tensor = _sparse_duplicates()
    _entry(tensor)
    assert not tensor.is_coalesced()


def test_nested_entry_is_padded_and_marked() -> None:
    nested = torch.nested.nested_tensor([torch.ones(2), torch.arange(3.0)])
    entry = _entry(nested)
    assert entry["layout"] == "nested"
    assert_view(expand_tensor(entry), nested.to_padded_tensor(0.0), "nested")


def test_quantized_entry_shows_real_numbers_under_its_dtype() -> None:
    q = torch.quantize_per_tensor(torch.tensor([0.5, -1.0, 2.0]), 0.1, 0, torch.qint8)
    entry = _entry(q)
    assert entry["dtype"] == "qint8"
    assert torch.allclose(torch.tensor(entry["values"], dtype=torch.float64),
                          q.dequantize().double())


def test_meta_entry_has_shape_and_no_numbers() -> None:
    entry = _entry(torch.empty(2, 3, device="meta"))
    assert entry["shape"] == [2, 3]
    assert entry["stats"] is None
    assert "values" not in entry


def test_meta_tensors_in_a_batch_do_not_break_it() -> None:
    table = TensorTable(100)
    dense = [torch.full((2,), float(i)) for i in range(5)]
    indices = [table.add(t) for t in dense] + [table.add(torch.empty(2, device="meta"))]
    entries = _json(table.entries())
    for index, tensor in zip(indices, dense, strict=False):
        assert_view(expand_tensor(entries[index]), tensor, f"dense {index}")
    assert entries[indices[-1]]["stats"] is None


def test_wrapper_escaping_a_transform_does_not_fail_the_trace() -> None:
    source = ("import torch\nfrom torch.func import vmap, grad\nseen = []\n"
              "def f(x):\n    seen.append(x)\n    return (x * 2).sum()\n"
              "out = vmap(f)(torch.ones(2, 3))\ng = grad(f)(torch.ones(3))\n"
              "batched = seen[0]\ntracked = seen[1]\n")
    trace = trace_source(source)
    assert trace["ok"], trace["error"]
    assert set(trace["variables"]) >= {"out", "g", "batched", "tracked"}


def test_jagged_nested_tensor_program() -> None:
    """A nested (jagged) leaf's gradient: shown padded and marked, the trace valid JSON."""
    source = (
        "import torch\nparts = [torch.randn(2, 3), torch.randn(4, 3)]\n"
        "nt = torch.nested.nested_tensor(parts, layout=torch.jagged, requires_grad=True)\n"
        "out = torch.nn.functional.linear(nt, torch.ones(2, 3))\n"
        "loss = out.values().pow(2).sum()\nloss.backward()\n"
        "print(nt.grad.to_padded_tensor(0.0))\n")
    trace = orjson.loads(dumps(trace_source(source)))
    assert trace["ok"], trace["error"]
    assert trace["stdout"] == bare_stdout(source)
    namespace: dict[str, Any] = {}
    torch.manual_seed(0)
    exec(source.replace("print(", "str("), namespace)
    grad = trace["tensors"][trace["variables"]["nt"]["grad"]]
    assert grad["layout"] == "jagged"
    assert_view(expand_tensor(grad), namespace["nt"].grad.to_padded_tensor(0.0), "nt.grad")
