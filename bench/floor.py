"""Measurement 7: where a small trace's CPU goes, and what parts of a fresh process cost.

The server's targets are ratios against the floor (:mod:`bench.floor_loop`, measured with
the HTTP rows): throughput comes down to CPU per request. These rows say where that CPU goes
under load (from /proc, for the whole machine and for each process) and what forking alone
costs from a parent prepared as the zygote is (``bench.fork_probe``), so the table shows
which part of a trace to work on. They are informational: no target, no CI guard.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

from bench.common import Row
from bench.http_small import CLIENTS, LeanClient, burst
from bench.server import Server, process_cpu
from bench.sources import chain_rule

__all__ = ["measure"]

_TICK = os.sysconf("SC_CLK_TCK")


def _machine_busy() -> float:
    """CPU seconds all cores have spent busy since boot (/proc/stat, idle and iowait excluded)."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(f) for f in fields[:8])
    return (user + nice + system + irq + softirq + steal) / _TICK


def _client_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _split_row(server: Server, quick: bool) -> Row:
    """CPU per trace with 8 clients, and who spent it: server, zygote, workers, clients.

    The zygote reaps its workers, so their CPU time is its children's time: the split holds
    however busy other processes keep the machine (the whole machine's figure is noted).
    """
    code = chain_rule()
    client = LeanClient(server.url)
    try:
        for _ in range(5):
            client.trace(code)  # spares ready, connections warm
    finally:
        client.close()
    zygote = server.fork_parent_pid()
    probes: list[Callable[[], float]] = [
        lambda: process_cpu(server.pid), lambda: process_cpu(zygote),
        lambda: process_cpu(zygote, children=True), _client_cpu, _machine_busy,
    ]
    before = [probe() for probe in probes]
    latencies, _ = burst(server.url, code, 10 if quick else 40)
    time.sleep(0.2)  # the last workers exit and are reaped
    own, forks, workers, clients, machine = (
        probe() - start for probe, start in zip(probes, before, strict=True))
    ms = 1e3 / len(latencies)
    total = own + forks + workers + clients
    return Row("floor.split", f"CPU per chain-rule trace with {CLIENTS} clients (server, zygote, "
               "workers, clients)", total * ms, "ms", target="(info)",
               note=(f"{len(latencies)} traces: server {own * ms:.1f} ms, zygote (forks) "
                     f"{forks * ms:.1f}, workers {workers * ms:.1f}, the benchmark's clients "
                     f"{clients * ms:.1f}; the whole machine {machine * ms:.1f}"),
               guard="none")


def _probe(quick: bool) -> dict[str, Any]:
    out = subprocess.run([sys.executable, "-m", "bench.fork_probe", "3" if quick else "9"],
                         check=True, capture_output=True, timeout=600).stdout
    found: dict[str, Any] = orjson.loads(out)
    return found


def _fork_rows(quick: bool) -> list[Row]:
    """fork + exit, and fork + the chain rule + exit, against the chain rule in a warm process."""
    found = _probe(quick)
    names = ("fork", "forked", "warm")
    cpu = {name: statistics.median(found[name]["cpu"]) * 1e3 for name in names}
    faults = {name: statistics.median(found[name]["faults"]) for name in names}
    warm_label = "the same trace in the warm fork parent (CPU)"
    fault = found["fault_seconds"] * 1e6
    return [
        Row("floor.fork", "fork + exit of the warmed fork parent, nothing run (CPU)",
            cpu["fork"], "ms", cpu["warm"], warm_label, "(info)",
            note=f"{faults['fork']:.0f} page faults in the child", guard="none"),
        Row("floor.forked", "chain rule in a freshly forked process: fork, trace, reply, exit "
            "(CPU)", cpu["forked"], "ms", cpu["warm"], warm_label, "(info)",
            note=(f"{faults['forked']:.0f} page faults against {faults['warm']:.0f} warm; "
                  f"no hardening or sockets, so a real worker costs more"), guard="none"),
        Row("floor.fault", "one first-touch page fault on anonymous memory (CPU)", fault, "µs",
            target="(info)", note="64 MiB touched once per page, minus a second pass",
            guard="none"),
    ]


def measure(server: Server, quick: bool) -> list[Row]:
    """The CPU split under load, then the fork floor."""
    return [_split_row(server, quick), *_fork_rows(quick)]
