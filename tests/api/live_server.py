"""A real `gradtrace serve` for tests, in its own process group, and a client for it.

Why a real server: the sandbox's guarantees (a process boundary, limits, recovery when a
worker dies) only exist when the program runs in a worker the server started, so nothing
here is mocked. The server gets small limits through ``GRADTRACE_*`` environment variables
so bombs end quickly; everything it starts (zygote, workers) shares its process group, which
the tests scan through ``/proc`` and kill as a whole at the end.

``shared_server()`` starts one server per test session (the fixtures of ``tests/api`` and
``tests/sandbox`` both use it); ``running()`` starts a private one with other settings.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from gradtrace.tracing.wire import expand

__all__ = [
    "BENIGN",
    "ROOT",
    "LiveServer",
    "benign_ok",
    "client",
    "cpu_ticks",
    "error_kind",
    "free_port",
    "group_pids",
    "plain_benign_grad",
    "process_children",
    "running",
    "shared_server",
    "start_server",
    "still_healthy",
]

ROOT = Path(__file__).resolve().parents[2]
LOG_DIR = ROOT / "test-artifacts"

# Small limits so that bombs end quickly; the rate limit is out of the way (issue 6 tests it).
SMALL_LIMITS: dict[str, str] = {
    "GRADTRACE_TIME_LIMIT": "3",
    "GRADTRACE_MEMORY_LIMIT_MB": "512",
    "GRADTRACE_MAX_CODE_CHARS": "6000",
    "GRADTRACE_MAX_STDOUT_BYTES": "4096",
    "GRADTRACE_MAX_NODES": "5000",
    "GRADTRACE_QUEUE": "32",
    "GRADTRACE_RATE_LIMIT": "100000/minute",
    "GRADTRACE_LOG_LEVEL": "warning",
}

# The chain rule a benign client keeps asking for between attacks: y = 3 * x**2 / 4 summed,
# so x.grad = 1.5 * x = 4.5 at x = 3. The expected value comes from plain torch in the tests.
BENIGN = (
    "import torch\n"
    "x = torch.full((4,), 3.0, requires_grad=True)\n"
    "y = (3 * x ** 2 / 4).sum()\n"
    "y.backward()\n"
    "print(x.grad)\n"
)


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def client(base_url: str, timeout: float = 60.0) -> httpx.Client:
    """An HTTP client for a live server (generous timeout: 2 shared cores)."""
    return httpx.Client(base_url=base_url, timeout=timeout)


def _stat_fields(pid: int) -> list[str] | None:
    """Fields of /proc/PID/stat after the command name (state is [0], ppid [1], pgid [2])."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat[stat.rindex(")") + 2:].split()


def _all_pids() -> list[int]:
    return [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit()]


def group_pids(pgid: int) -> set[int]:
    """Live (non-zombie) processes of a process group."""
    found = set()
    for pid in _all_pids():
        fields = _stat_fields(pid)
        if fields and int(fields[2]) == pgid and fields[0] != "Z":
            found.add(pid)
    return found


def process_children(pid: int) -> dict[int, list[int]]:
    """The tree below ``pid``: parent pid -> children, from /proc (no psutil)."""
    parents: dict[int, list[int]] = {}
    for child in _all_pids():
        fields = _stat_fields(child)
        if fields and fields[0] != "Z":
            parents.setdefault(int(fields[1]), []).append(child)
    tree: dict[int, list[int]] = {}
    todo = [pid]
    while todo:
        node = todo.pop()
        tree[node] = parents.get(node, [])
        todo.extend(tree[node])
    return tree


def cpu_ticks(pid: int) -> int:
    """User + system CPU ticks of a process, -1 when it is gone."""
    fields = _stat_fields(pid)
    return int(fields[11]) + int(fields[12]) if fields else -1


@dataclass
class LiveServer:
    """A started server: its URL, process and settings (as environment variables)."""

    url: str
    process: subprocess.Popen[bytes]
    env: dict[str, str]
    log: Path
    stopped: bool = field(default=False)

    @property
    def pgid(self) -> int:
        return self.process.pid

    def setting(self, name: str) -> str:
        return self.env[f"GRADTRACE_{name.upper()}"]

    def descendants(self) -> list[int]:
        tree = process_children(self.process.pid)
        return [p for kids in tree.values() for p in kids]

    def stop(self) -> None:
        """Kill the whole process group and reap the server."""
        if self.stopped:
            return
        self.stopped = True
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pgid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=10)


def start_server(*args: str, **env: Any) -> LiveServer:
    """Start ``gradtrace serve`` with SMALL_LIMITS (overridden by ``env``) and wait for /readyz."""
    port = free_port()
    settings = {**SMALL_LIMITS, **{f"GRADTRACE_{k.upper()}": str(v) for k, v in env.items()}}
    full_env = {**os.environ, **settings}
    LOG_DIR.mkdir(exist_ok=True)
    log = LOG_DIR / f"api-server-{port}.log"
    command = [str(Path(sys.executable).with_name("gradtrace")), "serve",
               "--host", "127.0.0.1", "--port", str(port), *args]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=full_env, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    server = LiveServer(f"http://127.0.0.1:{port}", process, settings, log)
    atexit.register(server.stop)
    try:
        _wait_ready(server)
    except BaseException:
        server.stop()
        raise
    return server


def _wait_ready(server: LiveServer, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"server exited ({server.process.returncode}); see {server.log}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{server.url}/readyz", timeout=2).status_code == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"server not ready within {timeout} s; see {server.log}")


@contextlib.contextmanager
def running(*args: str, **env: Any) -> Iterator[LiveServer]:
    """A private server for one test or module, killed (whole group) afterwards."""
    server = start_server(*args, **env)
    try:
        yield server
    finally:
        server.stop()


_SHARED: list[LiveServer] = []


def shared_server() -> LiveServer:
    """The session's server: 2 workers and SMALL_LIMITS, started on first use."""
    if not _SHARED or _SHARED[0].process.poll() is not None:
        _SHARED[:] = [start_server("--workers", "2")]
    return _SHARED[0]


def plain_benign_grad() -> list[float]:
    """x.grad of BENIGN computed by plain PyTorch in this process (the oracle)."""
    import torch

    namespace: dict[str, Any] = {}
    exec(BENIGN.replace("print(x.grad)\n", ""), namespace)
    grad = namespace["x"].grad
    assert isinstance(grad, torch.Tensor)
    return [float(v) for v in grad.tolist()]


def benign_ok(http: httpx.Client, expected_grad: list[float]) -> dict[str, Any]:
    """Run BENIGN and check that x.grad equals ``expected_grad`` (computed by plain torch)."""
    response = http.post("/api/v1/trace", json={"code": BENIGN})
    assert response.status_code == 200, response.text
    body = expand(response.json())
    assert body["ok"] and body["error"] is None, body["error"]
    grad = body["variables"]["x"]["grad"]["values"]
    assert grad == expected_grad, grad
    return body


def still_healthy(url: str, http: httpx.Client, expected_grad: list[float]) -> None:
    """/healthz answers within a second and the benign program still gets the right grad."""
    started = time.monotonic()
    assert httpx.get(f"{url}/healthz", timeout=1.0).status_code == 200
    assert time.monotonic() - started < 1.0
    benign_ok(http, expected_grad)


def error_kind(body: dict[str, Any]) -> str:
    """``error.kind`` of a trace response, or "ok"."""
    return str(body["error"]["kind"]) if body["error"] else "ok"
