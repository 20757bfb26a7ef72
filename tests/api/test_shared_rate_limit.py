"""Two `gradtrace serve` replicas share one rate limit through a real Redis (issue 6).

A deployment with several replicas behind a load balancer only limits a client if the
replicas count together, so this starts a private ``redis-server`` and two servers that use
it, and checks that the limit holds across both. Skipped where ``redis-server`` is not
installed (scripts/test.sh installs it).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.api.live_server import free_port
from tests.api.production_harness import FORBIDDEN, Server


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not Path(binary).exists():
        pytest.skip("redis-server is not installed (scripts/test.sh installs it)")
    port = free_port()
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--dir", str(tmp_path)],
                            stdout=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 10
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port)) as s:
                s.sendall(b"PING\r\n")
                if s.recv(16).startswith(b"+PONG"):
                    break
            assert time.monotonic() < deadline, "redis did not start"
            time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def test_two_servers_share_one_rate_limit_through_redis(
        redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    log_dir = tmp_path_factory.mktemp("redis")
    servers = [Server(log_dir, workers=1, rate_limit="5/minute", rate_limit_storage=redis_url)
               for _ in range(2)]
    try:
        for server in servers:
            server.wait_ready()
        codes = [httpx.post(f"{servers[i % 2].url}/api/v1/trace", json={"code": FORBIDDEN},
                            timeout=10).status_code for i in range(8)]
        assert codes == [200] * 5 + [429] * 3
        for server in servers:  # both replicas refuse now
            refused = httpx.post(f"{server.url}/api/v1/trace", json={"code": FORBIDDEN})
            assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    finally:
        for server in servers:
            server.kill()
