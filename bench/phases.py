"""Where the tracer's time over the plain run goes, phase by phase: ``python -m bench.phases``.

Not part of the table (``bench.profile`` prints it first). The 24-layer encoder program gets
a clock read before its model is built, before its forward pass and before its backward
call; it runs plainly and traced, interleaved, and the traced run's two steps after the
program (leaving the recording block, summarising the pending tensors, writing the trace)
are timed too. Each figure is
the minimum over the rounds of CPU time (``time.process_time``): on a shared machine wall
time swings with other processes, and cProfile's own cost distorts exactly the Python-heavy
parts this is meant to compare.
"""

from __future__ import annotations

import argparse
import builtins
import itertools
import time
from collections.abc import Callable, Sequence
from typing import Any

import torch

from bench.sources import encoder
from gradtrace.tracing import TraceOptions
from gradtrace.tracing.node_hooks import HELPER, helper
from gradtrace.tracing.recorder import Recorder
from gradtrace.tracing.result import build_result
from gradtrace.tracing.runner import compile_program, fewer_collections

__all__ = ["main", "split"]

_CLOCK = "__clock__"
# a clock is read before the first line starting with each of these
_MARKS = (("construct", "encoder = "), ("forward", "encoded = "), ("backward", "loss.backward"))


def _marked(source: str) -> str:
    lines = source.split("\n")
    for _, start in _MARKS:
        index = next((i for i, line in enumerate(lines) if line.startswith(start)), None)
        if index is None:
            raise ValueError(f"the program has no line starting with {start!r}")
        lines.insert(index, f"{_CLOCK}()")
    return "\n".join([*lines, f"{_CLOCK}()"])


def _namespace() -> tuple[dict[str, Any], list[float]]:
    clock: list[float] = []
    return ({"__name__": "__main__", "__builtins__": builtins,
             _CLOCK: lambda: clock.append(time.process_time())}, clock)


def _plain(code: Any) -> list[float]:
    namespace, clock = _namespace()
    exec(code, namespace)
    return [after - before for before, after in itertools.pairwise(clock)]


def _traced(code: Any, options: TraceOptions) -> list[float]:
    namespace, clock = _namespace()
    recorder = Recorder(options, namespace)
    namespace[HELPER] = helper(recorder)
    with fewer_collections():
        with recorder.active():
            exec(code, namespace)
        clock.append(time.process_time())
        recorder.tensors.flush()
        clock.append(time.process_time())
        build_result(recorder, "", [], None)
        clock.append(time.process_time())
    return [after - before for before, after in itertools.pairwise(clock)]


def split(layers: int = 24, rounds: int = 9) -> dict[str, dict[str, float]]:
    """``{"plain": {phase: ms}, "traced": {phase: ms}}``, minimum CPU time of ``rounds``."""
    source = _marked(encoder(layers))
    plain_code, traced_code = compile(source, "<plain>", "exec"), compile_program(source)
    options = TraceOptions(max_nodes=50_000)
    runs: dict[str, Callable[[], list[float]]] = {
        "plain": lambda: _plain(plain_code), "traced": lambda: _traced(traced_code, options)}
    samples: dict[str, list[list[float]]] = {name: [] for name in runs}
    for run in runs.values():
        run()  # warm-up
    for _ in range(rounds):
        for name, run in runs.items():
            samples[name].append(run())
    names = [name for name, _ in _MARKS] + ["leave", "flush", "write"]
    # plain runs have the program's phases only: zip stops at the shorter
    return {name: {phase: min(column) * 1e3
                   for phase, column in zip(names, zip(*rows, strict=True), strict=False)}
            for name, rows in samples.items()}


def main(argv: Sequence[str] | None = None) -> int:
    """Print the phase split of the 24-layer encoder, plain against traced."""
    parser = argparse.ArgumentParser(prog="python -m bench.phases", description=__doc__)
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    figures = split(rounds=args.rounds)
    plain, traced = figures["plain"], figures["traced"]
    print(f"\n## CPU ms per phase, 24-layer encoder (min of {args.rounds})\n")
    for phase, ms in traced.items():
        base = plain.get(phase)
        extra = "" if base is None else f"  (plain {base:.1f}, +{ms - base:.1f})"
        print(f"{phase:>10}: {ms:6.1f}{extra}")
    total, base_total = sum(traced.values()), sum(plain.values())
    print(f"{'total':>10}: {total:6.1f}  (plain {base_total:.1f}, {total / base_total:.2f}x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
