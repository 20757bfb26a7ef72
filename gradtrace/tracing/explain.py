"""Why, not only what: the trace's ``formulas``, ``diagnostics`` and ``grad_flow``.

Computed from the finished trace (and the few facts only the run saw: where a value left
the graph, which ``.grad`` reads got None, every parameter), just before its locations are
split into file and line, so a diagnostic's line is a location like any other.
"""

from __future__ import annotations

from typing import Any

from gradtrace.tracing.diagnostics import CutLog, explain, parameters_of
from gradtrace.tracing.formulas import formulas_for
from gradtrace.tracing.modules import ModuleTracker
from gradtrace.tracing.sources import Sources

__all__ = ["annotate"]


def annotate(trace: dict[str, Any], modules: ModuleTracker, sources: Sources,
             log: CutLog | None) -> None:
    """Add the three fields to ``trace`` (a built result, locations not yet split)."""
    trace["formulas"] = formulas_for(trace)
    parameters = parameters_of(modules.parameter_names())
    cuts = () if log is None else tuple(log.cuts)
    reads = () if log is None else tuple(log.reads)
    trace["diagnostics"], trace["grad_flow"] = explain(
        trace, cuts, reads=reads, parameters=parameters, describe=sources.describe)
