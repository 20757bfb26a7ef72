"""Measurement 3: graph extraction alone against torchviz, and a 20,000-op chain.

Both contenders walk the same live graph (built once, plainly): ``GraphIndex.discover``
records structure, op names, shapes, leaf values and saved tensors; torchviz ``make_dot``
with ``params`` and ``show_saved=True`` builds its DOT graph of the same things. torchviz
recurses once per node, so the chain is also given to it in a fresh interpreter with
Python's default recursion limit (Gradtrace's runner raises the limit in this process).

The chain's walk runs with the collector thresholds every trace uses (20,000 records pile
up: at Python's defaults the collector rescans them and the walk takes twice as long); the
comparison with torchviz leaves both at the defaults (the speed-up is about 7x either way,
measured).
"""

from __future__ import annotations

import subprocess
import sys
import time

import torch
from torchviz import make_dot

from bench.common import Row, interleave
from bench.overhead import run_plain
from bench.sources import chain, encoder, without_backward
from gradtrace.tracing import TraceOptions, fewer_collections, trace_source
from gradtrace.tracing.graph import GraphIndex, Origin
from gradtrace.tracing.tensors import TensorTable

__all__ = ["measure", "torchviz_breaking_length"]

CHAIN_OPS = 20_000

_PROBE = """
import sys, torch
from torchviz import make_dot
for n in {lengths}:
    y = x = torch.ones(1, requires_grad=True)
    for _ in range(n):
        y = y * 1.0001
    try:
        make_dot(y)
    except RecursionError:
        print(n)
        break
else:
    print(0)
"""


def torchviz_breaking_length(lengths: list[int]) -> int | None:
    """The first chain length at which make_dot raises RecursionError (default limit)."""
    script = _PROBE.format(lengths=lengths)
    out = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True,
                         text=True, timeout=300).stdout.split()
    return int(out[-1]) or None


def _discover(root: object) -> int:
    index = GraphIndex(max_nodes=100_000, tensors=TensorTable(max_values=64))
    index.discover(root, Origin())
    return len(index.nodes)


def _extraction_row(rounds: int) -> Row:
    namespace = run_plain(without_backward(encoder(24)))
    loss, model = namespace["loss"], namespace["encoder"]
    assert isinstance(loss, torch.Tensor) and isinstance(model, torch.nn.Module)
    params = dict(model.named_parameters())
    nodes = _discover(loss.grad_fn)
    samples = interleave({
        "gradtrace": lambda: _discover(loss.grad_fn),
        "torchviz": lambda: make_dot(loss, params=params, show_saved=True),
    }, rounds)
    ours, theirs = samples["gradtrace"], samples["torchviz"]
    return Row("extract.enc24", f"graph extraction, 24-layer encoder ({nodes} nodes)",
               ours.median * 1e3, "ms", theirs.median * 1e3, "torchviz make_dot(show_saved)",
               ">= 10x faster (ratio <= 0.1)", ours.median * 10 <= theirs.median,
               f"{ours.spread_ms()}; torchviz {theirs.spread_ms()}")


def _chain_rows(quick: bool) -> list[Row]:
    source = chain(CHAIN_OPS)
    start = time.perf_counter()
    result = trace_source(source, options=TraceOptions(max_nodes=CHAIN_OPS + 100))
    traced = time.perf_counter() - start
    nodes = len(result["graph"]["nodes"])
    tip = run_plain(without_backward(source))["y"]  # a live graph, as the tracer walks it
    assert isinstance(tip, torch.Tensor)
    with fewer_collections():  # the walk's setting in every trace (gradtrace.tracing.runner)
        walk = interleave({"walk": lambda: _discover(tip.grad_fn)}, 1 if quick else 3)
    lengths = [500, 900, 1000, 1100, 1500, 2000, 5000, CHAIN_OPS]
    tried = lengths[2:4] if quick else lengths
    breaking = torchviz_breaking_length(tried)
    note = (f"torchviz make_dot: RecursionError at {breaking} ops (tried {tried})"
            if breaking else "torchviz did not fail")
    ok = bool(result["ok"]) and nodes == CHAIN_OPS + 1
    return [
        Row("chain.trace", f"{CHAIN_OPS:,}-op chain: trace_source ({nodes} nodes)",
            traced * 1e3, "ms", target="traces", met=ok, note=note, guard="met"),
        Row("chain.walk", f"{CHAIN_OPS:,}-op chain: GraphIndex.discover",
            walk["walk"].median * 1e3, "ms", spread=walk["walk"].spread_ms(), guard="none"),
    ]


def measure(quick: bool) -> list[Row]:
    """Extraction vs torchviz on the encoder, then the long chain."""
    return [_extraction_row(3 if quick else 9), *_chain_rows(quick)]
