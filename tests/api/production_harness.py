"""`gradtrace serve` as production runs it, for the issue 6 tests, and the programs they send.

Why not ``live_server.LiveServer``: that server gets ``SMALL_LIMITS`` (log level "warning"
among them) and one log with stdout and stderr mixed, while these tests read the JSON request
log on stdout line by line and uvicorn's shutdown message on stderr, with no settings but the
ones each test names. ``Server`` therefore keeps the two streams in separate files and leaves
waiting for readiness to the caller, so a test can start several servers first. The process
helpers that are the same (``free_port``, ``group_pids``, ``cpu_ticks``, ``ROOT``) come from
``live_server``. This module's name does not start with ``test_``, so pytest does not collect
it.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from tests.api.live_server import ROOT, free_port

__all__ = ["FORBIDDEN", "SMALL", "Server", "metric", "rss_kb", "running", "slow"]

SMALL = "import torch\nx = torch.ones(3, requires_grad=True)\n(x * 3).sum().backward()\n"
FORBIDDEN = "import os\n"  # refused by the static policy: a real trace answer, no worker


def slow(iterations: int, marker: str = "") -> str:
    """A program that keeps one worker busy for a while (about 0.15 s per million)."""
    return f"s = 0\nfor i in range({iterations}):\n    s += i\nprint('{marker}', s)\n"


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


class Server:
    """`gradtrace serve` in a new session; stdout (the JSON log) goes to a file."""

    def __init__(self, log_dir: Path, **settings: object) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.stdout = log_dir / f"server-{self.port}.jsonl"
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        env.update({f"GRADTRACE_{k.upper()}": str(v) for k, v in settings.items()})
        command = [sys.executable, "-c",
                   "import sys; from gradtrace.cli import main; sys.exit(main())",
                   "serve", "--host", "127.0.0.1", "--port", str(self.port)]
        with self.stdout.open("wb") as out, (log_dir / f"server-{self.port}.err").open("wb") as err:
            self.proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=err,
                                         start_new_session=True)
        self.pgid = self.proc.pid

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, f"server exited with {self.proc.returncode}"
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}/readyz", timeout=1).status_code == 200:
                    return
            time.sleep(0.2)
        raise AssertionError("server not ready in time")

    def log_lines(self) -> list[dict[str, object]]:
        return [json.loads(line) for line in self.stdout.read_text().splitlines()
                if line.startswith("{")]

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pgid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=10)


@contextlib.contextmanager
def running(log_dir: Path, **settings: object) -> Iterator[Server]:
    server = Server(log_dir, **settings)
    try:
        server.wait_ready()
        yield server
    finally:
        server.kill()


def metric(text: str, name: str, labels: str = "") -> float:
    """One sample of the Prometheus text format (0 when absent)."""
    pattern = re.escape(name + (f"{{{labels}}}" if labels else "")) + r" ([0-9.e+-]+)$"
    found = re.search(pattern, text, re.MULTILINE)
    return float(found.group(1)) if found else 0.0
