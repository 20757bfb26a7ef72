"""Production behaviour against real `gradtrace serve` processes (issue 6).

Rate limits (in process, and shared through a real Redis by two servers), the JSON request
log, Prometheus metrics, load shedding while health stays fast, a worker killed mid-request,
a 400-request soak, and SIGTERM leaving nothing behind. Servers run in their own process
group so every test can see (through /proc) and kill everything a server started.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.main import create_app
from app.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
SMALL = "import torch\nx = torch.ones(3, requires_grad=True)\n(x * 3).sum().backward()\n"
FORBIDDEN = "import os\n"  # refused by the static policy: a real trace answer, no worker


def slow(iterations: int, marker: str = "") -> str:
    """A program that keeps one worker busy for a while (about 0.15 s per million)."""
    return f"s = 0\nfor i in range({iterations}):\n    s += i\nprint('{marker}', s)\n"


# --- processes -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def group_pids(pgid: int) -> set[int]:
    """Every live (non-zombie) process in a process group, read from /proc."""
    pids = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            stat = (entry / "stat").read_text()
            fields = stat[stat.rindex(")") + 2:].split()
            if int(fields[2]) == pgid and fields[0] != "Z":
                pids.add(int(entry.name))
    return pids


def cpu_ticks(pid: int) -> int:
    with contextlib.suppress(OSError):
        stat = Path(f"/proc/{pid}/stat").read_text()
        fields = stat[stat.rindex(")") + 2:].split()
        return int(fields[11]) + int(fields[12])
    return -1


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
        command = [sys.executable, "-c", "import sys; from app.cli import main; sys.exit(main())",
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


# --- in process: the middleware on the real app (no workers needed) -----------------------


async def _post_many(app: object, n: int, code: str, headers: dict[str, str] | None = None
                     ) -> list[httpx.Response]:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        return [await client.post("/api/v1/trace", json={"code": code}, headers=headers)
                for _ in range(n)]


def test_rate_limit_refuses_with_retry_after_and_structured_body() -> None:
    app = create_app(Settings(rate_limit="3/minute"))
    answers = asyncio.run(_post_many(app, 5, FORBIDDEN))
    assert [r.status_code for r in answers] == [200, 200, 200, 429, 429]
    assert answers[0].json()["error"]["kind"] == "forbidden"
    refused = answers[3]
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    body = refused.json()
    assert body["error"] == "rate_limited" and body["detail"]["limit"] == "3/minute"
    assert refused.headers["X-Request-ID"]


def test_rate_limit_never_touches_health_metrics_page_or_static() -> None:
    app = create_app(Settings(rate_limit="1/minute"))

    async def run() -> list[int]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            codes = [(await client.post("/api/v1/trace", json={"code": FORBIDDEN})).status_code]
            for path in ["/healthz", "/readyz", "/metrics", "/", "/static/js/main.js"] * 3:
                codes.append((await client.get(path)).status_code)
            codes.append((await client.post("/api/v1/trace", json={"code": FORBIDDEN})).status_code)
            return codes

    codes = asyncio.run(run())
    assert codes[0] == 200 and codes[-1] == 429
    assert 429 not in codes[1:-1]


def test_forwarded_for_is_the_client_only_when_trusted() -> None:
    for trusted, expected in [(False, [200, 429]), (True, [200, 200])]:
        app = create_app(Settings(rate_limit="1/minute", trust_forwarded_for=trusted))

        async def run(app: object = app) -> list[int]:
            transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
                return [(await client.post("/api/v1/trace", json={"code": FORBIDDEN},
                                           headers={"X-Forwarded-For": f"10.0.0.{i}, 1.1.1.1"})
                         ).status_code for i in (1, 2)]

        assert asyncio.run(run()) == expected, f"trust_forwarded_for={trusted}"


def test_requests_refused_for_size_do_not_count() -> None:
    settings = Settings(rate_limit="2/minute", max_code_chars=200)
    app = create_app(settings)
    too_big = asyncio.run(_post_many(app, 4, "x = 1\n" * 100))
    assert [r.status_code for r in too_big] == [413] * 4
    after = asyncio.run(_post_many(app, 3, FORBIDDEN))
    assert [r.status_code for r in after] == [200, 200, 429]


def test_unreachable_redis_serves_requests_and_warns(caplog: pytest.LogCaptureFixture) -> None:
    closed = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    app = create_app(Settings(rate_limit="1/minute", rate_limit_storage=closed))
    with caplog.at_level("WARNING", logger="gradtrace.ratelimit"):
        answers = asyncio.run(_post_many(app, 3, FORBIDDEN))
    assert [r.status_code for r in answers] == [200, 200, 200]
    assert "rate-limit storage unavailable" in caplog.text


def test_each_app_has_its_own_metrics_registry() -> None:
    first, second = create_app(Settings()), create_app(Settings())
    asyncio.run(_post_many(first, 2, FORBIDDEN))

    async def scrape(app: object) -> str:
        transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            return (await client.get("/metrics")).text

    one, two = asyncio.run(scrape(first)), asyncio.run(scrape(second))
    assert metric(one, "gradtrace_traces_total", 'outcome="forbidden"') == 2
    assert metric(two, "gradtrace_traces_total", 'outcome="forbidden"') == 0
    assert metric(two, "gradtrace_workers") == Settings().workers


def test_request_id_from_a_proxy_is_kept_only_when_well_formed() -> None:
    app = create_app(Settings())
    good = asyncio.run(_post_many(app, 1, FORBIDDEN, {"X-Request-ID": "edge-42.a_b"}))[0]
    bad = asyncio.run(_post_many(app, 1, FORBIDDEN, {"X-Request-ID": "x" * 100}))[0]
    assert good.headers["X-Request-ID"] == "edge-42.a_b"
    assert re.fullmatch(r"[0-9a-f]{32}", bad.headers["X-Request-ID"])


# --- real servers ----------------------------------------------------------------------------


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
