"""Measurement 6: memory across many traces.

Every program gets a freshly forked worker that exits afterwards, so a worker cannot grow
across traces by construction; what can grow is the server (request handling, result
decoding) and the warm parent the workers are forked from. Their RSS is sampled at idle
(after a warm-up) and every tenth of the run; a spare worker's RSS is reported too.
"""

from __future__ import annotations

import httpx

from bench.common import Row
from bench.http_small import post_trace
from bench.server import Server, descendants, rss_mb
from bench.sources import chain_rule

__all__ = ["measure"]

_TOLERANCE_MB = 5.0


def _worker_rss(server: Server, parent: int | None) -> str:
    """RSS of the idle spare workers (children of the warm parent)."""
    if parent is None:
        return "no warm parent found"
    sizes = []
    for pid in descendants(parent):
        try:
            sizes.append(rss_mb(pid))
        except (OSError, RuntimeError):
            continue
    return "spare workers " + ", ".join(f"{s:.0f}" for s in sizes) + " MB" if sizes else ""


def _row(key: str, label: str, trace: list[float], traces: int, extra: str) -> Row:
    idle, final = trace[0], trace[-1]
    growth = final - idle
    samples = " ".join(f"{v:.0f}" for v in trace)
    return Row(key, f"{label} RSS after {traces:,} traces (growth {growth:+.1f} MB)", final,
               "MB", idle, "its idle RSS", f"growth <= {_TOLERANCE_MB:g} MB",
               growth <= _TOLERANCE_MB, f"samples {samples}", extra)


def measure(server: Server, quick: bool) -> list[Row]:
    """RSS of the server and the warm parent across 1,000 traces (100 in the quick run)."""
    traces = 100 if quick else 1000
    code = chain_rule()
    parent = server.fork_parent_pid()
    server_rss: list[float] = []
    parent_rss: list[float] = []
    with httpx.Client(base_url=server.url, timeout=120) as client:
        for _ in range(20):
            post_trace(client, code)
        workers_before = _worker_rss(server, parent)
        for index in range(traces + 1):
            if index % (traces // 10) == 0:
                server_rss.append(rss_mb(server.pid))
                if parent is not None:
                    parent_rss.append(rss_mb(parent))
            if index < traces:
                post_trace(client, code)
    rows = [_row("memory.server", "server", server_rss, traces, "")]
    if parent_rss:
        extra = f"{workers_before}; after: {_worker_rss(server, parent)}"
        rows.append(_row("memory.parent", "warm fork parent", parent_rss, traces, extra))
    return rows
