"""The worker pool: a fresh hardened process per program, and nothing left behind."""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from gradtrace.sandbox.limits import ProcessLimits
from gradtrace.sandbox.pool import PoolConfig, WorkerPool

PROGRAM = """
import torch
x = torch.ones(1, requires_grad=True)
print((x * 2).requires_grad, torch.zeros(1).dtype)
torch.set_grad_enabled(False)
"""


def _job(code: str, time_limit: float = 5.0) -> dict[str, Any]:
    options = {"max_nodes": 1000, "max_events": 10000, "max_values": 64,
               "max_stdout_bytes": 10000, "seed": 0}
    return {"code": code, "options": options, "time_limit": time_limit}


def _descendants(pid: int) -> set[int]:
    """Every live descendant of ``pid``, read from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z":
            children.setdefault(int(fields[1]), []).append(int(entry))
    found: set[int] = set()
    stack = [pid]
    while stack:
        for child in children.get(stack.pop(), []):
            found.add(child)
            stack.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


async def _scenario() -> tuple[list[dict[str, Any]], set[int], set[int]]:
    pool = WorkerPool(PoolConfig(workers=2, queue=4, time_limit=2.0,
                                 limits=ProcessLimits(cpu_seconds=4), spares=2))
    await pool.start()
    zygote = pool._zygote._process
    assert zygote is not None
    during = {zygote.pid} | _descendants(zygote.pid)
    results = [(await pool.run(_job(PROGRAM))).result() for _ in range(3)]
    results.append((await pool.run(_job("while True:\n    pass\n", 1.0))).result())
    results.append((await pool.run(_job(PROGRAM))).result())
    pool.close()
    await asyncio.sleep(0.5)
    return results, during, {pid for pid in during if _alive(pid)}


def test_each_program_gets_a_fresh_process_and_close_leaves_nothing() -> None:
    # a thread of its own: other tests (Playwright's sync API) may leave a loop running here
    with ThreadPoolExecutor(1) as runner:
        results, during, after = runner.submit(asyncio.run, _scenario()).result()
    # set_grad_enabled(False) in one program never reaches the next one
    for result in results[:3] + results[4:]:
        assert result["ok"], result["error"]
        assert result["stdout"] == "True torch.float32\n"
    assert results[3]["error"]["kind"] == "timeout"
    assert len(during) >= 3  # the zygote and its spare workers, all gone after close()
    assert after == set()
