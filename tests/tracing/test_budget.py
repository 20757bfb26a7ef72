"""The byte budget (gradtrace.tracing.budget): a reply never passes its cap and says what it cut.

Each program below makes a reply over a small cap in a different way (output, warnings, long
names, many values, many nodes, many variables). The reply must fit, validate, say what was
cut, be self-consistent, and what remains must still be PyTorch's numbers.
"""

from __future__ import annotations

import copy
import math
from typing import Any

import orjson
import pytest
import torch

from gradtrace.sandbox.limits import ProcessLimits
from gradtrace.sandbox.reply import TraceReply
from gradtrace.settings import Settings
from gradtrace.tracing import trace_source
from gradtrace.tracing.budget import DEFAULT_MAX_REPLY_BYTES, MIN_REPLY_BYTES, fit
from gradtrace.tracing.references import broken_reference
from gradtrace.tracing.wire import dumps, expand
from tests.conftest import check_trace


def _reply(code: str, cap: int) -> dict[str, Any]:
    """The worker's reply to ``code`` under a cap set through the settings."""
    settings = Settings(max_reply_bytes=cap)
    result = trace_source(code)
    reply = TraceReply.from_result(result, settings.max_reply_bytes)
    assert len(reply.body) <= cap
    check_trace(reply.body)
    trace = reply.result()
    assert broken_reference(trace) is None
    expand(trace)  # the reference reader reads it
    return trace


def _parts(trace: dict[str, Any]) -> list[str]:
    return [part["part"] for part in trace["reply_cut"]["parts"]]


def _stats(trace: dict[str, Any], index: int) -> list[float]:
    return [float(s) for s in trace["tensors"][index]["stats"]]


def test_output_alone_is_cut_and_the_gradient_is_pytorchs() -> None:
    code = ("import torch\nx = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)\n"
            "(x * x).sum().backward()\nfor i in range(4000):\n    print('line', i)\n")
    trace = _reply(code, 20_000)
    assert _parts(trace) == ["stdout"]
    part = trace["reply_cut"]["parts"][0]
    assert part["unit"] == "bytes" and part["dropped"] > 0
    assert part["kept"] == len(trace["stdout"].encode())
    assert trace["stdout"].startswith("line 0\nline 1\n")
    assert trace["reply_cut"]["size"] > 20_000
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (x * x).sum().backward()
    assert expand(trace)["variables"]["x"]["grad"]["values"] == x.grad.tolist()


def test_warnings_are_cut_after_the_output() -> None:
    code = ("import warnings\nimport torch\nx = torch.ones(2, requires_grad=True)\n"
            "for i in range(100):\n    warnings.warn(str(i) + ' ' + 'w' * 400)\n"
            "(3 * x).sum().backward()\n")
    trace = _reply(code, 20_000)
    assert _parts(trace) == ["warnings"]
    assert trace["warnings"][0].startswith("UserWarning: 0 www")
    assert expand(trace)["variables"]["x"]["grad"]["values"] == [3.0, 3.0]


def test_long_names_are_shortened() -> None:
    code = ("import torch\nnet = torch.nn.Sequential()\nfor i in range(12):\n"
            "    net.add_module(str(i) * 2000, torch.nn.Linear(2, 2))\n"
            "x = torch.ones(2, requires_grad=True)\nnet(x).sum().backward()\n")
    trace = _reply(code, 60_000)
    assert _parts(trace)[0] == "strings"
    assert all(len(call["module"]) <= 257 for call in trace["module_calls"])
    torch.manual_seed(0)
    net = torch.nn.Sequential(*[torch.nn.Linear(2, 2) for _ in range(12)])
    x = torch.ones(2, requires_grad=True)
    net(x).sum().backward()
    got = expand(trace)["variables"]["x"]["grad"]
    assert got["values"] == pytest.approx(x.grad.tolist(), rel=1e-5)


CHAIN = ("import torch\nx = torch.zeros(4, 4, requires_grad=True)\ny = x\n"
         "for i in range({n}):\n    y = y + 1\ny.sum().backward()\n")


def test_values_go_before_anything_else_and_stats_stay() -> None:
    code = CHAIN.format(n=120)
    full = trace_source(code)
    without = copy.deepcopy(full)
    for entry in without["tensors"]:
        entry.pop("values", None)
    cap = (len(dumps(full)) + len(dumps(without))) // 2
    trace = _reply(code, cap)
    assert _parts(trace) == ["values"]
    assert trace["reply_cut"]["parts"][0]["unit"] == "tensors"
    x = trace["variables"]["x"]
    assert _stats(trace, x["grad"]) == [1.0, 1.0, 1.0, 0.0, 4.0]  # ones(4, 4): norm 4
    nodes = trace["graph"]["nodes"]
    for node_id, node in enumerate(nodes[:-1]):  # node i holds zeros + i
        assert _stats(trace, node["value"])[:3] == [float(node_id)] * 3
    assert _stats(trace, nodes[-1]["value"])[0] == 16 * 120  # y.sum()


