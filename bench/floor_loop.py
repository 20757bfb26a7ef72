"""The fresh-process floor (issue 22), in a process of its own: ``python -m bench.floor_loop``.

What a program costs at the least when each one gets a fresh process, measured the plainest
way: this process imports torch, warms the project's tracer on the chain rule (in process,
as the zygote does), and then, for every trace, forks a child that traces the chain rule
exactly as a worker does (``trace_source`` with the facade's globals, the worker's collector
thresholds, the reply serialised by ``TraceReply``), writes the JSON to a pipe and exits.
No hardening, no sockets, no spares, no server: a server that answers a program faster
than this, or serves more of them per CPU second, does so by being cleverer than a fork.

Driven by :mod:`bench.http_small`, which interleaves it with the HTTP measurements: it
prints ``ready`` once warm, then for every line ``N`` on stdin it runs N forked traces and
prints one JSON line ``{"wall": [...], "cpu": [...]}`` in seconds per trace:

* wall: from just before ``fork()`` until the whole reply has been read from the pipe
  (what a caller waits for; the child's exit runs on after that, as a worker's does);
* cpu: the child's CPU (user + system, from ``wait4``, so its exit is included) plus this
  process's own CPU over the same trace (``fork()`` copies the page tables here).
"""

from __future__ import annotations

import gc
import os
import struct
import subprocess
import sys
import time
from types import TracebackType

import orjson

from bench.common import Samples
from bench.sources import chain_rule
from gradtrace.sandbox.facade import build_globals
from gradtrace.sandbox.reply import TraceReply
from gradtrace.tracing import GC_THRESHOLDS, trace_source

__all__ = ["FloorLoop", "main", "one_trace"]

_LENGTH = struct.Struct("!Q")
_WARM_TRACES = 3


def _trace_bytes(code: str) -> bytes:
    """The chain rule traced as a worker traces it, as the JSON a worker sends."""
    return TraceReply.from_result(trace_source(code, globals_dict=build_globals())).body


def _child(code: str, write_fd: int) -> None:
    """In the forked child: trace, write the length-prefixed JSON, exit without cleanup."""
    try:
        gc.set_threshold(*GC_THRESHOLDS)  # what every worker runs with
        body = _trace_bytes(code)
        view = memoryview(_LENGTH.pack(len(body)) + body)
        while view:
            view = view[os.write(write_fd, view):]
    finally:
        os._exit(0)


def _read_reply(read_fd: int) -> bytes:
    """The child's whole reply (length prefix, then the JSON)."""
    data = bytearray()
    need = _LENGTH.size
    while len(data) < need:
        chunk = os.read(read_fd, 1 << 20)
        if not chunk:
            raise RuntimeError("the floor's child exited before its reply was complete")
        data += chunk
        if need == _LENGTH.size and len(data) >= need:
            need += _LENGTH.unpack_from(data)[0]
    return bytes(data[_LENGTH.size:])


def one_trace(code: str) -> tuple[float, float]:
    """Fork, trace in the child, read its JSON: (wall seconds, CPU seconds) of this trace."""
    read_fd, write_fd = os.pipe()
    own = time.process_time()
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        _child(code, write_fd)
    os.close(write_fd)
    try:
        body = _read_reply(read_fd)
        wall = time.perf_counter() - start
    finally:
        os.close(read_fd)
        _, status, usage = os.wait4(pid, 0)
    cpu = time.process_time() - own + usage.ru_utime + usage.ru_stime
    if status != 0 or not orjson.loads(body).get("ok"):
        raise RuntimeError(f"the floor's trace failed (status {status})")
    return wall, cpu


class FloorLoop:
    """The floor process, started once and asked for batches between other measurements."""

    def __init__(self) -> None:
        self.proc: subprocess.Popen[str] | None = None

    def __enter__(self) -> FloorLoop:
        self.proc = subprocess.Popen([sys.executable, "-m", "bench.floor_loop"], text=True,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        assert self.proc.stdout is not None
        if self.proc.stdout.readline().strip() != "ready":
            raise RuntimeError("the floor process did not start")
        return self

    def batch(self, count: int) -> tuple[Samples, Samples]:
        """``count`` forked traces: wall and CPU seconds of each."""
        assert self.proc is not None and self.proc.stdin is not None
        assert self.proc.stdout is not None
        self.proc.stdin.write(f"{count}\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("the floor process died")
        found = orjson.loads(line)
        return Samples(found["wall"]), Samples(found["cpu"])

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self.proc is None:
            return
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def main() -> None:
    """Warm up, say ready, then serve batches until stdin closes."""
    code = chain_rule()
    for _ in range(_WARM_TRACES):
        _trace_bytes(code)
    print("ready", flush=True)
    for line in sys.stdin:
        samples = [one_trace(code) for _ in range(int(line))]
        out = {"wall": [w for w, _ in samples], "cpu": [c for _, c in samples]}
        sys.stdout.write(orjson.dumps(out).decode() + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
