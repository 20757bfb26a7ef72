"""What ``harden()`` limits and what it must leave intact: resources, gradients, traces.

Each scenario runs in a child forked from a warmed-up parent (see :mod:`tests.sandbox.hardened`)
and hardens itself first. The memory and CPU limits must stop a bomb, while real work must come
out bit for bit as it does unhardened: gradients of small models and the trace of every gallery
program. Hardening itself must stay cheap, since every request pays for it. What hardening
refuses (files, processes, syscalls) is in ``test_limits.py``.
"""

from __future__ import annotations

import signal
import time
from pathlib import Path
from typing import Any

import pytest
import torch

from gradtrace.sandbox.limits import ProcessLimits, harden
from tests.sandbox.child import returned
from tests.sandbox.hardened import GALLERY, Runner, trace_json

pytestmark = pytest.mark.timeout(120)


# --------------------------------------------------------------------------- child scenarios


def sc_memory(limits: ProcessLimits, arg: Any) -> Any:
    harden(limits)
    big: dict[str, str] = {}
    for name, make in (
        ("torch", lambda: torch.empty(1 << 30, dtype=torch.float32)),  # 4 GiB
        ("bytearray", lambda: bytearray(4 << 30)),
    ):
        try:
            make()
            big[name] = "allocated"
        except (MemoryError, RuntimeError) as exc:
            big[name] = type(exc).__name__
    small = float(torch.ones(25_000_000).sum())  # 100 MB
    return {"big": big, "small": small}


def sc_cpu_bomb(limits: ProcessLimits, arg: Any) -> Any:
    harden(limits)
    while True:
        pass


def sc_gradients(limits: ProcessLimits, arg: Any) -> Any:
    harden(limits)
    return _reference_gradients()


def sc_harden_cost(limits: ProcessLimits, arg: Any) -> Any:
    start = time.perf_counter()
    harden(limits)
    return time.perf_counter() - start


def sc_trace(limits: ProcessLimits, arg: Any) -> Any:
    harden(limits)
    return trace_json(arg)


def _reference_gradients() -> list[list[float]]:
    """Forward and backward of a small MLP and a TransformerEncoderLayer; every .grad."""
    torch.manual_seed(1234)
    mlp = torch.nn.Sequential(torch.nn.Linear(6, 12), torch.nn.Tanh(), torch.nn.Linear(12, 3))
    layer = torch.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True)
    x = torch.randn(4, 6, requires_grad=True)
    seq = torch.randn(2, 5, 8, requires_grad=True)
    loss = torch.nn.functional.cross_entropy(mlp(x), torch.tensor([0, 2, 1, 0]))
    (loss + layer(seq).pow(2).mean()).backward()
    tensors = [x, seq, *mlp.parameters(), *layer.parameters()]
    return [t.grad.flatten().tolist() for t in tensors if t.grad is not None]


# --------------------------------------------------------------------------- tests


def test_memory_limit_refuses_4_gib_but_allows_100_mb(run: Runner) -> None:
    value = returned(run(sc_memory, ProcessLimits(memory_limit_mb=1024)))
    assert value["big"] == {"torch": "RuntimeError", "bytearray": "MemoryError"}
    assert value["small"] == 25_000_000.0


def test_cpu_bomb_is_killed_by_sigxcpu(run: Runner) -> None:
    result = run(sc_cpu_bomb, ProcessLimits(cpu_seconds=1), timeout=30)
    assert not result["timed_out"]
    assert result["signal"] in (signal.SIGXCPU, signal.SIGKILL), result


def test_gradients_are_identical_after_hardening(run: Runner) -> None:
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # the worker's default; the reduction order must match
    try:
        expected = _reference_gradients()
    finally:
        torch.set_num_threads(threads)
    assert returned(run(sc_gradients)) == expected


def test_harden_is_cheap(run: Runner) -> None:
    seconds = returned(run(sc_harden_cost))
    print(f"harden() took {seconds * 1000:.1f} ms")
    assert seconds < 0.25


@pytest.mark.parametrize("example", GALLERY, ids=[path.stem for path in GALLERY])
def test_gallery_traces_identically_after_hardening(run: Runner, example: Path) -> None:
    source = example.read_text()
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        expected = trace_json(source)
    finally:
        torch.set_num_threads(threads)
    assert returned(run(sc_trace, arg=source)) == expected
