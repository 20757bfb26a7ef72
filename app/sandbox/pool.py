"""A pool of warm, one-shot worker processes and the queue in front of them.

Workers are forked by the zygote (``app.sandbox.zygote``), which imports torch once; each
worker serves a single program and exits, so no state (uninitialised memory, global torch settings,
monkey-patching) survives from one request to the next. Spare workers are started ahead of
demand so that a request never waits for a fork.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import threading
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

import orjson

from app.sandbox.errors import QueueFull
from app.sandbox.limits import ProcessLimits
from app.sandbox.reply import TraceReply
from app.sandbox.zygote import Zygote
from app.tracing import ProgramTimeout, failure_result
from app.tracing.errors import describe_error

__all__ = ["PoolConfig", "WorkerPool"]

_READY_TIMEOUT = 30.0
_RESULT_GRACE = 2.0
_MAX_META_BYTES = 4096
# A trace within the node and event caps is far smaller; a larger reply is an attack.
_MAX_REPLY_BYTES = 256 * 1024 * 1024


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
    conn: Connection


def _error(kind: str, message: str, hint: str) -> dict[str, Any]:
    return {"kind": kind, "type": kind.capitalize() + "Error", "message": message,
            "line": None, "hint": hint}


def _failure(error: dict[str, Any]) -> TraceReply:
    return TraceReply.from_result(failure_result(error))


class WorkerPool:
    """Runs programs in fresh sandboxed processes, at most ``workers`` at once."""

    def __init__(self, config: PoolConfig) -> None:
        self.config = config
        self._zygote = Zygote(config.limits)
        self._spares: deque[_Worker] = deque()
        self._slots = asyncio.Semaphore(config.workers)
        self._threads = ThreadPoolExecutor(config.workers + 2, thread_name_prefix="gt-pool")
        self._refill_lock = threading.Lock()
        self.waiting = 0
        self.busy = 0
        self.restarts = 0

    def _spawn(self) -> _Worker:
        pid, conn = self._zygote.fork()
        return _Worker(pid, conn)

    def _ready_worker(self) -> _Worker:
        """A started worker that has hardened itself and waits for a job."""
        while True:
            worker = self._spares.popleft() if self._spares else self._spawn()
            try:
                if worker.conn.poll(_READY_TIMEOUT) and worker.conn.recv_bytes() == b"ready":
                    return worker
            except (EOFError, OSError):
                pass
            self._dispose(worker)

    def _dispose(self, worker: _Worker) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(worker.pid, signal.SIGKILL)  # the zygote reaps it
        worker.conn.close()

    def _refill(self) -> None:
        with self._refill_lock:
            while len(self._spares) < self.config.spares:
                self._spares.append(self._spawn())

    def _run_blocking(self, job: dict[str, Any]) -> TraceReply:
        worker = self._ready_worker()
        started = time.monotonic()
        try:
            worker.conn.send_bytes(orjson.dumps(job))
            deadline = self.config.time_limit + _RESULT_GRACE
            if worker.conn.poll(deadline):
                meta = worker.conn.recv_bytes(_MAX_META_BYTES)
                return TraceReply.from_wire(meta, worker.conn.recv_bytes(_MAX_REPLY_BYTES))
            self.restarts += 1
            return self._timeout()
        except (EOFError, OSError, orjson.JSONDecodeError):
            return self._death_result(worker, time.monotonic() - started)
        finally:
            self._dispose(worker)
            self._threads.submit(self._refill)

    def _timeout(self) -> TraceReply:
        """A worker stopped at the wall-clock limit: the same error as the worker's alarm."""
        return _failure(describe_error(ProgramTimeout(self.config.time_limit)))

    def _death_result(self, worker: _Worker, elapsed: float) -> TraceReply:
        """Explain a worker that died without answering."""
        self.restarts += 1
        if elapsed >= self.config.time_limit:
            return self._timeout()
        return _failure(_error(
            "crash",
            "The worker running the program died before it could answer.",
            "Something in the program crashed the process; the server is fine. "
            "Simplify the program to find the call that crashes.",
        ))

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
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._threads, self._run_blocking, job)
        finally:
            self.busy -= 1
            self._slots.release()

    async def start(self) -> None:
        """Start the zygote and the spare workers (slow: the zygote imports torch once)."""
        self._zygote.start()
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._threads, self._zygote.wait_ready, _READY_TIMEOUT)
        await loop.run_in_executor(self._threads, self._refill)

    def close(self) -> None:
        """Kill every worker this pool started."""
        while self._spares:
            self._dispose(self._spares.popleft())
        self._zygote.close()
        self._threads.shutdown(wait=False, cancel_futures=True)
