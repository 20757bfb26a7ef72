"""``non_finite``: the first node whose value, and in each backward call the first node whose
gradient, holds NaN or an infinity, with the inputs that made it and a cause when one fits.

Only the first is reported: every later NaN follows from it, and bisecting back to it by hand
is what a reader would otherwise do. Forward order is node id order, which is the order the
program created the nodes; backward order is the order of the call's events, the order the
engine ran the nodes. The causes are read from the inputs' numbers as the trace holds them
(listed values for small tensors, min and max for large ones), so a cause is named only when
those numbers show it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

from gradtrace.tracing.diagnostics.view import TraceView

__all__ = ["non_finite"]

_EXP_LIMIT = math.log(3.4028234663852886e38)  # exp(x) is inf in float32 above x = 88.72
_SUFFIX = re.compile(r"Backward\d*$")
Operand = Callable[[str, int], int | None]


def _base(op: str) -> str:
    return _SUFFIX.sub("", op)


def _operand(view: TraceView, node: int) -> Operand:
    """The tensor entry of an op's operand: its saved tensor, else its input node's value."""
    record = view.nodes[node]
    sources = view.input_nodes(node)

    def find(name: str, position: int) -> int | None:
        saved = record.get("saved", {})
        if name in saved:
            return int(saved[name])
        if position < len(sources) and (source := sources[position]) is not None:
            value = view.nodes[source].get("value")
            return None if value is None else int(value)
        return None

    return find


def _forward_cause(view: TraceView, node: int) -> str | None:
    op, operand = _base(view.nodes[node]["op"]), _operand(view, node)
    first, second = operand("self", 0), operand("other", 1)
    low = view.bounds(first)
    if op in ("Log", "Log2", "Log10") and first is not None:
        if view.has_zero(first):
            return "log(0) is -inf"
        if low is not None and low[0] < 0:
            return "the log of a negative number is NaN"
    if op == "Div" and view.has_zero(second):
        return "0/0 is NaN" if view.has_zero(first) else "division by zero gives inf"
    if op in ("Sqrt", "Rsqrt") and low is not None and low[0] < 0:
        return "the square root of a negative number is NaN"
    if op == "Exp" and low is not None and low[1] > _EXP_LIMIT:
        return f"exp overflowed: exp(x) is inf in float32 for x above {_EXP_LIMIT:.2f}"
    if any(not view.finite(t) for t in (*view.nodes[node].get("saved", {}).values(),
                                        first, second) if t is not None):
        return "an input already held NaN or inf"
    return "the tensor was created holding NaN or inf" if view.is_leaf(node) else None


def _backward_cause(view: TraceView, node: int, event: dict[str, Any]) -> str | None:
    if any(not view.finite(t) for t in event["grad_outputs"] if t is not None):
        return "the gradient arriving at it was already NaN or inf"
    record = view.nodes[node]
    op, operand = _base(record["op"]), _operand(view, node)
    first = operand("self", 0)
    if op == "Sqrt" and view.has_zero(operand("result", 0)):
        return "sqrt at 0 in backward: its derivative 1/(2·sqrt(x)) is infinite at x = 0"
    if op == "Pow" and view.has_zero(first):
        return "x ** p with p < 1 at x = 0: its derivative p·x^(p-1) is infinite there"
    if op in ("Log", "Log2", "Log10") and view.has_zero(first):
        return "log at 0 in backward: its derivative 1/x is infinite at x = 0"
    if op == "Div" and view.has_zero(operand("other", 1)):
        return "division by zero in backward: the derivative of a/b is infinite at b = 0"
    if "Norm" in op and view.has_zero(record.get("saved", {}).get("result")):
        return "the norm of a zero vector: its derivative x/‖x‖ is 0/0 there"
    if not view.finite(record.get("value")) or any(
            not view.finite(t) for t in record.get("saved", {}).values()):
        return "a value it saved in the forward pass already held NaN or inf"
    return None


def _inputs(view: TraceView, node: int) -> list[dict[str, Any]]:
    """Each input node with the numbers that matter: min, max and whether it is finite."""
    shown = []
    for source in view.input_nodes(node):
        if source is None:
            continue
        value = view.nodes[source].get("value")
        bounds = view.bounds(value)
        shown.append({"node": source, "op": view.nodes[source]["op"],
                      "label": view.nodes[source].get("label"), "value": value,
                      "min": None if bounds is None else bounds[0],
                      "max": None if bounds is None else bounds[1],
                      "finite": view.finite(value)})
    return shown


def _harmless(view: TraceView) -> bool:
    """Infinities that never became a NaN or a bad gradient, as an attention mask's -inf.

    ``masked_fill(mask, -inf)`` before a softmax is how causal attention is written: the
    softmax turns the -inf into exact zeros, and nothing is wrong. Without a backward call
    there is nothing to tell it by, and the first infinity is reported.
    """
    events = list(view.backward_events())
    if not events:
        return False
    values = [node.get("value") for node in view.nodes]
    if not view.all_finite(values) and any(view.has_nan(value) for value in values):
        return False
    return view.all_finite(t for event in events
                           for t in (*event["grad_outputs"], *event["grad_inputs"]))


def _forward(view: TraceView) -> dict[str, Any] | None:
    if _harmless(view):
        return None
    for node_id, node in enumerate(view.nodes):
        if node.get("value") is not None and not view.finite(node["value"]):
            cause = _forward_cause(view, node_id)
            where = f"{node['op']}" + (f" ({node['label']})" if node.get("label") else "")
            return {"kind": "non_finite", "phase": "forward", "node": node_id,
                    "op": node["op"], "line": node.get("line"), "cause": cause,
                    "inputs": _inputs(view, node_id),
                    "message": f"The first NaN/inf value of the forward pass: {where}"
                               + (f": {cause}." if cause else ".")}
    return None


def _backward(view: TraceView) -> list[dict[str, Any]]:
    found: dict[int, dict[str, Any]] = {}
    if view.all_finite(t for event in view.backward_events() for t in event["grad_inputs"]):
        return []  # the usual case, in one lookup instead of one per event
    for event in view.backward_events():
        call, node_id = event["call"], event["node"]
        if call in found or all(view.finite(t) for t in event["grad_inputs"] if t is not None):
            continue
        node = view.nodes[node_id]
        cause = _backward_cause(view, node_id, event)
        found[call] = {
            "kind": "non_finite", "phase": "backward", "call": call, "node": node_id,
            "op": node["op"], "line": node.get("line"), "cause": cause,
            "inputs": _inputs(view, node_id),
            "message": f"Backward call #{call + 1}'s first NaN/inf gradient: {node['op']} sent it"
                       + (f": {cause}." if cause else ".")}
    return [found[call] for call in sorted(found)]


def non_finite(view: TraceView) -> list[dict[str, Any]]:
    """The forward pass's first non-finite node, then each backward call's."""
    forward = _forward(view)
    return ([forward] if forward else []) + _backward(view)
