"""``with gradtrace.trace() as t:`` on a two-file project, with plain PyTorch as the oracle.

The same training code runs twice from the same seed, once plainly and once inside the
block: the trace must hold the gradients PyTorch computed, the graph PyTorch built, and
say which file and line of the project made each node.
"""

from __future__ import annotations

from typing import Any

import torch

import gradtrace
from tests.library.helpers import (
    MODEL_PY,
    PARAMETERS,
    TRAIN_PY,
    assert_grads_equal,
    file_index,
    leaves_by_label,
    line_of,
    ops_reachable,
    project_on_path,
    tensor_of,
)
from tests.tracing.oracle import walk_grad_fn


def _traced_and_plain(count: int, **options: Any) -> tuple[gradtrace.Trace, Any, Any]:
    """The project trained under the tracer, (model, loss) of the plain run and of the traced
    one (bound inside the block, so the trace names the loss ``traced_loss``)."""
    with project_on_path() as train:
        plain = train.train(train.Config(steps=count))
        with gradtrace.trace(**options) as recording:
            traced_model, traced_loss = train.train(train.Config(steps=count))
    assert all(torch.equal(a, b) for a, b in zip(plain[0].parameters(),
                                                 traced_model.parameters(), strict=True))
    return recording, plain, (traced_model, traced_loss)


def _grads(model: torch.nn.Module) -> dict[str, torch.Tensor]:
    return {name: p.grad for name, p in model.named_parameters() if p.grad is not None}


def test_every_parameter_grad_and_the_loss_graph_match_pytorch() -> None:
    trace, (model, loss), _ = _traced_and_plain(3, max_values=64)
    data = trace.to_dict()
    assert trace.ok and trace.error is None
    leaves = leaves_by_label(data)
    assert set(PARAMETERS) <= set(leaves)
    assert_grads_equal({name: tensor_of(data, leaves[name]["grad"]) for name in PARAMETERS},
                       _grads(model))
    ops, count = ops_reachable(data, data["variables"]["traced_loss"]["node"])
    assert (ops, count) == walk_grad_fn(loss.grad_fn)
    assert tensor_of(data, data["variables"]["traced_loss"]["value"]).item() == loss.item()
    # three forward passes over the same four parameters: 3 x 8 ops and 4 leaves
    assert len(data["graph"]["nodes"]) == 3 * sum(ops.values()) + 4
    assert [call["kind"] for call in data["calls"]] == ["backward"] * 3


def _expected_place(node: dict[str, Any], module: str | None) -> tuple[Any, str]:
    """Which project file and which text on its line made ``node``."""
    label = node.get("label") or ""
    if node["op"] == "AccumulateGrad":
        return MODEL_PY, f"self.{label.split('.')[0]} = nn.Linear"
    if node["op"] == "TanhBackward0":
        return MODEL_PY, "torch.tanh(hidden)"
    if node["op"] in ("AddmmBackward0", "TBackward0"):
        return MODEL_PY, {"fc1": "self.fc1(x)", "fc2": "self.fc2(hidden)"}[str(module)]
    if node["op"] == "SubBackward0":
        return TRAIN_PY, "prediction - target"
    assert node["op"] in ("PowBackward0", "MeanBackward0"), node
    return TRAIN_PY, "(error ** 2).mean()"


def test_nodes_name_the_file_and_line_that_made_them() -> None:
    trace, _, _ = _traced_and_plain(2)
    data = trace.to_dict()
    index = {path: file_index(data, path) for path in (MODEL_PY, TRAIN_PY)}
    assert data["files"][0]["path"].endswith("test_session.py")  # the file that opened it
    for path, i in index.items():
        assert data["files"][i]["source"] == path.read_text()
    for node in data["graph"]["nodes"]:
        call = node.get("module_call")
        module = None if call is None else data["module_calls"][call]["module"]
        path, text = _expected_place(node, module)
        assert (node.get("file", 0), node["line"]) == (index[path], line_of(path, text)), node
    for call in data["calls"]:
        assert (call.get("file", 0), call["line"]) == (index[TRAIN_PY],
                                                       line_of(TRAIN_PY, "loss.backward()"))
    writes = [e for e in data["events"] if isinstance(e, dict) and "grad_write" in e]
    # optimizer.zero_grad() of step 1 (in step 0 no parameter had a node or a .grad yet)
    assert len(writes) == len(PARAMETERS)
    zero = line_of(TRAIN_PY, "optimizer.zero_grad()")
    assert {(event.get("file", 0), event["line"]) for event in writes} == {(index[TRAIN_PY], zero)}
    assert {call["module"] for call in data["module_calls"]} == {"model", "fc1", "fc2"}


