"""A pool of warm, one-shot worker processes and the queue in front of them.

Workers are forked by the zygote (``gradtrace.sandbox.zygote``, reached through its handle in
``zygote_handle``), which imports torch once; each worker serves a single program and exits,
so no state (uninitialised memory, global torch settings, monkey-patching) survives from one
request to the next. Spare workers are started ahead of
demand so that a request never waits for a fork.

Everything runs on the event loop (non-blocking sockets, :mod:`gradtrace.sandbox.channel`): the
server never waits on a worker or the zygote in a thread, so no request pays for handing
the GIL to a pool thread and back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

import orjson

from gradtrace.sandbox.channel import Channel
from gradtrace.sandbox.errors import QueueFull
from gradtrace.sandbox.limits import ProcessLimits
from gradtrace.sandbox.reply import TraceReply
from gradtrace.sandbox.zygote_handle import Zygote
from gradtrace.sandbox.zygote_protocol import REHEARSE, WORKER_READY
from gradtrace.tracing import (
    ProgramTimeout,
    describe_error,
    error_object,
    failure_result,
    fixed_hint,
)

__all__ = ["PoolConfig", "WorkerPool"]

_READY_TIMEOUT = 30.0
_RESULT_GRACE = 2.0
_MAX_META_BYTES = 4096
# A used worker's replacement is forked this long after the job ends. Forked at once, the
# fork, the new worker's hardening and its rehearsal competed for the two cores with the
# server sending the reply (measured, idle server, A/B interleaved: 1.5-2 ms of a 10 ms
# small trace; back to back it makes no difference).
_REFILL_DELAY = 0.005
_log = logging.getLogger("gradtrace.pool")


@dataclass(frozen=True)
class PoolConfig:
    """How many workers, how long a program may run, and what each worker may use."""

    workers: int
    queue: int
    time_limit: float
    limits: ProcessLimits
    spares: int = 0


@dataclass
class _Worker:
    pid: int
    channel: Channel
    rehearsed: bool = False  # REHEARSE sent: it ran only our own warm-up program


def _failure(error: dict[str, Any]) -> TraceReply:
    return TraceReply.from_result(failure_result(error))


class WorkerPool:
    """Runs programs in fresh sandboxed processes, at most ``workers`` at once."""

    def __init__(self, config: PoolConfig) -> None:
        self.config = config
        self._zygote = Zygote(config.limits)
        self._spares: deque[_Worker] = deque()
        self._slots = asyncio.Semaphore(config.workers)
        self._refilling: asyncio.Task[None] | None = None
        self.waiting = 0
        self.busy = 0
        self.restarts = 0

    async def _spawn(self) -> _Worker:
        pid, sock = await self._zygote.fork()
        return _Worker(pid, Channel(sock))

    async def _ready_worker(self) -> _Worker:
        """A started worker that has hardened itself and waits for a job."""
        while True:
            worker = self._next_spare() or await self._spawn()
            try:
                ready = await asyncio.wait_for(worker.channel.recv(16), _READY_TIMEOUT)
                if ready == WORKER_READY:
                    return worker
            except (EOFError, OSError, TimeoutError):
                pass
            self._dispose(worker)

    def _next_spare(self) -> _Worker | None:
        """The oldest rehearsed spare (its faults already taken), else the oldest, else None."""
        for worker in self._spares:
            if worker.rehearsed:
                self._spares.remove(worker)
                return worker
        return self._spares.popleft() if self._spares else None

    def _dispose(self, worker: _Worker) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(worker.pid, signal.SIGKILL)  # the zygote reaps it
        worker.channel.close()

    def _refill_soon(self, delay: float) -> None:
        """Top the spares up in the background after ``delay`` s, unless already under way."""
        if self._refilling is None or self._refilling.done():
            self._refilling = asyncio.get_running_loop().create_task(self._refill(delay))

    async def _refill(self, delay: float = 0.0) -> None:
        await asyncio.sleep(delay)
        try:
            while len(self._spares) < self.config.spares:
                self._spares.append(await self._spawn())
        except RuntimeError as exc:  # the zygote is gone: requests will say so themselves
            _log.warning("could not start a spare worker: %s", exc)
        for worker in list(self._spares):
            if self._idle() and worker in self._spares:  # not handed out meanwhile
                await self._rehearse(worker)

    def _idle(self) -> bool:
        """No program runs or waits: CPU spent now delays nobody.

        Back-to-back requests keep a program running at nearly every moment, and rehearsing
        then cost each trace ~6 ms more CPU (measured, one client, A/B interleaved) for
        faults the program would take anyway; a spare forked meanwhile is rehearsed at the
        next idle moment, before the spares that were rehearsed are handed out.
        """
        return self.waiting == 0 and self.busy == 0

    @staticmethod
    async def _rehearse(worker: _Worker) -> None:
        """Let a spare take its copy-on-write faults now rather than during a user's trace.

        It costs a trace of a small trusted program (~3 ms of CPU besides the faults), so it
        is asked for only when the pool is idle: under load every cycle goes to programs.
        """
        if worker.rehearsed:
            return
        worker.rehearsed = True
        with contextlib.suppress(OSError):  # a dead spare is replaced when it is picked
            await worker.channel.send(REHEARSE)

    async def _execute(self, job: dict[str, Any]) -> TraceReply:
        worker = await self._ready_worker()
        started = time.monotonic()
        deadline = self.config.time_limit + _RESULT_GRACE
        try:
            await worker.channel.send(orjson.dumps(job))
            try:
                meta = await asyncio.wait_for(worker.channel.recv(_MAX_META_BYTES), deadline)
            except TimeoutError:
                self.restarts += 1
                return self._timeout()
            # the worker cuts every trace to the cap (tracing.budget): more is not a trace
            cap = self.config.limits.max_reply_bytes
            body = await asyncio.wait_for(worker.channel.recv(cap), deadline)
            return TraceReply.from_wire(meta, body)
        except (EOFError, OSError, TimeoutError, orjson.JSONDecodeError):
            return self._death_result(worker, time.monotonic() - started)
        finally:
            self._dispose(worker)
            self._refill_soon(_REFILL_DELAY)

    def _timeout(self) -> TraceReply:
        """A worker stopped at the wall-clock limit: the same error as the worker's alarm."""
        return _failure(describe_error(ProgramTimeout(self.config.time_limit)))

    def _death_result(self, worker: _Worker, elapsed: float) -> TraceReply:
        """Explain a worker that died without answering."""
        self.restarts += 1
        if elapsed >= self.config.time_limit:
            return self._timeout()
        return _failure(error_object(
            "crash", "CrashError", "The worker running the program died before it could answer.",
            None, fixed_hint("worker_died")))

    async def run(self, job: dict[str, Any]) -> TraceReply:
        """Run one job, waiting for a free worker unless the queue is full."""
        if self._slots.locked() and self.waiting >= self.config.queue:
            raise QueueFull(self.config.queue)
        self.waiting += 1
        try:
            await self._slots.acquire()
        finally:
            self.waiting -= 1
        self.busy += 1
        try:
            return await self._execute(job)
        finally:
            self.busy -= 1
            self._slots.release()

    async def start(self) -> None:
        """Start the zygote and the spare workers (slow: the zygote imports torch once)."""
        self._zygote.start()
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, self._zygote.wait_ready, _READY_TIMEOUT)
        await self._refill()

    def close(self) -> None:
        """Kill every worker this pool started."""
        if self._refilling is not None:
            self._refilling.cancel()
        while self._spares:
            self._dispose(self._spares.popleft())
        self._zygote.close()
