"""The code that runs inside a one-shot worker process.

The zygote (:mod:`gradtrace.sandbox.zygote`) calls :func:`warm_parent` once, which imports
torch and runs one complete trace, so every lazy import and one-time initialisation has
happened before any worker is forked; the web server never imports this module. A worker
then hardens itself (resource limits, seccomp, empty environment, deleted working
directory), waits for exactly one program (rehearsing first if the pool asks it to), traces
it, sends the result back and exits: nothing a program does reaches the next one.
"""

from __future__ import annotations

import gc
import os
from multiprocessing.connection import Connection
from typing import Any

import orjson

from gradtrace.sandbox.alarm import ProgramAlarm
from gradtrace.sandbox.allow_owned import private_reserved
from gradtrace.sandbox.channel import frame_header
from gradtrace.sandbox.facade import build_globals
from gradtrace.sandbox.limits import ProcessLimits, harden, warm_up
from gradtrace.sandbox.reply import TraceReply
from gradtrace.sandbox.seccomp_filter import CompiledFilter
from gradtrace.sandbox.zygote_protocol import REHEARSE, WORKER_READY
from gradtrace.tracing import (
    GC_THRESHOLDS,
    TraceOptions,
    error_object,
    failure_result,
    fixed_hint,
    trace_source,
)

__all__ = ["JobSpec", "warm_parent", "worker_main"]

JobSpec = dict[str, Any]

# Touches every part of the tracer and the facade a program can reach (modules, hooks,
# create_graph, optimizers, errors), so nothing is imported lazily after harden().
_WARM_PROGRAM = """
import math
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
x = torch.tensor(np.ones(3), dtype=torch.float32, requires_grad=True)
net = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
h = net.register_full_backward_hook(lambda m, gi, go: None)
loss = F.cross_entropy(net(x.unsqueeze(0)), torch.tensor([1])) + math.sqrt(2.0)
opt = torch.optim.Adam(net.parameters(), lr=0.1)
opt.zero_grad()
loss.backward(retain_graph=True)
opt.step()
(g,) = torch.autograd.grad(loss, x, create_graph=True)
g.sum().backward()
print(x.grad, torch.empty(2))
h.remove()
loss.backward()
loss.backward()
"""

# Every trace writes to the same ~1,600 pages of the zygote's heap (reference counts, the
# tracer's and torch's state). A spare worker that is told to rehearse traces this trusted
# program while it waits, so it has taken those copy-on-write faults (~7 ms here) before a
# user's program arrives. It is the same in every worker and carries nothing from one
# request to another. The pool asks for it only when there is idle CPU to spend on it.
_REHEARSAL = """
import torch
import torch.nn as nn
x = torch.ones(2, 2, requires_grad=True)
y = (x + 2) * x * 3
loss = nn.Linear(2, 1)(y).pow(2).mean()
loss.backward()
print(loss.item(), x.grad)
"""


def warm_parent() -> None:
    """Warm the fork server: imports, torch's one-time setup, and one full trace."""
    warm_up(extra_modules=("gradtrace.sandbox.facade_shims",))
    trace_source(_WARM_PROGRAM, globals_dict=build_globals())
    private_reserved()  # the facade's reserved names (~1 s): paid once, not in each worker


def _run(job: JobSpec, limits: ProcessLimits) -> dict[str, Any]:
    options = TraceOptions(**job["options"])
    alarm = ProgramAlarm(float(job["time_limit"])).arm()  # keeps the partial trace
    try:
        result = trace_source(job["code"], globals_dict=build_globals(), options=options)
    finally:
        alarm.disarm()
    error = result["error"]
    if error is not None and error["kind"] == "memory":
        error["message"] += f" (a run may use {limits.memory_limit_mb} MiB)"
    return result


def worker_main(conn: Connection, limits: ProcessLimits,
                seccomp: CompiledFilter | None = None) -> None:
    """Entry point of a worker process: harden, run one job, reply, exit.

    Args:
        conn: The worker's only channel to the server.
        limits: What the program may use.
        seccomp: The filter the zygote compiled once (compiled here when not given).
    """
    result: dict[str, Any]
    # the tracer's thresholds for the process's whole (short) life: restoring the defaults
    # after the trace would start a collection of the whole trace just before the exit
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        harden(limits, seccomp)
        conn.send_bytes(WORKER_READY)
        message = conn.recv_bytes()
        if message == REHEARSE:
            trace_source(_REHEARSAL, globals_dict=build_globals())
            message = conn.recv_bytes()
        result = _run(orjson.loads(message), limits)
    except BaseException as exc:  # the worker itself failed: report it, never hang
        result = failure_result(error_object(
            "crash", type(exc).__name__, str(exc), None, fixed_hint("worker_failed")))
    try:
        _send_reply(conn, _reply(result, limits.max_reply_bytes))
    finally:
        os._exit(0)


def _reply(result: dict[str, Any], max_bytes: int) -> TraceReply:
    """The reply within its byte cap; a small failure if even cutting it fails (memory)."""
    try:
        return TraceReply.from_result(result, max_bytes)
    except Exception as exc:  # the program's memory may leave none to write a big trace
        return TraceReply.from_result(failure_result(error_object(
            "crash", type(exc).__name__, str(exc)[:1000], None, fixed_hint("worker_failed")),
            result.get("stdout", "")[:1000]))


def _send_reply(conn: Connection, reply: TraceReply) -> None:
    """The header and the body as two messages, written with one system call.

    Sent one after the other, the server woke up for the header and then slept again until
    the body came (measured: 1.5 ms of a 7 ms small trace on an idle server).
    """
    meta = reply.meta()
    parts = [frame_header(len(meta)), meta, frame_header(len(reply.body)), reply.body]
    pending = [memoryview(part) for part in parts]
    while pending:
        written = os.writev(conn.fileno(), pending)
        while pending and written >= len(pending[0]):
            written -= len(pending.pop(0))
        if pending:
            pending[0] = pending[0][written:]

