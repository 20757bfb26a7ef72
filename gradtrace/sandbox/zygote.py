"""The zygote: a warm process that forks one-shot workers on request, in about 10 ms.

This module is the code that runs inside the zygote (``python -m gradtrace.sandbox.zygote``);
the server's handle on it is :mod:`gradtrace.sandbox.zygote_handle`, and the bytes the two say
to each other are in :mod:`gradtrace.sandbox.zygote_protocol`.

multiprocessing's fork server pickles a process object and re-imports the main module for
every child (measured: ~100 ms from request to a ready worker); forking directly from a
process that already imported torch and ran a trace costs ~10 ms including ``harden()``.

For each :data:`~gradtrace.sandbox.zygote_protocol.FORK` request the zygote forks, the child
serves exactly one program on the socket that came with it (``worker_main``), and the zygote
answers with the child's pid. Children die with the zygote, and the zygote with the server
(``PR_SET_PDEATHSIG``), so no process outlives the server.
"""

from __future__ import annotations

import ctypes
import functools
import gc
import json
import os
import signal
import socket
import sys
from multiprocessing.connection import Connection
from types import FrameType

from gradtrace.sandbox.huge_pages import collapse_to_huge_pages
from gradtrace.sandbox.limits import ProcessLimits
from gradtrace.sandbox.seccomp_filter import CompiledFilter, compile_filter
from gradtrace.sandbox.zygote_protocol import PID, ZYGOTE_READY

__all__ = ["collapse_to_huge_pages", "die_with_parent", "main", "prepare", "serve"]

_PR_SET_PDEATHSIG = 1


@functools.cache
def _libc() -> ctypes.CDLL:
    """The C library, looked up once: the zygote does it, every worker inherits the handle
    (measured: 0.35 ms of a fresh worker's CPU to look it up again, 0.07 ms to call)."""
    return ctypes.CDLL(None, use_errno=True)


def die_with_parent() -> None:
    """Ask the kernel to SIGKILL this process when its parent exits."""
    _libc().prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


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


def _child(control: socket.socket, fd: int, limits: ProcessLimits,
           seccomp: CompiledFilter) -> None:
    """In the forked child: drop the zygote's socket, then serve one program."""
    from gradtrace.sandbox.worker import worker_main

    control.close()
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    die_with_parent()
    _keep_only(fd)
    worker_main(Connection(fd), limits, seccomp)
    os._exit(0)  # worker_main never returns; belt and braces


def _reap(signum: int, frame: FrameType | None) -> None:
    """Collect every finished worker.

    Reaped here rather than by the kernel (``SIG_IGN``), a worker's CPU time is added to the
    zygote's children's time (``/proc/<zygote>/stat``), so the benchmark can say what the
    workers cost however busy the rest of the machine is.
    """
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def serve(control: socket.socket, limits: ProcessLimits) -> None:
    """Fork a worker for every request until the server closes the control socket."""
    seccomp = compile_filter(allow_read_opens=limits.allow_read_opens)  # once, for every worker
    signal.signal(signal.SIGCHLD, _reap)
    while True:
        message, fds, _, _ = socket.recv_fds(control, 1, 1)
        if not message:
            return
        pid = os.fork()
        if pid == 0:
            _child(control, fds[0], limits, seccomp)
        os.close(fds[0])
        control.sendall(PID.pack(pid))


def prepare() -> None:
    """Make this process the parent every worker is a copy of.

    Shared with ``bench.fork_probe``, which measures what forking from it costs.
    """
    # imported here, not at the top: main() has asked to die with the server before torch
    # loads, so a server that dies during the (slow) warm-up leaves no zygote behind
    from gradtrace.sandbox.worker import warm_parent

    warm_parent()  # imports torch and runs one complete trace

    os.environ.clear()  # workers clear it again; starting empty saves each of them the work
    gc.freeze()  # torch's objects never change: keep them out of every worker's collections
    collapse_to_huge_pages()


def main() -> None:
    """``python -m gradtrace.sandbox.zygote FD LIMITS_JSON``: warm up, then serve."""
    fd, limits_json = int(sys.argv[1]), sys.argv[2]
    die_with_parent()
    prepare()
    control = socket.socket(fileno=fd)
    control.sendall(ZYGOTE_READY)
    serve(control, ProcessLimits(**json.loads(limits_json)))


if __name__ == "__main__":
    main()
