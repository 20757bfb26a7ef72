"""The server's handle on the zygote process: start it, ask it for workers, stop it.

The code that runs inside the zygote is :mod:`gradtrace.sandbox.zygote`; the server never
imports it (it would pull in the worker and torch's warm-up). The two sides share only
:mod:`gradtrace.sandbox.zygote_protocol`.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import socket
import subprocess
import sys

from gradtrace.sandbox.limits import ProcessLimits
from gradtrace.sandbox.zygote_protocol import FORK, PID, ZYGOTE_MODULE, ZYGOTE_READY

__all__ = ["Zygote"]


class Zygote:
    """The server's handle on the zygote process: start it, ask it for workers, stop it."""

    def __init__(self, limits: ProcessLimits) -> None:
        self.limits = limits
        self._lock = asyncio.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._control: socket.socket | None = None

    def start(self) -> None:
        """Start the zygote; call from the main thread (the death signal follows the thread)."""
        ours, theirs = socket.socketpair()
        self._process = subprocess.Popen(
            [sys.executable, "-m", ZYGOTE_MODULE, str(theirs.fileno()),
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
            if self._control.recv(1) != ZYGOTE_READY:
                raise RuntimeError("the zygote exited while warming up")
        finally:
            self._control.setblocking(False)  # from now on only the event loop uses it

    async def fork(self) -> tuple[int, socket.socket]:
        """A new worker: its pid and the server's end of its socket.

        Asked for on the event loop (the control socket is non-blocking once the zygote is
        ready): waiting for the zygote's answer in a thread cost a GIL hand-off per worker.
        """
        if self._control is None:
            raise RuntimeError("the zygote is not running")
        loop = asyncio.get_running_loop()
        ours, theirs = socket.socketpair()
        try:
            async with self._lock:
                socket.send_fds(self._control, [FORK], [theirs.fileno()])
                reply = b""
                while len(reply) < PID.size:
                    chunk = await loop.sock_recv(self._control, PID.size)
                    if not chunk:
                        break
                    reply += chunk
        finally:
            theirs.close()
        if len(reply) != PID.size:
            ours.close()
            raise RuntimeError("the zygote stopped answering")
        (pid,) = PID.unpack(reply)
        return pid, ours

    def close(self) -> None:
        """Stop the zygote; its workers die with it (PR_SET_PDEATHSIG)."""
        if self._control is not None:
            self._control.close()
            self._control = None
        if self._process is not None:
            self._process.kill()
            self._process.wait(timeout=10)
            self._process = None
