"""What every measurement shares: the result row, robust statistics, A/B interleaving.

Every figure is reported next to a baseline measured in the same run, and the two are
measured in alternation (A, B, A, B, ...) so that a burst of load from another process on
this shared machine hits both sides instead of skewing the ratio.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

__all__ = ["Row", "Samples", "interleave", "percentile", "timed"]


@dataclass
class Row:
    """One line of the results table.

    ``ratio`` is figure / baseline; lower is better unless ``higher_is_better`` (throughput).
    ``met`` says whether the issue's target is reached (None: no target for this row) and
    ``key`` names the row for the CI guard; ``guard`` says what it compares with the
    reference: "ratio" (timings: only the ratio to a same-run baseline survives a busy
    machine), "figure" (bytes, megabytes: machine-independent), "met" (the target is a
    capability, e.g. a 20,000-op chain traces) or "none" (informational).
    """

    key: str
    measure: str
    figure: float
    unit: str
    baseline: float | None = None
    baseline_label: str = ""
    target: str = ""
    met: bool | None = None
    spread: str = ""
    note: str = ""
    higher_is_better: bool = False
    guard: str = "ratio"

    @property
    def ratio(self) -> float | None:
        """figure / baseline, when both exist."""
        if self.baseline is None or self.baseline == 0:
            return None
        return self.figure / self.baseline


class Samples(list[float]):
    """Timings in seconds with the statistics the table shows."""

    @property
    def median(self) -> float:
        return statistics.median(self)

    def pct(self, q: float) -> float:
        return percentile(self, q)

    def spread_ms(self) -> str:
        """Min-max and interquartile range in ms: the noise the reader should allow for."""
        if len(self) < 2:
            return f"n={len(self)}"
        return (f"n={len(self)} IQR {self.pct(25) * 1e3:.1f}-{self.pct(75) * 1e3:.1f} ms, "
                f"range {min(self) * 1e3:.1f}-{max(self) * 1e3:.1f}")


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile with linear interpolation (q in 0..100)."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no samples")
    pos = (len(ordered) - 1) * q / 100
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def timed(fn: Callable[[], object]) -> float:
    """Wall-clock seconds of one call."""
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def interleave(
    contenders: Mapping[str, Callable[[], object]], rounds: int
) -> dict[str, Samples]:
    """Time every contender once per round, alternating, starting with a different one."""
    names = list(contenders)
    samples = {name: Samples() for name in names}
    for index in range(rounds):
        shift = index % len(names)
        for name in names[shift:] + names[:shift]:
            samples[name].append(timed(contenders[name]))
    return samples
