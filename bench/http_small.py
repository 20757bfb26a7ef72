"""Measurement 1: the chain-rule example over HTTP against a real ``gradtrace serve``.

Baseline: the *floor* (:mod:`bench.floor_loop`, issue 22), a torch-warm process that forks a
child per trace; it is what the one-program-one-process rule costs done plainly. Measured in
the same run, interleaved with the server's rounds, it gives the three targets as ratios:
the sequential p50 against the floor's wall (<= 0.4x), the throughput with 8 clients against
what the cores allow at the floor's CPU per trace (>= 100%), and the p99 with 8 clients
against fair queueing, 8 ÷ the measured throughput (<= 1.15x).

The client shares the server's two cores, so it is kept lean: a keep-alive
``http.client`` connection per client thread (httpx spent ~1.5 ms of CPU per request,
http.client ~0.3 ms). It does what any client must: sends the JSON with
``Accept-Encoding: gzip``, reads the whole body, decompresses it if needed, parses it and
checks that the program traced.

Besides the issue's back-to-back p50, an informational row times requests sent 100 ms apart:
what one person pressing Run sees, with the spare worker already replaced.
"""

from __future__ import annotations

import gzip
import http.client
import os
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx
import orjson

from bench.common import Row, Samples, timed
from bench.floor_loop import FloorLoop
from bench.server import Server
from bench.sources import chain_rule

__all__ = ["CLIENTS", "LeanClient", "burst", "measure", "post_trace"]

CLIENTS = 8
IDLE_GAP = 0.1  # seconds between the idle row's requests


def post_trace(client: httpx.Client, code: str) -> dict[str, object]:
    """POST one program and insist that it traced (a failed trace is not a fast trace)."""
    response = client.post("/api/v1/trace", json={"code": code})
    response.raise_for_status()
    body: dict[str, object] = orjson.loads(response.content)  # as fast as a browser's parser
    if not body.get("ok"):
        raise RuntimeError(f"trace failed: {body.get('error')}")
    return body


class LeanClient:
    """One keep-alive HTTP/1.1 connection that POSTs programs and checks the traces."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port,
                                               timeout=120)

    def trace(self, code: str) -> dict[str, object]:
        """POST one program and insist that it traced, like :func:`post_trace`."""
        self.conn.request("POST", "/api/v1/trace", orjson.dumps({"code": code}),
                          {"Content-Type": "application/json", "Accept-Encoding": "gzip"})
        response = self.conn.getresponse()
        data = response.read()
        if response.status != 200:
            raise RuntimeError(f"HTTP {response.status}: {data[:200]!r}")
        if response.getheader("Content-Encoding") == "gzip":
            data = gzip.decompress(data)
        body: dict[str, object] = orjson.loads(data)
        if not body.get("ok"):
            raise RuntimeError(f"trace failed: {body.get('error')}")
        return body

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()


def burst(url: str, code: str, per_client: int) -> tuple[Samples, float]:
    """CLIENTS threads, each with its own connection, each sending ``per_client`` requests."""
    latencies = Samples()
    lock = threading.Lock()
    errors: list[BaseException] = []

    def client_loop() -> None:
        client = LeanClient(url)
        try:
            for _ in range(per_client):
                try:
                    seconds = timed(lambda: client.trace(code))
                except BaseException as exc:  # reported after the burst
                    errors.append(exc)
                    return
                with lock:
                    latencies.append(seconds)
        finally:
            client.close()

    threads = [threading.Thread(target=client_loop) for _ in range(CLIENTS)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - start
    if errors:
        raise RuntimeError(f"{len(errors)} concurrent requests failed: {errors[0]!r}")
    return latencies, wall


def _floor_rows(wall: Samples, cpu: Samples) -> list[Row]:
    """The floor itself: what a plain fork per trace costs here, in wall and CPU time."""
    cores = os.cpu_count() or 1
    return [
        Row("floor.wall", "the floor: a torch-warm process forks a child per trace that traces "
            "the chain rule, writes the JSON to a pipe and exits (wall, p50)", wall.median * 1e3,
            "ms", target="(info)", spread=wall.spread_ms(), guard="none"),
        Row("floor.cpu", "the floor's CPU per trace (parent and child, p50)", cpu.median * 1e3,
            "ms", target="(info)", spread=cpu.spread_ms(),
            note=f"{cores} cores allow {cores / cpu.median:.0f} traces/s", guard="none"),
    ]


def _server_rows(floor: tuple[Samples, Samples], sequential: Samples, idle: Samples,
                 concurrent: Samples, wall: float) -> list[Row]:
    """The issue's three ratios, each against a baseline measured in the same run."""
    floor_wall, floor_cpu = floor[0].median, floor[1].median
    cores = os.cpu_count() or 1
    rate = len(concurrent) / wall
    fair = CLIENTS / rate  # every client waits its turn behind the other seven
    p50, p99 = sequential.median, concurrent.pct(99)
    return [
        Row("http.p50", "chain rule over HTTP, p50 sequential", p50 * 1e3, "ms",
            floor_wall * 1e3, "the floor's wall (p50)", "<= 0.4x", p50 <= 0.4 * floor_wall,
            sequential.spread_ms()),
        Row("http.tps", f"chain rule traces/s with {CLIENTS} clients", rate, "traces/s",
            cores / floor_cpu, "cores ÷ the floor's CPU", ">= 1.0x (100%)",
            rate >= cores / floor_cpu, f"{len(concurrent)} traces in {wall:.1f} s",
            note=f"{cores} cores", higher_is_better=True),
        Row("http.p99c8", f"chain rule over HTTP, p99 with {CLIENTS} clients", p99 * 1e3, "ms",
            fair * 1e3, f"{CLIENTS} ÷ measured throughput (fair queueing)", "<= 1.15x",
            p99 <= 1.15 * fair, concurrent.spread_ms()),
        Row("http.p50idle", "chain rule over HTTP, p50 idle (requests 100 ms apart)",
            idle.median * 1e3, "ms", floor_wall * 1e3, "the floor's wall (p50)", "(info)", None,
            idle.spread_ms()),
    ]


