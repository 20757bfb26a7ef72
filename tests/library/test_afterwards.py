"""``gradtrace.show(tensor, model)``: an existing graph drawn after the fact, against PyTorch.

Walked in step with the real ``grad_fn`` graph (a node's ``inputs`` are aligned with
``next_functions``): every op, every saved tensor as ``grad_fn._saved_*`` holds it before
backward frees it, every output's shape, and the parameters by name.
"""

from __future__ import annotations

from typing import Any

import torch

import gradtrace
from tests.library.helpers import PARAMETERS, leaves_by_label, project_on_path, tensor_of
from tests.tracing.oracle import saved_tensors_of


def _forward() -> tuple[torch.nn.Module, dict[str, torch.Tensor]]:
    """The project's model on a batch, each intermediate kept (for its shape)."""
    with project_on_path() as train:
        torch.manual_seed(0)
        net = train.TwoLayer(3, 4)
    batch = torch.randn(8, 3)
    first = net.fc1(batch)
    squashed = torch.tanh(first)
    out = net.fc2(squashed)
    loss = ((out - 1) ** 2).mean()
    return net, {"first": first, "squashed": squashed, "out": out, "loss": loss}


def _walk_together(data: dict[str, Any], fn: Any, node: int,
                   shapes: dict[int, torch.Size], seen: set[int]) -> None:
    """Assert that trace node ``node`` is ``fn``, recursively over their inputs."""
    if node in seen:
        return
    seen.add(node)
    record = data["graph"]["nodes"][node]
    assert record["op"] == fn.name().rsplit("::", 1)[-1], (record, fn)
    saved = {name: tensor_of(data, index) for name, index in record.get("saved", {}).items()}
    want = saved_tensors_of(fn)
    assert saved.keys() == want.keys(), (record["op"], saved.keys(), want.keys())
    for name, tensor in want.items():
        assert torch.allclose(saved[name], tensor), (record["op"], name)
    if id(fn) in shapes:
        shape = record.get("shape") or data["tensors"][record["value"]]["shape"]
        assert list(shapes[id(fn)]) == shape, record
    assert len(record["inputs"]) == len(fn.next_functions), record
    for edge, (child, _) in zip(record["inputs"], fn.next_functions, strict=True):
        assert (edge is None) == (child is None), record
        if child is not None:
            _walk_together(data, child, data["graph"]["edges"][edge][0], shapes, seen)


def test_show_before_backward_has_pytorchs_graph_and_saved_tensors() -> None:
    net, tensors = _forward()
    first, squashed, out, loss = (tensors[name] for name in ("first", "squashed", "out", "loss"))
    trace = gradtrace.show(loss, net, max_values=64)
    data = trace.to_dict()
    assert trace.ok and data["calls"] == []
    shapes = {id(t.grad_fn): t.shape for t in tensors.values()}
    seen: set[int] = set()
    _walk_together(data, loss.grad_fn, data["variables"]["loss"]["node"], shapes, seen)
    assert seen == set(range(len(data["graph"]["nodes"])))  # nothing else in the trace
    leaves = leaves_by_label(data)
    assert set(leaves) == set(PARAMETERS)
    for name, parameter in net.named_parameters():
        assert torch.equal(tensor_of(data, leaves[name]["value"]), parameter.detach())
        assert "grad" not in leaves[name]
    labels = {node.get("label") for node in data["graph"]["nodes"]}
    # this frame's locals name the intermediates
    assert {"first", "squashed", "out", "loss"} <= labels
    assert first.grad_fn and squashed.grad_fn and out.grad_fn  # (bound for their names)


def _show_elsewhere(loss: torch.Tensor, model: torch.nn.Module | None) -> gradtrace.Trace:
    """show() from a frame where no variable holds the model."""
    return gradtrace.show(loss, model, max_values=64)


def test_parameter_names_come_from_the_model_passed() -> None:
    net, tensors = _forward()
    loss = tensors.pop("loss")
    del tensors
    labelled = leaves_by_label(_show_elsewhere(loss, net).to_dict())
    assert set(labelled) == set(PARAMETERS)
    unnamed = _show_elsewhere(loss, None).to_dict()
    assert leaves_by_label(unnamed).keys() <= {"loss"}
    assert sum(node["op"] == "AccumulateGrad" for node in unnamed["graph"]["nodes"]) == 4


def test_show_after_backward_has_every_grad() -> None:
    net, tensors = _forward()
    tensors["loss"].backward()
    data = gradtrace.show(tensors["loss"], net, max_values=64).to_dict()
    summary = gradtrace.show(tensors["loss"], net).summary()
    leaves = leaves_by_label(data)
    grads = {name: p.grad for name, p in net.named_parameters() if p.grad is not None}
    assert set(grads) == set(PARAMETERS)
    for name, grad in grads.items():
        assert torch.allclose(tensor_of(data, leaves[name]["grad"]), grad), name
        assert f"{name}" in summary and f"{grad.norm().item():.4g}" in summary


def test_show_of_a_leaf_draws_its_node() -> None:
    leaf = torch.ones(2, requires_grad=True)
    with torch.no_grad():
        data = gradtrace.show(leaf).to_dict()
    assert [(n["op"], n.get("label")) for n in data["graph"]["nodes"]] == [("AccumulateGrad",
                                                                            "leaf")]
    assert data["variables"]["leaf"]["node"] == 0 and "output" not in data["variables"]
    plain = gradtrace.show(torch.ones(2)).to_dict()  # no graph at all: no node, one tensor
    assert plain["graph"]["nodes"] == [] and list(plain["variables"]) == ["output"]


def test_show_takes_a_tensor() -> None:
    try:
        gradtrace.show([1, 2])  # type: ignore[arg-type]
    except TypeError as exc:
        assert "takes a tensor" in str(exc)
    else:
        raise AssertionError("show() accepted a list")
