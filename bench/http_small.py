"""Measurement 1: the chain-rule example over HTTP against a real ``gradtrace serve``.

Baseline: a fresh ``python -c`` running the same program, which is what answering each
request with a new process would cost (interpreter start + ``import torch`` + the program).

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
import subprocess
import sys
import threading
import time
from urllib.parse import urlsplit

import httpx
import orjson

from bench.common import Row, Samples, timed
from bench.server import Server
from bench.sources import chain_rule

__all__ = ["CLIENTS", "LeanClient", "burst", "fresh_process", "measure", "post_trace"]

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


def fresh_process(code: str) -> None:
    """Run ``code`` in a new interpreter, as a naive one-process-per-request server would."""
    subprocess.run([sys.executable, "-c", code], check=True, stdout=subprocess.DEVNULL)


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


def measure(server: Server, quick: bool) -> list[Row]:
    """p50 sequential, p99 and throughput with 8 clients, each next to a fresh process."""
    code = chain_rule()
    rounds, per_round, per_client = (3, 10, 5) if quick else (7, 30, 25)
    baseline, sequential, concurrent, idle = Samples(), Samples(), Samples(), Samples()
    wall = 0.0
    client = LeanClient(server.url)
    try:
        for _ in range(5):
            client.trace(code)  # warm connections and spare workers
        for _ in range(rounds):
            baseline.append(timed(lambda: fresh_process(code)))
            # the server drops a keep-alive connection idle for 5 s (the baseline and the
            # burst take about that long): reconnect, untimed, before each timed run
            client.close()
            client.trace(code)
            sequential.extend(timed(lambda: client.trace(code)) for _ in range(per_round))
            for _ in range(per_round // 3):
                time.sleep(IDLE_GAP)
                idle.append(timed(lambda: client.trace(code)))
            latencies, seconds = burst(server.url, code, per_client)
            concurrent.extend(latencies)
            wall += seconds
    finally:
        client.close()
    naive = baseline.median
    rate = len(concurrent) / wall
    p50, p99 = sequential.median, concurrent.pct(99)
    return [
        Row("http.p50", "chain rule over HTTP, p50 sequential", p50 * 1e3, "ms", naive * 1e3,
            "fresh python -c (p50)", "<= 5 ms", p50 <= 0.005, sequential.spread_ms()),
        Row("http.p50idle", "chain rule over HTTP, p50 idle (requests 100 ms apart)",
            idle.median * 1e3, "ms", naive * 1e3, "fresh python -c (p50)", "(info)", None,
            idle.spread_ms()),
        Row("http.p99c8", f"chain rule over HTTP, p99 with {CLIENTS} clients", p99 * 1e3, "ms",
            naive * 1e3, "fresh python -c (p50)", "<= 40 ms", p99 <= 0.040,
            concurrent.spread_ms()),
        Row("http.tps", f"chain rule traces/s with {CLIENTS} clients", rate, "traces/s",
            1 / naive, "1 / fresh python -c", ">= 300/s", rate >= 300,
            f"{len(concurrent)} traces in {wall:.1f} s; python -c {baseline.spread_ms()}",
            higher_is_better=True),
    ]
