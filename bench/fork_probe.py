"""What a fresh process per request costs at the least: ``python -m bench.fork_probe ROUNDS``.

Run by :mod:`bench.floor` in an interpreter of its own, which first makes itself the fork
parent exactly as the zygote does (:func:`gradtrace.sandbox.zygote.prepare`: torch imported, one
trace run, ``gc.freeze()``, heap on huge pages). Then, interleaved in batches:

* ``fork``: fork a child that exits at once;
* ``forked``: fork a child that traces the chain-rule example, builds its reply and exits
  (a real worker also hardens itself and talks to the server: this is a lower bound);
* ``warm``: the same trace and reply in this warm process, without a fork;

and last, the cost of one first-touch page fault. It prints one JSON object.

Everything is CPU time (user + system, parent and children): that, not wall time, caps
how many traces two cores can serve. The kernel may account CPU time in whole ticks, so
each sample is the mean of a batch.
"""

from __future__ import annotations

import gc
import mmap
import os
import resource
import sys
from collections.abc import Callable

import orjson

from bench.sources import chain_rule
from gradtrace.sandbox.facade import build_globals
from gradtrace.sandbox.reply import TraceReply
from gradtrace.sandbox.zygote import prepare
from gradtrace.tracing import GC_THRESHOLDS, trace_source

__all__ = ["main"]

BATCH = 10
_PAGE = mmap.PAGESIZE
_TOUCHED = 64 * 1024 * 1024


def _cpu() -> tuple[float, int]:
    """CPU seconds so far of this process and its waited-for children, and their faults."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    seconds = own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime
    return seconds, own.ru_minflt + kids.ru_minflt


def _trace(code: str) -> None:
    TraceReply.from_result(trace_source(code, globals_dict=build_globals()))


def _in_child(work: Callable[[], None] | None) -> None:
    pid = os.fork()
    if pid == 0:
        try:
            if work is not None:
                work()
        finally:
            os._exit(0)
    os.waitpid(pid, 0)


def _batch(step: Callable[[], None]) -> tuple[float, float]:
    """Mean CPU seconds and page faults of one ``step``, over :data:`BATCH` of them."""
    seconds, faults = _cpu()
    for _ in range(BATCH):
        step()
    after, faults_after = _cpu()
    return (after - seconds) / BATCH, (faults_after - faults) / BATCH


def _fault_cost() -> float:
    """System CPU seconds of one first-touch fault on anonymous memory."""
    region = mmap.mmap(-1, _TOUCHED)
    pages = range(0, _TOUCHED, _PAGE)
    passes = []
    for _ in range(2):  # the second pass faults no more: it is the loop's own cost
        before = resource.getrusage(resource.RUSAGE_SELF)
        for offset in pages:
            region[offset] = 1
        after = resource.getrusage(resource.RUSAGE_SELF)
        passes.append(after.ru_stime + after.ru_utime - before.ru_stime - before.ru_utime)
    region.close()
    return max(passes[0] - passes[1], 0.0) / len(pages)


def main() -> None:
    """Prepare like the zygote, measure, print JSON."""
    rounds = int(sys.argv[1])
    prepare()
    gc.set_threshold(*GC_THRESHOLDS)  # what every worker runs with (gradtrace.sandbox.worker)
    code = chain_rule()
    steps: dict[str, Callable[[], None]] = {
        "fork": lambda: _in_child(None),
        "forked": lambda: _in_child(lambda: _trace(code)),
        "warm": lambda: _trace(code),
    }
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in steps}
    names = list(steps)
    for index in range(rounds):
        shift = index % len(names)
        for name in names[shift:] + names[:shift]:
            samples[name].append(_batch(steps[name]))
    result = {name: {"cpu": [cpu for cpu, _ in rows], "faults": [f for _, f in rows]}
              for name, rows in samples.items()}
    sys.stdout.buffer.write(orjson.dumps({**result, "fault_seconds": _fault_cost()}))


if __name__ == "__main__":
    main()
