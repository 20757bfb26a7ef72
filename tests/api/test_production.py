"""Production behaviour against real `gradtrace serve` processes (issue 6).

The JSON request log and Prometheus metrics, load shedding while health stays fast, a
worker killed mid-request, a 400-request soak, and SIGTERM leaving nothing behind: what only
a real server with its worker pool can show. Servers run in their own process group so every
test can see (through /proc) and kill everything a server started. The in-process checks of
the same middleware are in ``test_rate_limits_and_headers.py``, the rate limit shared
through Redis in ``test_shared_rate_limit.py``, and the server harness in
``production_harness.py``.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.api.live_server import cpu_ticks, group_pids
from tests.api.production_harness import SMALL, Server, metric, rss_kb, running, slow


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Two workers, a queue of three, no practical rate limit."""
    with running(tmp_path_factory.mktemp("prod"), workers=2, queue=3, time_limit=5,
                 rate_limit="100000/minute") as srv:
        yield srv


def test_metrics_move_and_each_request_logs_one_line_without_the_program(server: Server
                                                                          ) -> None:
    marker = "PROGRAM_TEXT_MARKER_7731"
    programs = {"ok": SMALL + f"print('{marker}')\n",
                "runtime": f"import torch\nx = torch.ones(2)  # {marker}\nx.sum().backward()\n",
                "forbidden": f"import os  # {marker}\n"}
    lines_before = len(server.log_lines())
    before = httpx.get(f"{server.url}/metrics").text
    sent = []
    for outcome, code in [("ok", programs["ok"])] * 3 + [
            ("runtime", programs["runtime"]), ("forbidden", programs["forbidden"])]:
        answer = httpx.post(f"{server.url}/api/v1/trace", json={"code": code}, timeout=30)
        got = answer.json()["error"]["kind"] if answer.json()["error"] else "ok"
        assert (answer.status_code, got) == (200, outcome)
        sent.append((answer.headers["X-Request-ID"], outcome, len(answer.json()["graph"]["nodes"])))
    after = httpx.get(f"{server.url}/metrics").text

    def delta(name: str, labels: str = "") -> float:
        return metric(after, name, labels) - metric(before, name, labels)

    assert delta("gradtrace_traces_total", 'outcome="ok"') == 3
    assert delta("gradtrace_traces_total", 'outcome="runtime"') == 1
    assert delta("gradtrace_traces_total", 'outcome="forbidden"') == 1
    assert delta("gradtrace_trace_seconds_count") == 5
    assert delta("gradtrace_trace_seconds_sum") > 0
    assert metric(after, "gradtrace_workers_busy") == 0
    assert metric(after, "gradtrace_queue_length") == 0

    time.sleep(0.2)
    lines = server.log_lines()
    # the five traces and two scrapes (probe lines of the fixture may be flushed late)
    new = [line for line in lines[lines_before:] if line["path"] not in ("/readyz", "/healthz")]
    assert len(new) == len(sent) + 2, new
    for request_id, outcome, nodes in sent:
        mine = [line for line in lines if line["request_id"] == request_id]
        assert len(mine) == 1, request_id
        assert mine[0]["outcome"] == outcome and mine[0]["nodes"] == nodes
        assert mine[0]["status"] == 200 and mine[0]["path"] == "/api/v1/trace"
        assert mine[0]["client"] == "127.0.0.1" and float(mine[0]["duration_ms"]) > 0
    for output in (server.stdout, server.stdout.with_suffix(".err")):
        assert marker not in output.read_text()


def test_worker_killed_mid_request_fails_only_that_request(server: Server) -> None:
    restarts = metric(httpx.get(f"{server.url}/metrics").text, "gradtrace_worker_restarts_total")
    answer: dict[str, httpx.Response] = {}

    def victim() -> None:
        answer["r"] = httpx.post(f"{server.url}/api/v1/trace",
                                 json={"code": slow(25_000_000)}, timeout=30)

    thread = threading.Thread(target=victim)
    thread.start()
    pid = _busiest_worker(server)
    beside = httpx.post(f"{server.url}/api/v1/trace", json={"code": SMALL}, timeout=30)
    assert beside.json()["ok"] is True  # the other worker is unaffected
    os.kill(pid, signal.SIGKILL)
    thread.join(30)
    error = answer["r"].json()["error"]
    assert answer["r"].status_code == 200 and error["kind"] == "crash", error
    after = httpx.get(f"{server.url}/metrics").text
    assert metric(after, "gradtrace_worker_restarts_total") == restarts + 1
    assert metric(after, "gradtrace_traces_total", 'outcome="crash"') >= 1
    again = httpx.post(f"{server.url}/api/v1/trace", json={"code": SMALL}, timeout=30)
    assert again.json()["ok"] is True


def _busiest_worker(server: Server) -> int:
    """The descendant burning CPU: the worker running the slow program."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        pids = group_pids(server.pgid) - {server.pgid}
        first = {pid: cpu_ticks(pid) for pid in pids}
        time.sleep(0.3)
        growth = {pid: cpu_ticks(pid) - ticks for pid, ticks in first.items()}
        pid, ticks = max(growth.items(), key=lambda item: item[1], default=(0, 0))
        if ticks >= 15:  # at least half of the 0.3 s on a CPU
            return pid
    raise AssertionError("no busy worker found")


# Fires 30 slow programs at once from its own process, so that the health probe in the test
# process measures the server and not this client's event loop.
_BURST = """
import asyncio, json, sys, time
import httpx

