"""Why, not only what: the trace's ``formulas``, ``diagnostics`` and ``grad_flow``.

Computed from the finished trace (and the few facts only the run saw: where a value left
the graph, which ``.grad`` reads got None, every parameter), just before its locations are
split into file and line, so a diagnostic's line is a location like any other.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import torch

from gradtrace.tracing.diagnostics import CutLog, explain, parameters_of
from gradtrace.tracing.formulas import formulas_for
from gradtrace.tracing.sources import Sources

__all__ = ["annotate"]


def annotate(trace: dict[str, Any], parameters: Iterable[tuple[str, torch.Tensor]],
             sources: Sources, log: CutLog) -> None:
    """Add the three fields to ``trace`` (a built result, locations not yet split);
    ``parameters`` are the modules' ``(name, parameter)`` pairs."""
    trace["formulas"] = formulas_for(trace)
    trace["diagnostics"], trace["grad_flow"] = explain(
        trace, tuple(log.cuts), reads=tuple(log.reads), parameters=parameters_of(parameters),
        describe=sources.describe)
