"""CI regression guard: the quick benchmark, failing only on gross (x3) regressions.

Every timing is judged as a ratio to a baseline measured in the same run (a fresh
interpreter, the plain program, torchviz, Graphviz), so a slow or busy CI machine moves
both sides; a row fails only when its ratio is more than 3x worse than the reference ratio
in ``bench/reference.json`` (refresh it with ``python -m bench.run --quick
--write-reference`` after a deliberate change). Byte counts are compared directly, and
capabilities (gzip on the wire, a 20,000-op chain traces) must hold.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest
import torch

from bench.browser import CHROMIUM

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "bench" / "reference.json"
FACTOR = 3.0

pytestmark = pytest.mark.slow


def _grad_fn_count(root: Any) -> int:
    """Every node reachable from ``root`` through next_functions, counted once."""
    seen: set[Any] = set()
    stack = [root]
    while stack:
        fn = stack.pop()
        if fn is None or fn in seen:
            continue
        seen.add(fn)
        stack.extend(child for child, _ in fn.next_functions)
    return len(seen)


@pytest.mark.parametrize(("program", "size", "nodes"), [
    ("encoder", 24, 1827), ("encoder", 96, 7299), ("lstm_unrolled", 50, 755),
])
def test_benchmark_programs_have_the_topics_node_counts(program: str, size: int,
                                                        nodes: int) -> None:
    """The graphs benchmarked are the ones the issue names (1,827 / 7,299 / 755 nodes)."""
    from bench import sources
    from bench.overhead import run_plain

    source = sources.without_backward(getattr(sources, program)(size))
    loss = run_plain(source)["loss"]
    assert isinstance(loss, torch.Tensor)
    assert _grad_fn_count(loss.grad_fn) == nodes


def _violation(row: dict[str, Any], ref: dict[str, Any]) -> str | None:
    """Why ``row`` is a gross regression against ``ref``, or None.

    A ratio means something only against the same baseline: when the run measures a row
    against another baseline than the reference did (issue 22 moved the HTTP rows from a
    fresh ``python -c`` to the fork floor), the reference is stale, and that is reported
    rather than compared.
    """
    guard = ref["guard"]
    if guard == "ratio" and row["baseline_label"] != ref["baseline_label"]:
        return (f"{row['measure']}: measured against '{row['baseline_label']}', the reference "
                f"against '{ref['baseline_label']}': refresh {REFERENCE.name}")
    if guard == "met" and row["met"] is not True:
        return f"{row['measure']}: target '{row['target']}' no longer met"
    if guard == "figure" and row["figure"] > FACTOR * ref["figure"]:
        return f"{row['measure']}: {row['figure']:.4g} > {FACTOR}x {ref['figure']:.4g}"
    if guard != "ratio" or row["ratio"] is None or ref["ratio"] is None:
        return None
    if ref["higher_is_better"]:
        bad = row["ratio"] < ref["ratio"] / FACTOR
    else:
        bad = row["ratio"] > ref["ratio"] * FACTOR
    if bad:
        return (f"{row['measure']}: ratio {row['ratio']:.4g} vs reference "
                f"{ref['ratio']:.4g} (more than {FACTOR}x worse)")
    return None


def test_quick_benchmark_has_no_gross_regression(tmp_path: Path) -> None:
    out = tmp_path / "quick.json"
    done = subprocess.run([sys.executable, "-m", "bench.run", "--quick", "--json", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=280)
    assert done.returncode == 0, done.stderr[-4000:]
    rows = {row["key"]: row for row in orjson.loads(out.read_bytes())}
    reference = orjson.loads(REFERENCE.read_bytes())
    no_browser = shutil.which(CHROMIUM) is None
    problems = []
    for ref in reference:
        row = rows.get(ref["key"])
        if row is None:
            if not (no_browser and ref["key"].startswith("browser.")):
                problems.append(f"{ref['key']}: missing from the quick run")
            continue
        problem = _violation(row, ref)
        if problem:
            problems.append(problem)
    known = {ref["key"] for ref in reference}
    problems.extend(f"{key}: guarded ({row['guard']}) but not in {REFERENCE.name}: refresh it"
                    for key, row in rows.items() if row["guard"] != "none" and key not in known)
    assert not problems, "\n".join(problems) + "\n\n" + done.stdout


def test_guard_compares_ratios_only_against_the_same_baseline() -> None:
    """A ratio 3x worse fails; a row measured against another baseline reports a stale reference."""
    ref = {"key": "http.p50", "measure": "p50", "guard": "ratio", "ratio": 0.5,
           "baseline_label": "the floor's wall (p50)", "higher_is_better": False}
    assert _violation({**ref, "ratio": 1.4}, ref) is None
    assert "more than 3.0x worse" in str(_violation({**ref, "ratio": 1.6}, ref))
    stale = _violation({**ref, "baseline_label": "fresh python -c (p50)"}, ref)
    assert stale is not None and "refresh reference.json" in stale