def test_an_error_inside_the_block_propagates_and_points_at_model_py() -> None:
    with project_on_path() as train:
        try:
            with gradtrace.trace() as trace:
                train.train(train.Config(steps=1), bad_input=True)
        except RuntimeError as exc:
            raised = str(exc)
        else:
            raise AssertionError("the block's error was swallowed")
    error = trace.error
    assert error is not None and not trace.ok
    assert (error["kind"], error["type"], error["message"]) == ("runtime", "RuntimeError", raised)
    data = trace.to_dict()
    assert error.get("file", 0) == file_index(data, MODEL_PY)
    assert error["line"] == line_of(MODEL_PY, "self.fc1(x)")
    assert f"model.py:{error['line']}" in trace.summary()


def test_a_trace_opened_inside_a_function_names_its_locals() -> None:
    def step() -> tuple[gradtrace.Trace, torch.Tensor]:
        weights = torch.arange(3.0, requires_grad=True)
        with gradtrace.trace() as recording:
            doubled = weights * 2
            total = doubled.sum()
            total.backward()
        assert weights.grad is not None
        return recording, weights.grad

    trace, grad = step()
    data = trace.to_dict()
    assert [(n["op"], n.get("label")) for n in data["graph"]["nodes"]] == [
        ("AccumulateGrad", "weights"), ("MulBackward0", "doubled"), ("SumBackward0", "total")]
    assert set(data["variables"]) == {"weights", "doubled", "total"}
    assert torch.equal(tensor_of(data, data["variables"]["weights"]["grad"]), grad)


def test_a_cap_stops_the_recording_and_the_training_runs_to_the_end() -> None:
    for option, cap in (("max_nodes", 5), ("max_events", 10)):
        trace, (model, loss), (traced_model, traced_loss) = _traced_and_plain(3, **{option: cap})
        error = trace.error
        assert error is not None and error["kind"] == "output_limit", error
        assert f"Pass {option}=" in error["hint"] and "ran on to the end" in error["hint"]
        assert error["hint"] in trace.summary()
        assert traced_loss.item() == loss.item()
        assert_grads_equal(_grads(traced_model), _grads(model))
        data = trace.to_dict()
        if option == "max_nodes":
            assert len(data["graph"]["nodes"]) <= cap
            assert data["calls"] == []  # cut inside the first forward pass


def _leaf_grads_of_call(data: dict[str, Any], call: int) -> dict[str, torch.Tensor]:
    nodes = data["graph"]["nodes"]
    return {nodes[event["node"]]["label"]: tensor_of(data, event["leaf_grad"])
            for event in data["events"]
            if isinstance(event, dict) and event.get("call") == call and "leaf_grad" in event}


def test_steps_records_only_the_chosen_steps() -> None:
    trace, _, _ = _traced_and_plain(3, steps=[1], max_values=64)
    data = trace.to_dict()
    assert trace.ok and len(data["calls"]) == 1
    with project_on_path() as train:
        two_steps, _ = train.train(train.Config(steps=2))  # step 1's gradients are its last
    assert_grads_equal(_leaf_grads_of_call(data, data["calls"][0]["index"]), _grads(two_steps))
    leaves = leaves_by_label(data)
    # a leaf's grad is what the last recorded step left, not what later unrecorded steps
    # wrote into .grad
    assert_grads_equal({name: tensor_of(data, leaves[name]["grad"]) for name in PARAMETERS},
                       _grads(two_steps))
    assert len(data["graph"]["nodes"]) == 8 + 4  # one forward pass, four parameters
    for steps, calls in ((range(2), 2), (lambda k: k % 2 == 0, 2), ([], 0), (None, 3)):
        trace, _, _ = _traced_and_plain(3, steps=steps)
        assert len(trace.to_dict()["calls"]) == calls, steps
