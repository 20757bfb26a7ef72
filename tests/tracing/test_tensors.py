"""The tensor table: batched summaries match PyTorch, and values are those at record time.

PyTorch is the oracle: every entry's statistics are compared with torch's own reductions
in float64, and programs that write into tensors after they were recorded (in-place ops,
optimizer steps, gradient accumulation) must still show the values of that moment.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import orjson
import pytest
import torch

from gradtrace.tracing import TraceOptions
from gradtrace.tracing.tensors import TensorTable
from gradtrace.tracing.wire import dumps, expand_tensor
from tests.long_form import trace_long

LISTED = TraceOptions(max_values=4096)


def _expected_stats(tensor: torch.Tensor) -> list[float]:
    data = (tensor.abs() if tensor.is_complex() else tensor).double().reshape(-1)
    std = data.std().item() if data.numel() > 1 else 0.0
    return [data.min().item(), data.max().item(), data.mean().item(), std,
            torch.linalg.vector_norm(data).item()]


def _views(tensors: list[torch.Tensor], max_values: int, **table: Any) -> list[dict[str, Any]]:
    """Add every tensor, then read the entries back through JSON, expanded."""
    t = TensorTable(max_values, **table)
    indices = [t.add(tensor) for tensor in tensors]
    entries = orjson.loads(dumps({"t": t.entries()}))["t"]
    return [expand_tensor(entries[i]) for i in indices]


TENSORS = {
    "float32 matrix": lambda: torch.randn(7, 5),
    "float32 scalar": lambda: torch.tensor(2.5),
    "transposed (strided)": lambda: torch.randn(5, 7).t(),
    "float64": lambda: torch.randn(4, 4, dtype=torch.float64) * 1e3,
    "large mean, tiny spread": lambda: 1e4 + torch.randn(300) * 1e-2,
    "integers": lambda: torch.arange(12).reshape(3, 4),
    "booleans": lambda: torch.tensor([True, False, True]),
    "half": lambda: torch.randn(6).half(),
    "complex": lambda: torch.randn(3, dtype=torch.complex64),
    "one element": lambda: torch.tensor([3.0]),
    "lazily negated view": lambda: torch.randn(4, dtype=torch.complex64).conj().imag,
}


@pytest.mark.parametrize("name", list(TENSORS))
@pytest.mark.parametrize("max_values", [1, 4096])
def test_entries_match_torch_reductions(name: str, max_values: int) -> None:
    torch.manual_seed(0)
    tensors = [TENSORS[name]() for _ in range(3)]
    for tensor, view in zip(tensors, _views(tensors, max_values), strict=True):
        assert view["shape"] == list(tensor.shape)
        assert view["dtype"] == str(tensor.dtype).removeprefix("torch.")
        assert view["numel"] == tensor.numel()
        got = [view[k] for k in ("min", "max", "mean", "std", "norm")]
        # float32 statistics keep float32 precision, relative to the tensor's magnitude
        expected = _expected_stats(tensor)
        scale = max(abs(expected[0]), abs(expected[1]))
        for g, e in zip(got, expected, strict=True):
            assert math.isclose(g, e, rel_tol=1e-5, abs_tol=1e-6 * scale), (name, got)
        listed = tensor.numel() <= max_values
        assert view["truncated"] is not listed
        if listed and not tensor.is_complex():
            assert torch.equal(torch.tensor(view["values"], dtype=tensor.dtype), tensor)


@pytest.mark.parametrize("copies", [1, 8])  # alone (exact path) and batched by shape
@pytest.mark.parametrize("shape", [(3,), ()])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float16])
def test_values_are_the_shortest_decimals_of_their_dtype(copies: int, shape: tuple[int, ...],
                                                          dtype: torch.dtype) -> None:
    torch.manual_seed(0)
    tensors = [(torch.randn(shape) * 0.1).to(dtype) for _ in range(copies)]
    numpy_type = np.float32 if dtype == torch.float32 else np.float16
    for tensor, view in zip(tensors, _views(tensors, 16), strict=True):
        # numpy prints the shortest decimal that reads back as the same float32/float16;
        # tolist() would give 0.10000000149011612 for float32 0.1
        expected = [float(str(numpy_type(v))) for v in tensor.reshape(-1).tolist()]
        assert np.array(view["values"], dtype=np.float64).reshape(-1).tolist() == expected
        assert torch.equal(torch.tensor(view["values"], dtype=dtype), tensor)


def test_non_finite_values_are_tagged_not_lost() -> None:
    tensors = [torch.tensor([1.0, float("nan"), 2.0]), torch.tensor([float("inf"), -1.0])]
    nan_view, inf_view = _views(tensors, 16)
    assert nan_view["values"] == [1.0, "nan", 2.0]
    assert nan_view["mean"] == "nan"
    assert inf_view["values"] == ["inf", -1.0]
    assert (inf_view["min"], inf_view["max"]) == (-1.0, "inf")


def test_empty_tensor_has_no_statistics() -> None:
    (view,) = _views([torch.zeros(0, 3)], 16)
    assert view["numel"] == 0 and view["min"] is None and view["values"] == []


def test_a_tensor_added_twice_while_pending_is_one_entry() -> None:
    table = TensorTable(16)
    grad = torch.ones(3)
    assert table.add(grad) == table.add(grad)
    assert table.add(torch.ones(3)) != table.add(grad)


def test_flushing_early_for_memory_keeps_every_entry_right() -> None:
    torch.manual_seed(1)
    tensors = [torch.randn(64, 64) for _ in range(12)]
    views = _views(tensors, 16, pending_bytes=3 * 64 * 64 * 4)
    for tensor, view in zip(tensors, views, strict=True):
        assert math.isclose(view["mean"], tensor.double().mean().item(), abs_tol=1e-6)


def _node_values(trace: dict[str, Any], op: str) -> list[Any]:
    return [n["value"]["values"] for n in trace["graph"]["nodes"] if n["op"] == op]


def test_in_place_writes_after_recording_do_not_change_what_was_recorded() -> None:
    trace = trace_long(
        "import torch\n"
        "x = torch.ones(3, requires_grad=True)\n"
        "y = x * 2\n"
        "z = y.clone()\n"
        "y.add_(1)\n"
        "y[0] = 10.0\n"
        "y.sum().backward()\n",
        options=LISTED,
    )
    assert trace["ok"], trace["error"]
    assert _node_values(trace, "MulBackward0") == [[2.0, 2.0, 2.0]]
    assert _node_values(trace, "AddBackward0") == [[3.0, 3.0, 3.0]]
    assert trace["variables"]["y"]["value"]["values"] == [10.0, 3.0, 3.0]


def test_leaf_values_before_an_optimizer_step_and_grads_per_call() -> None:
    trace = trace_long(
        "import torch\n"
        "w = torch.tensor([1.0, 2.0], requires_grad=True)\n"
        "opt = torch.optim.SGD([w], lr=0.5)\n"
        "(w * 3).sum().backward()\n"
        "(w * 3).sum().backward()\n"
        "opt.step()\n",
        options=LISTED,
    )
    assert trace["ok"], trace["error"]
    (leaf,) = [n for n in trace["graph"]["nodes"] if n["label"] == "w"]
    assert leaf["value"]["values"] == [1.0, 2.0]  # recorded before the step wrote into w
    per_call = [e["leaf_grad"]["values"] for e in trace["events"]
                if e["phase"] == "backward" and e["node"] == leaf["id"]]
    assert per_call == [[3.0, 3.0], [6.0, 6.0]]  # .grad accumulates in place between calls
    assert trace["variables"]["w"]["value"]["values"] == [-2.0, -1.0]


def test_big_tensors_are_summarised_on_the_spot_and_not_held() -> None:
    big = torch.randn(600, 600)
    table = TensorTable(16)
    index = table.add(big)
    big.mul_(0)  # a later write must not reach the entry: it was made when added
    (entry,) = orjson.loads(dumps({"t": table.entries()}))["t"]
    assert index == 0 and entry["stats"][3] > 0.9  # the std of randn, not of zeros


SAME_NUMBERS = {
    "transpose": lambda w: w.t(),
    "permuted 3-d": lambda w: w.reshape(8, 16, 16).permute(2, 0, 1),
    "alias": lambda w: w.view(2048),
}
OTHER_NUMBERS = {
    "half the rows": lambda w: w[:32],
    "every other column": lambda w: w[:, ::2],
    "expanded row": lambda w: w[0].expand(64, 32),
    "lazily negated": torch._neg_view,  # same memory, read as its negation
}


@pytest.mark.parametrize("name", [*SAME_NUMBERS, *OTHER_NUMBERS])
def test_views_of_the_same_memory_show_their_own_statistics(name: str) -> None:
    """A big view holding exactly the numbers of another pending tensor shares its
    statistics; any other view of the same memory is summarised on its own."""
    torch.manual_seed(2)
    weight = torch.randn(64, 32)
    view_of = {**SAME_NUMBERS, **OTHER_NUMBERS}[name]
    # one copy each, so the batch path (four or more of a shape) is taken too
    tensors = [weight, view_of(weight), *(view_of(torch.randn(64, 32)) for _ in range(4))]
    for tensor, view in zip(tensors, _views(tensors, 16), strict=True):
        expected = _expected_stats(tensor)
        got = [view[k] for k in ("min", "max", "mean", "std", "norm")]
        assert view["shape"] == list(tensor.shape)
        for g, e in zip(got, expected, strict=True):
            assert math.isclose(g, e, rel_tol=1e-5, abs_tol=1e-6), (name, got, expected)


def test_a_view_written_between_flushes_is_summarised_again() -> None:
    weight = torch.randn(64, 32)
    table = TensorTable(16)
    first = table.add(weight)
    table.flush()  # what the recorder does before a write
    weight.mul_(2)
    second = table.add(weight.t())
    entries = orjson.loads(dumps({"t": table.entries()}))["t"]
    assert math.isclose(entries[second]["stats"][1], 2 * entries[first]["stats"][1],
                        rel_tol=1e-6)


@pytest.mark.parametrize("copies", [1, 5])  # alone (exact path) and batched by shape
def test_big_meta_tensors_are_listed_without_numbers(copies: int) -> None:
    """A meta tensor has a shape and a dtype and no memory (``data_ptr()`` is 0 for all of
    them): it is listed without statistics, never summarised or sharing another's."""
    tensors = [torch.empty(64, 32, device="meta") for _ in range(copies)]
    tensors.append(torch.empty(64, 32, device="meta").t())
    for tensor, view in zip(tensors, _views(tensors, 16), strict=True):
        assert view["shape"] == list(tensor.shape)
        assert view["min"] is None and view["norm"] is None


