"""The sandbox as the rest of the app sees it: check a program, then run it in a worker.

The static policy runs here, in the server, because it is fast and refuses most attacks
with a precise line and column before any process is involved.
"""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

from gradtrace.sandbox.allow_owned import private_reserved
from gradtrace.sandbox.errors import PolicyError
from gradtrace.sandbox.limits import ProcessLimits
from gradtrace.sandbox.policy import check
from gradtrace.sandbox.pool import PoolConfig, WorkerPool
from gradtrace.sandbox.reply import TraceReply
from gradtrace.settings import Settings
from gradtrace.tracing import TraceOptions, failure_result

__all__ = ["Sandbox", "policy_failure", "trace_options"]


def policy_failure(exc: PolicyError) -> dict[str, Any]:
    """The response for a program the static policy refused, with the offending line."""
    return failure_result(exc.to_dict())


def trace_options(settings: Settings, max_values: int | None = None, seed: int = 0) -> TraceOptions:
    """The caps every trace runs under, from the settings (the server's and the CLI's)."""
    return TraceOptions(
        max_nodes=settings.max_nodes,
        max_events=settings.max_events,
        max_values=max_values or settings.max_tensor_values,
        max_stdout_bytes=settings.max_stdout_bytes,
        seed=seed,
    )


class Sandbox:
    """Runs untrusted programs: static policy, then a fresh hardened worker per program."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        limits = ProcessLimits(
            memory_limit_mb=settings.memory_limit_mb,
            cpu_seconds=int(settings.time_limit) + 2,
            max_reply_bytes=settings.max_reply_bytes,
        )
        self.pool = WorkerPool(PoolConfig(
            workers=settings.workers,
            queue=settings.queue,
            time_limit=settings.time_limit,
            limits=limits,
            spares=max(2 * settings.workers, 4),
        ))

    def options(self, max_values: int | None = None, seed: int = 0) -> TraceOptions:
        """Trace caps from the settings; a request may ask for fewer or more values."""
        return trace_options(self.settings, max_values, seed)

    async def trace(self, code: str, options: TraceOptions) -> TraceReply:
        """Trace ``code`` safely; raises QueueFull when every worker and queue slot is taken."""
        try:
            check(code, self.settings.max_code_chars)
        except PolicyError as exc:
            return TraceReply.from_result(policy_failure(exc))
        job = {
            "code": code,
            "options": dataclasses.asdict(options),
            "time_limit": self.settings.time_limit,
        }
        return await self.pool.run(job)

    async def start(self) -> None:
        """Warm the worker pool (the zygote imports torch once) and the policy's name sets."""
        # private_reserved() computes (and caches) both reserved-name sets the policy reads:
        # about 1 s of dir() over torch's objects, else paid by the first program that asks
        await asyncio.gather(self.pool.start(), asyncio.to_thread(private_reserved))

    def close(self) -> None:
        """Stop every worker."""
        self.pool.close()
