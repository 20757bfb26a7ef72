"""A reply of a hardened worker stays within the real default cap (5 MB) and says what it cut.

The program lists 100,000 values per tensor (a request may ask for that many), so its whole
trace is well over 5 MB; the worker, hardened as in service, must send at most 5 MB, and the
leaf's gradient statistics must still be PyTorch's.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import orjson
import pytest
import torch

from gradtrace.sandbox import worker
from gradtrace.sandbox.limits import ProcessLimits, harden
from gradtrace.tracing import TraceOptions, dumps
from gradtrace.tracing.budget import DEFAULT_MAX_REPLY_BYTES
from gradtrace.tracing.references import broken_reference
from tests.conftest import check_trace
from tests.sandbox.hardened import Runner

BIG = """import torch
x = torch.linspace(0, 1, 100000, requires_grad=True)
y = x
for i in range(12):
    y = torch.sin(y) * 1.5
y.sum().backward()
"""


def _worker_reply(limits: ProcessLimits, code: str) -> tuple[int, bytes]:
    """A scenario for the warmed parent: harden, run the job as a worker does, reply."""
    harden(limits)
    job = {"code": code, "options": dataclasses.asdict(TraceOptions(max_values=100_000)),
           "time_limit": 20.0}
    result = worker._run(job, limits)
    whole = len(dumps(result))
    return whole, worker._reply(result, limits.max_reply_bytes).body


def test_a_worker_reply_fits_the_default_cap(run: Runner) -> None:
    outcome = run(_worker_reply, ProcessLimits(cpu_seconds=30), BIG, timeout=60)
    assert outcome["how"] == "returned", outcome
    whole, body = outcome["value"]
    assert whole > DEFAULT_MAX_REPLY_BYTES
    assert len(body) <= DEFAULT_MAX_REPLY_BYTES
    check_trace(body)
    trace: dict[str, Any] = orjson.loads(body)
    assert broken_reference(trace) is None
    assert trace["ok"] is True
    assert [part["part"] for part in trace["reply_cut"]["parts"]] == ["values"]
    x = torch.linspace(0, 1, 100000, requires_grad=True)
    y = x
    for _ in range(12):
        y = torch.sin(y) * 1.5
    y.sum().backward()
    grad = trace["tensors"][trace["variables"]["x"]["grad"]]["stats"]
    assert grad[2] == pytest.approx(x.grad.mean().item(), rel=1e-4)
