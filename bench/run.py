"""Run every benchmark and print the results table: ``python -m bench.run [--quick] [--only NAME]``.

One real ``gradtrace serve`` is started for the measurements that need it and stopped at
the end. Each measurement interleaves its contenders (A/B) and reports medians and spreads;
``--json`` writes the rows for the CI guard (tests/test_bench_quick.py), and
``--write-reference`` stores them as the guard's reference (bench/reference.json).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import orjson

from bench import browser, extraction, floor, http_small, library, memory, overhead, payload
from bench.common import Row
from bench.report import load_average, machine, table
from bench.server import Server

__all__ = ["MEASUREMENTS", "REFERENCE", "main", "run"]

REFERENCE = Path(__file__).resolve().parent / "reference.json"

# name -> (needs a server, measure)
MEASUREMENTS: dict[str, tuple[bool, Callable[..., list[Row]]]] = {
    "http": (True, http_small.measure),
    "floor": (True, floor.measure),
    "overhead": (True, overhead.measure),
    "payload": (True, payload.measure),
    "memory": (True, memory.measure),
    "browser": (True, browser.measure),
    "extraction": (False, extraction.measure),
    "library": (False, library.measure),
}


def _selected(only: Sequence[str]) -> list[str]:
    names = list(only) or list(MEASUREMENTS)
    if "browser" in names and not shutil.which(browser.CHROMIUM):
        print(f"skipping browser: {browser.CHROMIUM} not installed", file=sys.stderr)
        names.remove("browser")
    return names


def run(quick: bool, only: Sequence[str] = ()) -> list[Row]:
    """Every selected measurement, in order, against one server; returns the rows."""
    names = _selected(only)
    rows: list[Row] = []
    with contextlib.ExitStack() as stack:
        server = None
        if any(MEASUREMENTS[name][0] for name in names):
            server = stack.enter_context(Server())
            print(f"server ready in {server.start_seconds:.1f} s", file=sys.stderr)
        for name in names:
            needs_server, measure = MEASUREMENTS[name]
            start = time.perf_counter()
            found = measure(server, quick) if needs_server else measure(quick)
            print(f"{name}: {time.perf_counter() - start:.1f} s, load {load_average()}",
                  file=sys.stderr)
            rows.extend(found)
    return rows


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="the CI variant (under ~60 s)")
    parser.add_argument("--only", action="append", default=[], choices=list(MEASUREMENTS),
                        help="run only this measurement (repeatable)")
    parser.add_argument("--json", type=Path, help="also write the rows to this file")
    parser.add_argument("--write-reference", action="store_true",
                        help=f"store the rows as the CI guard's reference ({REFERENCE.name})")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run, print the Markdown table, and write JSON if asked."""
    args = _parser().parse_args(argv)
    load_before = load_average()
    start = time.perf_counter()
    rows = run(args.quick, args.only)
    elapsed = time.perf_counter() - start
    print(table(rows))
    print(f"\nMachine: {machine()}.\nLoad average before / after: {load_before} -> "
          f"{load_average()}; {'quick' if args.quick else 'full'} run took {elapsed:.0f} s.")
    data = orjson.dumps([dataclasses.asdict(row) | {"ratio": row.ratio} for row in rows],
                        option=orjson.OPT_INDENT_2)
    if args.json:
        args.json.write_bytes(data)
    if args.write_reference:
        REFERENCE.write_bytes(data + b"\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
