"""How many of a trace's graph nodes have a rule: the table's coverage on real programs.

``python -m gradtrace.tracing.formulas --coverage`` traces the gallery's programs and, run
from a checkout, the small models of ``tests/tracing/formula_models.py`` (MLP, CNN, LSTM,
Transformer encoder, VAE), and prints the share of nodes whose op has a rule and the ops
that have none. Leaves (AccumulateGrad) count: their rule is ``.grad += incoming``.
"""

from __future__ import annotations

import importlib
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from gradtrace.tracing.formulas.core import RULES

__all__ = ["Coverage", "coverage_of", "default_programs", "main"]


@dataclass
class Coverage:
    """Nodes counted, nodes with a rule, and the ops of the rest (with how many nodes)."""

    nodes: int = 0
    covered: int = 0
    missing: Counter[str] = field(default_factory=Counter)
    per_program: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def share(self) -> float:
        """Covered nodes over all nodes (1.0 for no nodes)."""
        return self.covered / self.nodes if self.nodes else 1.0


def coverage_of(programs: Mapping[str, str]) -> Coverage:
    """Trace every program and count its graph nodes with and without a rule."""
    from gradtrace.tracing import trace_source

    result = Coverage()
    for name, source in programs.items():
        ops = [node["op"] for node in trace_source(source)["graph"]["nodes"]]
        known = sum(op in RULES for op in ops)
        result.nodes += len(ops)
        result.covered += known
        result.missing.update(op for op in ops if op not in RULES)
        result.per_program[name] = (known, len(ops))
    return result


def default_programs() -> dict[str, str]:
    """The gallery's programs, and the models of tests/tracing/formula_models.py if present."""
    from gradtrace.examples import load_examples

    programs = {f"gallery/{example.id}": example.code for example in load_examples()}
    try:
        models = importlib.import_module("tests.tracing.formula_models").MODELS
    except ImportError:  # an installed package has no tests: the gallery alone
        models = {}
    programs.update({f"model/{name}": code for name, code in models.items()})
    return programs


def main() -> int:
    """Print the coverage report; exit status 1 below the 95% target."""
    result = coverage_of(default_programs())
    for name, (known, total) in result.per_program.items():
        print(f"{name:40s} {known:5d}/{total:<5d}")
    print(f"nodes with a rule: {result.covered}/{result.nodes} = {result.share:.1%}")
    for op, count in result.missing.most_common():
        print(f"  no rule: {op} ({count} nodes)")
    return 0 if result.share >= 0.95 else 1
