"""The code that runs inside a one-shot worker process.

A worker is forked from a warm parent that has torch already imported, hardens itself
(resource limits, seccomp, empty environment, private directory), waits for exactly one
program, traces it and sends the result back, then exits. Nothing a program does can reach
the next one: every program gets a freshly forked process.
"""

from __future__ import annotations

import os
import signal
from multiprocessing.connection import Connection
from types import FrameType
from typing import Any

import numpy  # noqa: F401 - imported here so forked workers start warm
import orjson
import torch
import torch.nn  # noqa: F401
import torch.nn.functional  # noqa: F401
import torch.optim  # noqa: F401

from app.sandbox.facade import build_globals
from app.sandbox.limits import ProcessLimits, harden
from app.tracing import ProgramTimeout, TraceOptions, trace_source

__all__ = ["JobSpec", "worker_main"]

JobSpec = dict[str, Any]


def _arm_alarm(seconds: float) -> None:
    """Raise ProgramTimeout inside the program after ``seconds`` of wall-clock time.

    This keeps the partial trace; the parent's hard kill is the backstop for code stuck
    in a long C call that never returns to Python.
    """

    def on_alarm(signum: int, frame: FrameType | None) -> None:
        raise ProgramTimeout(seconds)

    signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)


def worker_main(conn: Connection, limits: ProcessLimits) -> None:
    """Entry point of a worker process: harden, run one job, reply, exit."""
    try:
        harden(limits)
        conn.send_bytes(b"ready")
        job: JobSpec = orjson.loads(conn.recv_bytes())
        options = TraceOptions(**job["options"])
        _arm_alarm(float(job["time_limit"]))
        result = trace_source(job["code"], globals_dict=build_globals(), options=options)
        signal.setitimer(signal.ITIMER_REAL, 0)
        conn.send_bytes(orjson.dumps(result))
    finally:
        os._exit(0)
