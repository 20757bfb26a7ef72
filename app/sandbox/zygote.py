"""The zygote: a warm process that forks one-shot workers on request, in about 10 ms.

multiprocessing's fork server pickles a process object and re-imports the main module for
every child (measured: ~100 ms from request to a ready worker); forking directly from a
process that already imported torch and ran a trace costs ~10 ms including ``harden()``.

Protocol on the control socket (a Unix socketpair with the server): the server sends the
byte ``b"F"`` with one end of a fresh socketpair attached (SCM_RIGHTS); the zygote forks, the
child serves exactly one program on that socket (``worker_main``), and the zygote answers
with the child's pid as 4 bytes. Children die with the zygote, and the zygote with the
server (``PR_SET_PDEATHSIG``), so no process outlives the server.
"""

from __future__ import annotations

import ctypes
import dataclasses
import gc
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import threading
from multiprocessing.connection import Connection

from app.sandbox.limits import ProcessLimits

__all__ = ["Zygote", "die_with_parent", "main"]

PID_FORMAT = "!i"
_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Ask the kernel to SIGKILL this process when its parent exits."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def _keep_only(fd: int) -> None:
    """Standard streams to /dev/null and every other inherited descriptor closed.

    A program that got past every other layer must not write into the server's log or
    reach any file the zygote had open; only the result socket stays.
    """
    null = os.open(os.devnull, os.O_RDWR)
    for stream in (0, 1, 2):
        os.dup2(null, stream)
    os.closerange(3, fd)
    os.closerange(fd + 1, os.sysconf("SC_OPEN_MAX"))


def _child(control: socket.socket, fd: int, limits: ProcessLimits) -> None:
    """In the forked child: drop the zygote's socket, then serve one program."""
    from app.sandbox.worker import worker_main

    control.close()
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    die_with_parent()
    _keep_only(fd)
    worker_main(Connection(fd), limits)
    os._exit(0)  # worker_main never returns; belt and braces


def serve(control: socket.socket, limits: ProcessLimits) -> None:
    """Fork a worker for every request until the server closes the control socket."""
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps finished workers
    while True:
        message, fds, _, _ = socket.recv_fds(control, 1, 1)
        if not message:
            return
        pid = os.fork()
        if pid == 0:
            _child(control, fds[0], limits)
        os.close(fds[0])
        control.sendall(struct.pack(PID_FORMAT, pid))


class Zygote:
    """The server's handle on the zygote process: start it, ask it for workers, stop it."""

    def __init__(self, limits: ProcessLimits) -> None:
        self.limits = limits
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._control: socket.socket | None = None

    def start(self) -> None:
        """Start the zygote; call from the main thread (the death signal follows the thread)."""
        ours, theirs = socket.socketpair()
        self._process = subprocess.Popen(
            [sys.executable, "-m", "app.sandbox.zygote", str(theirs.fileno()),
             json.dumps(dataclasses.asdict(self.limits))],
            pass_fds=[theirs.fileno()],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
        )
        theirs.close()
        self._control = ours

    def wait_ready(self, timeout: float) -> None:
        """Block until the zygote has imported torch and traced its warm-up program."""
        assert self._control is not None
        self._control.settimeout(timeout)
        try:
            if self._control.recv(1) != b"R":
                raise RuntimeError("the zygote exited while warming up")
        finally:
            self._control.settimeout(None)

    def fork(self) -> tuple[int, Connection]:
        """A new worker: its pid and the connection to it."""
        if self._control is None:
            raise RuntimeError("the zygote is not running")
        ours, theirs = socket.socketpair()
        try:
            with self._lock:
                socket.send_fds(self._control, [b"F"], [theirs.fileno()])
                reply = self._control.recv(struct.calcsize(PID_FORMAT), socket.MSG_WAITALL)
        finally:
            theirs.close()
        if len(reply) != struct.calcsize(PID_FORMAT):
            ours.close()
            raise RuntimeError("the zygote stopped answering")
        (pid,) = struct.unpack(PID_FORMAT, reply)
        return pid, Connection(ours.detach())

    def close(self) -> None:
        """Stop the zygote; its workers die with it (PR_SET_PDEATHSIG)."""
        if self._control is not None:
            self._control.close()
            self._control = None
        if self._process is not None:
            self._process.kill()
            self._process.wait(timeout=10)
            self._process = None


def main() -> None:
    """``python -m app.sandbox.zygote FD LIMITS_JSON``: warm up, then serve."""
    fd, limits_json = int(sys.argv[1]), sys.argv[2]
    die_with_parent()
    import app.sandbox.warm  # noqa: F401 - imports torch and runs one trace

    control = socket.socket(fileno=fd)
    gc.freeze()  # torch's objects never change: keep them out of every worker's collections
    control.sendall(b"R")
    serve(control, ProcessLimits(**json.loads(limits_json)))


if __name__ == "__main__":
    main()