@dataclass
class _Runs:
    """Every sample of one measurement, filled round by round."""

    floor_wall: Samples = field(default_factory=Samples)
    floor_cpu: Samples = field(default_factory=Samples)
    sequential: Samples = field(default_factory=Samples)
    idle: Samples = field(default_factory=Samples)
    concurrent: Samples = field(default_factory=Samples)
    wall: float = 0.0
    cpu: float = 0.0  # server, zygote and workers, over the 8-client bursts

    def floor(self, loop: FloorLoop, count: int) -> None:
        wall, cpu = loop.batch(count)
        self.floor_wall.extend(wall)
        self.floor_cpu.extend(cpu)

    def one_by_one(self, client: LeanClient, code: str, count: int) -> None:
        # the server drops a keep-alive connection idle for 5 s: reconnect, untimed, first
        client.close()
        client.trace(code)
        self.sequential.extend(timed(lambda: client.trace(code)) for _ in range(count))
        for _ in range(count // 5):
            time.sleep(IDLE_GAP)
            self.idle.append(timed(lambda: client.trace(code)))

    def clients(self, server: Server, code: str, per_client: int) -> None:
        before = server.cpu_seconds()
        latencies, seconds = burst(server.url, code, per_client)
        time.sleep(0.1)  # the last workers exit and the zygote reaps them
        self.cpu += server.cpu_seconds() - before
        self.concurrent.extend(latencies)
        self.wall += seconds


def measure(server: Server, quick: bool) -> list[Row]:
    """The floor, then the server against it, interleaved: floor, one by one, floor, 8 clients."""
    code = chain_rule()
    rounds, floor_batch, per_round, per_client = (3, 8, 20, 8) if quick else (7, 15, 30, 25)
    runs = _Runs()
    with FloorLoop() as loop:
        client = LeanClient(server.url)
        try:
            for _ in range(5):
                client.trace(code)  # warm connections and spare workers
            for _ in range(rounds):
                runs.floor(loop, floor_batch)
                runs.one_by_one(client, code, per_round)
                runs.floor(loop, floor_batch)
                runs.clients(server, code, per_client)
        finally:
            client.close()
    floor = (runs.floor_wall, runs.floor_cpu)
    return [*_floor_rows(*floor),
            *_server_rows(floor, runs.sequential, runs.idle, runs.concurrent, runs.wall),
            _cpu_row(runs.cpu / len(runs.concurrent), runs.floor_cpu.median)]


def _cpu_row(per_trace: float, floor_cpu: float) -> Row:
    """The throughput target in CPU terms, which a busy machine does not skew.

    Traces/s against cores ÷ floor CPU compares wall-clock throughput, so other processes
    on the machine count against the server; CPU per trace (server, zygote and every worker,
    from /proc) against the floor's CPU is the same target on a quiet machine (<= 1.0x).
    """
    return Row("http.cpu", f"CPU per chain-rule trace with {CLIENTS} clients: server, zygote "
               "and workers", per_trace * 1e3, "ms", floor_cpu * 1e3, "the floor's CPU (p50)",
               "<= 1.0x", per_trace <= floor_cpu)
