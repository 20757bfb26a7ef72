"""The results table and the machine it was measured on, as Markdown (pasted in the README)."""

from __future__ import annotations

import os
import platform
from pathlib import Path

import torch

from bench.common import Row

__all__ = ["load_average", "machine", "table"]


def _number(value: float | None) -> str:
    if value is None:
        return "—"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}"


def _ratio(row: Row) -> str:
    ratio = row.ratio
    if ratio is None:
        return "—"
    if row.key.startswith("extract.") and ratio > 0:
        return f"{ratio:.3g}x (speed-up {1 / ratio:.2g}x)"
    return f"{ratio:.3g}x"


def _met(row: Row) -> str:
    return {True: "yes", False: "**MISSED**", None: ""}[row.met]


def table(rows: list[Row]) -> str:
    """One Markdown row per measurement: figure, baseline, ratio, target, spread and notes."""
    lines = ["| measurement | figure | baseline | ratio | target | met | spread / notes |",
             "| --- | ---: | --- | ---: | --- | --- | --- |"]
    for row in rows:
        baseline = (f"{_number(row.baseline)} {_unit(row)} ({row.baseline_label})"
                    if row.baseline is not None else row.baseline_label or "—")
        notes = "; ".join(part for part in (row.spread, row.note) if part)
        lines.append(f"| {row.measure} | {_number(row.figure)} {row.unit} | {baseline} | "
                     f"{_ratio(row)} | {row.target} | {_met(row)} | {notes} |")
    return "\n".join(lines)


def _unit(row: Row) -> str:
    return "traces/s" if row.higher_is_better else row.unit


def load_average() -> str:
    """The 1/5/15-minute load averages: how busy the shared machine was."""
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown CPU"


def machine() -> str:
    """CPU, cores, memory, OS, Python and torch: what the figures depend on."""
    pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    return (f"{_cpu_model()}, {os.cpu_count()} cores, {pages / 2**30:.0f} GiB RAM; "
            f"{platform.system()} {platform.release()}; Python {platform.python_version()}; "
            f"torch {torch.__version__} (CPU, 1 intra-op thread in workers)")