def test_a_limit_during_a_flush_leaves_every_entry_in_its_place(monkeypatch: Any) -> None:
    """A MemoryError while summarising (a limit) must not leave holes: every later index
    would name the wrong entry. Entries not summarised keep their shape and dtype."""
    tensors = [torch.randn(3, 4) for _ in range(6)] + [torch.arange(5)]
    table = TensorTable(4)
    indices = [table.add(tensor) for tensor in tensors]

    def fail(self: TensorTable, *args: Any) -> None:
        raise MemoryError("a limit fired here")

    monkeypatch.setattr(TensorTable, "_summarise_pending", fail)
    with pytest.raises(MemoryError):
        table.flush()
    entries = table.entries()
    assert len(entries) == len(tensors)
    for index, tensor in zip(indices, tensors, strict=True):
        assert entries[index]["shape"] == list(tensor.shape)
        assert entries[index]["stats"] is None
    assert entries[indices[-1]]["dtype"] == "int64"


def test_an_add_stopped_between_its_writes_is_seen_as_a_hole() -> None:
    """add() interrupted after taking its slot: the pairing of slots and tensors cannot be
    trusted, so the table is short (build_result then sends the graph without it)."""
    table = TensorTable(4)
    table.add(torch.randn(3))
    table._pending_indices.append(len(table))  # the slot's index written, nothing else
    table._entries.append(None)
    table.add(torch.randn(2))
    assert len(table.entries()) < len(table)