def test_nodes_are_cut_from_the_end_and_the_rest_is_the_graph_so_far() -> None:
    trace = _reply(CHAIN.format(n=3000), 30_000)
    assert _parts(trace)[-1] == "nodes"
    nodes = trace["graph"]["nodes"]
    part = trace["reply_cut"]["parts"][-1]
    assert part == {"part": "nodes", "unit": "nodes", "kept": len(nodes),
                    "dropped": 3002 - len(nodes)}  # x, 3000 adds, the sum
    assert 10 < len(nodes) < 3002
    assert nodes[0]["op"] == "AccumulateGrad"
    assert {node["op"] for node in nodes[1:]} == {"AddBackward0"}
    assert trace["graph"]["edges"] == [[i, i + 1] for i in range(len(nodes) - 1)]
    assert sum(e for e in trace["events"] if isinstance(e, int)) == len(nodes)
    for node_id, node in enumerate(nodes):
        assert _stats(trace, node["value"])[:3] == [float(node_id)] * 3
    assert trace["variables"]["y"]["node"] is None  # the last node was cut


def test_a_trace_that_cannot_be_cut_enough_becomes_an_error_that_says_why() -> None:
    code = ("import torch\nfor i in range(2000):\n    globals()[f'v{i}'] = torch.randn(3)\n"
            "print('done')\n")
    trace = _reply(code, MIN_REPLY_BYTES)
    assert _parts(trace)[-1] == "trace"
    assert trace["ok"] is False
    assert trace["error"]["kind"] == "output_limit"
    assert trace["error"]["type"] == "ReplyTooLarge"
    assert trace["stdout"] == "done\n"
    assert trace["reply_cut"]["size"] > MIN_REPLY_BYTES


def test_the_cut_is_deterministic() -> None:
    result = trace_source(CHAIN.format(n=800))
    assert fit(copy.deepcopy(result), 40_000) == fit(copy.deepcopy(result), 40_000)


def test_a_trace_within_the_cap_is_sent_as_it_is() -> None:
    result = trace_source(CHAIN.format(n=5))
    body = TraceReply.from_result(copy.deepcopy(result), DEFAULT_MAX_REPLY_BYTES).body
    assert body == dumps(result)
    assert "reply_cut" not in orjson.loads(body)


def test_the_setting_and_the_worker_limit_share_the_budgets_defaults() -> None:
    field = Settings.model_fields["max_reply_bytes"]
    assert field.default == DEFAULT_MAX_REPLY_BYTES == ProcessLimits().max_reply_bytes
    assert any(getattr(m, "ge", None) == MIN_REPLY_BYTES for m in field.metadata)
    with pytest.raises(ValueError, match="max_reply_bytes"):
        ProcessLimits(max_reply_bytes=MIN_REPLY_BYTES - 1)
    assert math.isclose(Settings(max_reply_bytes=20_000).max_reply_bytes, 20_000)


REPEATED = ("import torch\nx = torch.tensor([1.0, 2.0], requires_grad=True)\n"
            "loss = (x * x * 3).sum()\nfor i in range(400):\n"
            "    loss.backward(retain_graph=True)\n")


def test_events_are_cut_from_the_end_and_the_first_steps_stay_pytorchs() -> None:
    trace = _reply(REPEATED, 60_000)
    assert _parts(trace) == ["values", "events"]
    backward = [e for e in trace["events"] if isinstance(e, dict) and "leaf_grad" in e]
    part = trace["reply_cut"]["parts"][-1]
    assert 0 < part["kept"] < 1600 and part["kept"] + part["dropped"] == 1600
    assert [e["call"] for e in backward] == list(range(len(backward)))  # the first calls
    for event in backward:  # .grad after call c: (c + 1) * 6x, x = [1, 2]
        assert _stats(trace, event["leaf_grad"])[:3] == pytest.approx(
            [6.0 * (event["call"] + 1), 12.0 * (event["call"] + 1), 9.0 * (event["call"] + 1)])
    assert len(trace["calls"]) == 400  # every call is still named by the gradient flow


def test_gradient_flow_goes_after_the_events() -> None:
    trace = _reply(REPEATED, 40_000)
    assert _parts(trace) == ["values", "events", "grad_flow"]
    flow = trace["grad_flow"]
    assert [item["call"] for item in flow] == list(range(len(flow)))
    assert len(flow) == trace["reply_cut"]["parts"][-1]["kept"] < 400


def test_the_header_describes_the_reply_sent_even_the_last_resort() -> None:
    """The worker's header (outcome, nodes: logs and metrics) is read from what was sent."""
    code = ("import torch\nx = torch.ones(2, requires_grad=True)\ny = (x * 2).sum()\n"
            "for i in range(2000):\n    globals()[f'v{i}'] = torch.randn(3)\n")
    reply = TraceReply.from_result(trace_source(code), MIN_REPLY_BYTES)
    trace = reply.result()
    assert trace["error"]["type"] == "ReplyTooLarge"
    assert (reply.outcome, reply.nodes) == ("output_limit", len(trace["graph"]["nodes"]))


@pytest.mark.timeout(120)
def test_long_names_with_a_shared_start_are_cut_once_and_the_cut_ends() -> None:
    """Names that agree on their first 256 characters: shortened ones must stay distinct
    without growing back over the limit (that looped for ever), and no step may report
    negative savings."""
    stem = "w" * 253
    code = "import torch\n" + "".join(
        f"{stem}{i:04d} = torch.ones(2, requires_grad=True) * {i}\n" for i in range(60))
    trace = _reply(code, MIN_REPLY_BYTES)
    assert all(part["dropped"] >= 0 for part in trace["reply_cut"]["parts"])
    names = list(trace["variables"])
    assert len(names) == len(set(names)) and all(len(name) <= 256 for name in names)
