"""Diagnostics: why a gradient is None, NaN, tiny or huge, computed from a finished trace.

:func:`diagnose` reads a trace (the compact form, before or after it becomes JSON) and returns
a list of ``{"kind", "message", "line", ...}``, each naming what it is about (``node``,
``tensor``, ``parameter``, ``module``, ``call``). The kinds:

* ``grad_none`` / ``unused_parameter`` (``grad_none``): a tensor that wanted a gradient and
  ended with ``.grad`` None, with a ``reason``: ``unused``, ``cut`` (needs the recorder's
  :class:`Cut` records), ``frozen``, ``not_leaf`` (needs :class:`GradRead` records),
  ``cleared``, ``captured``, ``no_backward``, ``error``, ``not_reached`` or
  ``grad_only``.
* ``non_finite`` (``non_finite``): the first NaN/inf value, and each call's first NaN/inf
  gradient.
* ``inplace``: the line of the write behind autograd's in-place error, read from the hint
  ``gradtrace.tracing.inplace`` already put on the trace's error (not worked out again).
* ``vanishing_gradient`` / ``exploding_gradient`` (``flow``): per call and module, against
  the thresholds documented there.

It is pure: the same trace and records give the same list, and nothing is run again.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from gradtrace.tracing.diagnostics import flow
from gradtrace.tracing.diagnostics.cuts import (
    Cut,
    CutKind,
    CutLog,
    GradRead,
    Parameter,
    cut_of,
    parameters_of,
    read_of,
)
from gradtrace.tracing.diagnostics.flow import EXPLODING_RATIO, VANISHING_RATIO, VANISHING_SPREAD
from gradtrace.tracing.diagnostics.grad_none import grad_none
from gradtrace.tracing.diagnostics.non_finite import non_finite
from gradtrace.tracing.diagnostics.view import TraceView

__all__ = [
    "EXPLODING_RATIO", "KINDS", "VANISHING_RATIO", "VANISHING_SPREAD", "Cut", "CutKind",
    "CutLog", "GradRead", "Parameter", "cut_of", "diagnose", "explain", "grad_flow",
    "parameters_of",
    "read_of",
]

KINDS = ("grad_none", "unused_parameter", "non_finite", "inplace", "vanishing_gradient",
         "exploding_gradient")
"""Every diagnostic ``kind``, in the order :func:`diagnose` lists them."""

# the sentence gradtrace.tracing.errors puts in front of the in-place hint
_WRITE = re.compile(r"^The in-place write \((?P<op>[^)]*)\) is on line (?P<line>\d+)"
                    r"(?: of (?P<path>.+?))?\. ")


def _plain(line: int) -> str:
    return f"line {line}"


def _inplace(trace: dict[str, Any]) -> list[dict[str, Any]]:
    """The in-place error's write, as its hint names it (nothing when the hint names none)."""
    error = trace.get("error") or {}
    match = _WRITE.match(error.get("hint") or "")
    if match is None or "modified by an inplace operation" not in error.get("message", ""):
        return []
    where = f"line {match['line']}" + (f" of {match['path']}" if match["path"] else "")
    diagnostic: dict[str, Any] = {
        "kind": "inplace", "line": int(match["line"]), "op": match["op"],
        "error_line": error.get("line"),
        "message": f"A tensor backward needed was changed in place by {match['op']} on {where}; "
                   "compute a new tensor there instead (x = x * 2, not x *= 2)."}
    if match["path"]:
        diagnostic["path"] = match["path"]
    return [diagnostic]


def grad_flow(trace: dict[str, Any]) -> list[dict[str, Any]]:
    """Per backward call: ``{"call", "line", "modules": [{"module", "grad_norm",
    "param_norm", "parameters": [{"parameter", "node", "grad_norm", "param_norm"}]}]}``."""
    return flow.grad_flow(TraceView(trace))


def diagnose(trace: dict[str, Any], cuts: Sequence[Cut] = (), *,
             reads: Sequence[GradRead] = (), parameters: Sequence[Parameter] | None = None,
             describe: Callable[[int], str] = _plain) -> list[dict[str, Any]]:
    """Every diagnostic of a finished trace, ordered by :data:`KINDS`.

    Args:
        trace: the trace (compact form).
        cuts, reads: what the recorder's :class:`CutLog` observed (empty: the ``cut`` and
            ``not_leaf`` reasons cannot be given).
        parameters: every parameter of the program's modules (:func:`parameters_of`); None
            looks only at the parameters the graph holds, so unused and frozen ones whose
            module no op used are missed.
        describe: how a message names a line; pass ``Sources.describe`` when the lines are
            still locations (file and line in one integer, before ``Sources.localize``).
    """
    return explain(trace, cuts, reads=reads, parameters=parameters, describe=describe)[0]


def explain(trace: dict[str, Any], cuts: Sequence[Cut] = (), *,
            reads: Sequence[GradRead] = (), parameters: Sequence[Parameter] | None = None,
            describe: Callable[[int], str] = _plain,
            ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """:func:`diagnose` and :func:`grad_flow` from one reading of the trace (what a trace's
    ``diagnostics`` and ``grad_flow`` fields are made with)."""
    view = TraceView(trace)
    flows = flow.grad_flow(view)
    found = [*grad_none(view, cuts, reads, parameters, describe), *non_finite(view),
             *_inplace(trace), *flow.flagged(flows)]
    found.sort(key=lambda diagnostic: KINDS.index(diagnostic["kind"]))
    return found, flows