async def main(url, code):
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:
        async def one(i):
            started = time.perf_counter()
            r = await client.post("/api/v1/trace", json={"code": code.replace("MARK", f"p{i}")})
            body = r.json()
            return {"status": r.status_code, "retry_after": r.headers.get("Retry-After"),
                    "seconds": time.perf_counter() - started, "error": body.get("error"),
                    "ok": body.get("ok"), "stdout": body.get("stdout", "")}
        print(json.dumps(await asyncio.gather(*(one(i) for i in range(30)))))

asyncio.run(main(sys.argv[1], sys.argv[2]))
"""


def test_full_queue_sheds_at_once_while_health_stays_fast(server: Server) -> None:
    burst = subprocess.Popen([sys.executable, "-c", _BURST, server.url, slow(6_000_000, "MARK")],
                             stdout=subprocess.PIPE, text=True)
    latencies = []
    with httpx.Client(base_url=server.url, timeout=5) as probe:
        probe.get("/healthz")  # connect first: measure answers, not the TCP handshake
        while burst.poll() is None:
            started = time.perf_counter()
            assert probe.get("/healthz").status_code == 200
            latencies.append(time.perf_counter() - started)
            time.sleep(0.02)
    output, _ = burst.communicate(timeout=60)
    results = json.loads(output)
    shed = [r for r in results if r["status"] == 503]
    done = [r for r in results if r["status"] == 200]
    assert len(shed) + len(done) == 30
    assert len(done) >= 5 and len(shed) >= 20, (len(done), len(shed))
    assert all(r["retry_after"] and r["error"] == "busy" for r in shed)
    assert max(r["seconds"] for r in shed) < 1.0  # refused at once, not after waiting
    assert all(r["ok"] and r["stdout"].startswith("p") for r in done)
    latencies.sort()
    p95 = latencies[int(len(latencies) * 0.95)]
    print(f"shedding: {len(done)} ran, {len(shed)} shed; /healthz over {len(latencies)} probes: "
          f"median {latencies[len(latencies) // 2] * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, "
          f"max {latencies[-1] * 1000:.1f} ms")
    assert len(latencies) >= 20
    # Health never waits for a worker (that would take a whole program, about a second).
    # On a shared 2-core machine with both workers at 100 % CPU, a rare probe can lose the
    # CPU to other processes for a scheduler slice, so the 100 ms bound is on the 95th
    # percentile and the maximum only has to stay well below one program's run time.
    assert p95 < 0.1, latencies[-5:]
    assert latencies[-1] < 0.5, latencies[-5:]


def test_soak_400_requests_no_growth_in_memory_or_processes(server: Server) -> None:
    async def batch(n: int, clients: int = 4) -> list[httpx.Response]:
        pending = list(range(n))
        answers: list[httpx.Response] = []
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
            async def worker() -> None:
                while pending:
                    pending.pop()
                    answers.append(await client.post("/api/v1/trace", json={"code": SMALL}))

            await asyncio.gather(*(worker() for _ in range(clients)))
        return answers

    asyncio.run(batch(40))
    processes = _settled_count(server, None)
    rss_before = rss_kb(server.pgid)
    started = time.perf_counter()
    answers = asyncio.run(batch(400))
    elapsed = time.perf_counter() - started
    assert all(a.status_code == 200 and a.json()["ok"] for a in answers)
    assert len(answers) == 400
    assert _settled_count(server, processes) == processes
    growth = rss_kb(server.pgid) - rss_before
    print(f"soak: 400 traces in {elapsed:.1f} s, server RSS growth {growth} kB")
    assert growth < 20 * 1024, f"server RSS grew by {growth} kB"


def _settled_count(server: Server, expected: int | None) -> int:
    """Process count once spare workers are refilled (stable for a second)."""
    deadline = time.monotonic() + 10
    last, stable_since = -1, time.monotonic()
    while time.monotonic() < deadline:
        count = len(group_pids(server.pgid))
        if count != last:
            last, stable_since = count, time.monotonic()
        elif count == expected or (expected is None and time.monotonic() - stable_since > 1):
            return count
        time.sleep(0.1)
    return last


def test_sigterm_drains_in_flight_requests_and_leaves_no_process(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    server = Server(tmp_path_factory.mktemp("term"), workers=2, queue=2)
    try:
        server.wait_ready()
        assert len(group_pids(server.pgid)) > 1  # the pool's processes are in the group
        answers: list[httpx.Response] = []
        threads = [threading.Thread(target=lambda i=i: answers.append(httpx.post(
            f"{server.url}/api/v1/trace", json={"code": slow(8_000_000, f"t{i}")}, timeout=30)))
            for i in range(2)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 10
        while metric(httpx.get(f"{server.url}/metrics").text, "gradtrace_workers_busy") < 2:
            assert time.monotonic() < deadline, "programs never started"
            time.sleep(0.05)
        server.proc.send_signal(signal.SIGTERM)
        for thread in threads:
            thread.join(30)
        assert [a.status_code for a in answers] == [200, 200]
        assert all(a.json()["ok"] for a in answers), [a.json()["error"] for a in answers]
        # uvicorn re-raises the signal once it has shut down cleanly.
        assert server.proc.wait(timeout=30) in (0, -signal.SIGTERM)
        assert "Application shutdown complete" in server.stdout.with_suffix(".err").read_text()
        deadline = time.monotonic() + 5
        while group_pids(server.pgid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert group_pids(server.pgid) == set()
    finally:
        server.kill()
