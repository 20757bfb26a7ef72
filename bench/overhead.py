"""Measurement 2: what tracing costs on a real model, against running it plainly.

The same TransformerEncoder program, forward + backward, three ways, interleaved: plainly
``exec``-ed in this process (torch already imported, one intra-op thread like a worker),
through the whole API call (HTTP, policy, fork, trace, JSON), and ``trace_source`` in this
process (the tracer alone, no sandbox or HTTP).
"""

from __future__ import annotations

import builtins
from collections.abc import Callable

import httpx
import torch

from bench.common import Row, interleave
from bench.http_small import post_trace
from bench.server import Server
from bench.sources import encoder
from gradtrace.tracing import TraceOptions, trace_source

__all__ = ["measure", "run_plain"]

# issue 22: the whole API call and the in-process trace against the plain run, by layers
_LIMITS = {("api", 24): 2.0, ("api", 96): 2.5, ("trace", 24): 1.5}


def run_plain(source: str) -> dict[str, object]:
    """Execute ``source`` with ordinary builtins and no recorder; return its globals."""
    namespace: dict[str, object] = {"__name__": "__main__", "__builtins__": builtins}
    exec(compile(source, "<plain>", "exec"), namespace)
    return namespace


def _rows(layers: int, server: Server, rounds: int) -> list[Row]:
    source = encoder(layers)
    options = TraceOptions(max_nodes=50_000)
    with httpx.Client(base_url=server.url, timeout=300) as client:
        contenders: dict[str, Callable[[], object]] = {
            "plain": lambda: run_plain(source),
            "api": lambda: post_trace(client, source),
            "trace": lambda: trace_source(source, options=options),
        }
        for contender in contenders.values():
            contender()  # warm-up: first calls pay for lazy imports and allocator growth
        samples = interleave(contenders, rounds)
    plain = samples["plain"]
    rows = []
    for key, label in (("api", "whole API call"), ("trace", "trace_source in-process")):
        figure = samples[key].median
        limit = _LIMITS.get((key, layers))
        rows.append(Row(
            f"overhead.{key}{layers}", f"{layers}-layer encoder: {label}", figure * 1e3, "ms",
            plain.median * 1e3, "plain run, same process",
            "(info)" if limit is None else f"<= {limit:g}x",
            None if limit is None else figure / plain.median <= limit,
            f"{samples[key].spread_ms()}; plain {plain.spread_ms()}",
        ))
    return rows


def measure(server: Server, quick: bool) -> list[Row]:
    """24 layers always; 96 layers in the full run only."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # what a sandboxed worker uses (ProcessLimits.max_threads)
    try:
        rows = _rows(24, server, 3 if quick else 7)
        if not quick:
            rows += _rows(96, server, 5)
    finally:
        torch.set_num_threads(threads)
    return rows
