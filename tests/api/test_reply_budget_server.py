"""A real server's reply stays within the default byte cap (5 MB) and says what it cut.

The program asks for 100,000 values per tensor (``options.max_values``), so its whole trace
is over 25 MB; the session's server, with the default ``max_reply_bytes``, must answer with
at most 5,000,000 bytes that validate (tests/conftest.py checks every reply), cut only the
listed values, and keep PyTorch's gradient statistics.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import torch

from gradtrace.tracing.references import broken_reference
from tests.sandbox.test_reply_budget import BIG  # the same 25 MB+ program as the worker's test


def test_the_server_cuts_a_big_reply_to_the_default_cap(http: httpx.Client) -> None:
    response = http.post("/api/v1/trace", json={"code": BIG, "options": {"max_values": 100_000}})
    assert response.status_code == 200
    assert len(response.content) <= 5_000_000
    trace: dict[str, Any] = response.json()
    assert trace["ok"] is True, trace["error"]
    assert broken_reference(trace) is None
    cut = trace["reply_cut"]
    assert cut["cap"] == 5_000_000 and cut["size"] > 25_000_000
    assert [part["part"] for part in cut["parts"]] == ["values"]
    assert any("values" in entry for entry in trace["tensors"])  # the small ones stay listed
    x = torch.linspace(0, 1, 100000, requires_grad=True)
    y = x
    for _ in range(12):
        y = torch.sin(y) * 1.5
    y.sum().backward()
    stats = trace["tensors"][trace["variables"]["x"]["grad"]]["stats"]
    expected = [x.grad.min(), x.grad.max(), x.grad.mean(), x.grad.std(), x.grad.norm()]
    assert stats == pytest.approx([v.item() for v in expected], rel=1e-4)


def test_a_cap_set_by_the_operator_reaches_the_workers() -> None:
    """GRADTRACE_MAX_REPLY_BYTES is the worker's cap, not only a setting the server reads."""
    from tests.api.live_server import running

    cap = 200_000
    with running("--workers", "1", max_reply_bytes=cap) as server:
        response = httpx.post(f"{server.url}/api/v1/trace", timeout=60,
                              json={"code": BIG, "options": {"max_values": 100_000}})
    assert response.status_code == 200
    assert len(response.content) <= cap
    trace: dict[str, Any] = response.json()
    assert trace["reply_cut"]["cap"] == cap
    assert broken_reference(trace) is None
