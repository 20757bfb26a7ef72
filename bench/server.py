"""A real ``gradtrace serve`` on a free port, for the HTTP, payload, memory and browser rows.

The server runs in its own session so that stopping it also stops the fork server and every
worker (they are its descendants); nothing is left running after the benchmark.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

import httpx

__all__ = ["Server", "descendants", "process_cpu", "rss_mb"]

ROOT = Path(__file__).resolve().parents[1]
_FORK_PARENTS = (b"gradtrace.sandbox.zygote", b"multiprocessing.forkserver")
_TICK = os.sysconf("SC_CLK_TCK")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_mb(pid: int) -> float:
    """Resident set size of ``pid`` in MiB, from /proc (no psutil needed)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def process_cpu(pid: int | None, children: bool = False) -> float:
    """CPU seconds ``pid`` has used itself, or (``children``) its reaped children (0: none)."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    first = 13 if children else 11
    return (int(fields[first]) + int(fields[first + 1])) / _TICK


def descendants(pid: int) -> list[int]:
    """Every live descendant of ``pid`` (breadth first), read from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found: list[int] = []
    queue = [pid]
    while queue:
        kids = children.get(queue.pop(0), [])
        found.extend(kids)
        queue.extend(kids)
    return found


class Server:
    """Start ``gradtrace serve`` with limits loose enough for benchmarking; stop it on exit."""

    def __init__(self, workers: int = 2, time_limit: float = 120.0) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.args = ["--host", "127.0.0.1", "--port", str(self.port), "--workers", str(workers),
                     "--time-limit", str(time_limit), "--rate-limit", "1000000/minute",
                     "--queue", "64", "--log-level", "warning"]
        self.proc: subprocess.Popen[bytes] | None = None
        self.start_seconds = 0.0

    def __enter__(self) -> Server:
        script = Path(sys.executable).with_name("gradtrace")
        command = [str(script), "serve", *self.args]
        start = time.perf_counter()
        self.proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, start_new_session=True)
        self._wait_ready(start + 120)
        self.start_seconds = time.perf_counter() - start
        return self

    def _wait_ready(self, deadline: float) -> None:
        assert self.proc is not None
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                err = self.proc.stderr.read().decode() if self.proc.stderr else ""
                raise RuntimeError(f"server exited {self.proc.returncode}: {err[-2000:]}")
            try:
                if httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError("server not ready within 120 s")

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def fork_parent_pid(self) -> int | None:
        """The warm process every worker is forked from (the zygote, or a fork server)."""
        for pid in descendants(self.pid):
            try:
                cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            if any(mark in cmd for mark in _FORK_PARENTS):
                return pid
        return None

    def cpu_seconds(self) -> float:
        """CPU seconds of the server, its zygote and every worker the zygote has reaped."""
        zygote = self.fork_parent_pid()
        return process_cpu(self.pid) + process_cpu(zygote) + process_cpu(zygote, children=True)

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self.proc is None:
            return
        for sig, wait in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 5.0)):
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                break
            try:
                self.proc.wait(timeout=wait)
                break
            except subprocess.TimeoutExpired:
                continue
        # The session may still hold workers that outlived the server process.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        if self.proc.stderr:
            self.proc.stderr.close()
