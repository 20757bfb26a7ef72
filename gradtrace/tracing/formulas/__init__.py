"""The local rule of every op: how a node turns the gradient it gets into its inputs'.

One entry per op (the grad_fn name the trace's nodes carry), as PyTorch's
``tools/autograd/derivatives.yaml`` keeps one entry per function: per input, the rule in
plain math, and beside it a check that computes the same gradient with torch from one
backward step's own numbers. :func:`formulas_for` gives a trace its ``formulas`` field;
:func:`step_of` builds the numbers of one backward event from a trace. Ops without an entry
have no rule (:func:`rule_for` returns None): the page says so rather than guess.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from gradtrace.tracing.formulas import arith, linalg, losses, reduce, shape, unary
from gradtrace.tracing.formulas.core import RULES, Grads, Rule, Step

__all__ = ["RULES", "Grads", "Rule", "Step", "formulas_for", "rule_for", "step_of"]

_FAMILIES = (arith, linalg, losses, reduce, shape, unary)  # importing them fills RULES


def rule_for(op: str) -> Rule | None:
    """The rule of ``op`` (a grad_fn name such as ``MulBackward0``), or None when none is known."""
    return RULES.get(op)


def formulas_for(trace: dict[str, Any]) -> dict[str, str]:
    """``{op: text}`` for every op in the trace's graph that has a rule (its ``formulas``)."""
    ops = sorted({node["op"] for node in trace.get("graph", {}).get("nodes", [])})
    return {op: RULES[op].text for op in ops if op in RULES}


def _tensor(trace: dict[str, Any], index: int | None) -> torch.Tensor | None:
    """Table entry ``index`` as a tensor (None: no tensor, or only its summary was kept)."""
    if index is None:
        return None
    entry = trace["tensors"][index]
    if "values" not in entry:
        return None
    dtype = getattr(torch, entry.get("dtype", "float32"))
    # non-finite floats are written as the strings "nan", "inf" and "-inf"
    raw = np.asarray(entry["values"], dtype=np.float64 if dtype.is_floating_point else None)
    return torch.as_tensor(raw).to(dtype).reshape(entry["shape"])


def step_of(trace: dict[str, Any], event: dict[str, Any], attrs: dict[str, Any] | None = None,
            previous_grad: torch.Tensor | None = None) -> Step:
    """The numbers a rule reads at one backward event of a (compact, format 5) trace.

    ``attrs`` are the op's non-tensor settings, which format 5 does not carry.
    """
    nodes, edges = trace["graph"]["nodes"], trace["graph"]["edges"]
    node = nodes[event["node"]]
    inputs: list[torch.Tensor | None] = []
    shapes: list[tuple[int, ...] | None] = []
    for edge in node["inputs"]:
        source = None if edge is None else nodes[edges[edge][0]]
        value = None if source is None else source.get("value")
        inputs.append(_tensor(trace, value))
        shapes.append(None if source is None else _shape_of(trace, source))
    saved = {name: t for name, index in node.get("saved", {}).items()
             if (t := _tensor(trace, index)) is not None}
    return Step([_tensor(trace, t) for t in event["grad_outputs"]], saved, inputs, shapes,
                _tensor(trace, node.get("value")), dict(attrs or {}), previous_grad)


def _shape_of(trace: dict[str, Any], node: dict[str, Any]) -> tuple[int, ...] | None:
    if "shape" in node:
        return tuple(node["shape"])
    value = node.get("value")
    return None if value is None else tuple(trace["tensors"][value]["shape"])
