"""Where the time and the bytes go: ``python -m bench.profile [--top N]``.

Not part of the table: run it when a target is missed. It prints the CPU time of each
phase, plain and traced (``bench.phases``), profiles ``trace_source`` on the 24-layer
encoder and ``GraphIndex.discover`` on its built graph with cProfile (in this process, one
intra-op thread like a worker), and splits the trace's JSON size by section and by node
field, so that an optimisation can aim at the biggest share.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

import orjson
import torch

from bench import phases
from bench.overhead import run_plain
from bench.sources import encoder, without_backward
from gradtrace.tracing import trace_source
from gradtrace.tracing.graph import GraphIndex, Origin
from gradtrace.tracing.tensors import TensorTable
from gradtrace.tracing.wire import dumps

__all__ = ["main"]


def _profile(title: str, fn: Callable[[], object], top: int) -> None:
    fn()  # warm
    profiler = cProfile.Profile()
    profiler.enable()
    fn()
    profiler.disable()
    print(f"\n## {title}\n")
    stats = pstats.Stats(profiler)
    stats.sort_stats("tottime").print_stats(top)


def _sizes(trace: dict[str, Any]) -> None:
    """Bytes of each section of the trace, per node, and of each node and tensor field."""
    trace = orjson.loads(dumps(trace))
    nodes, tensors = trace["graph"]["nodes"], trace["tensors"]
    total = len(orjson.dumps(trace))
    print(f"\n## JSON bytes: {total:,} total, {total / len(nodes):.0f} per node\n")
    for key, value in (*trace.items(), *(("graph." + k, v) for k, v in trace["graph"].items())):
        print(f"{key:>12}: {len(orjson.dumps(value)) / len(nodes):>8.1f} per node")
    for title, items in (("node", nodes), ("tensor entry", tensors)):
        fields: Counter[str] = Counter()
        for item in items:
            for key, value in item.items():
                fields[key] += len(orjson.dumps(value)) + len(key) + 4
        print(f"\nper {title} field ({len(items)} {title}s; bytes per node):")
        for key, size in fields.most_common():
            print(f"{key:>16}: {size / len(nodes):>8.1f}")


def main(argv: Sequence[str] | None = None) -> int:
    """Profile the tracer on the 24-layer encoder and print where the bytes go."""
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args(argv)
    phases.main(["--rounds", "5"])  # where the time over the plain run goes, first
    torch.set_num_threads(1)
    source = encoder(24)
    _profile("trace_source, 24-layer encoder", lambda: trace_source(source), args.top)
    loss = run_plain(without_backward(source))["loss"]
    assert isinstance(loss, torch.Tensor)
    _profile("GraphIndex.discover, 24-layer encoder (forward graph)",
             lambda: GraphIndex(100_000, TensorTable(64)).discover(loss.grad_fn, Origin()),
             args.top)
    _sizes(trace_source(source))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
