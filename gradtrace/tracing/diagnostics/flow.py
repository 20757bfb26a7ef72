"""``grad_flow`` (per backward call, module and parameter: gradient and parameter norms) and
the ``vanishing_gradient`` / ``exploding_gradient`` diagnostics read from it.

A parameter is a leaf of the graph made inside a module call (its label is its name,
``fc1.weight``, and its module call names the module). Its gradient in a call is what that
call's backward event brought it (``grad_outputs``), not the ``.grad`` it accumulated across
calls; its norm is the parameter's value when the trace first saw it. A module's norms
combine its own parameters' (the square root of the sum of squares), so nothing is counted
twice for a model and its layers.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

from gradtrace.tracing.diagnostics.view import TraceView

__all__ = ["EXPLODING_RATIO", "VANISHING_RATIO", "VANISHING_SPREAD", "flagged", "grad_flow"]

VANISHING_RATIO = 1.1920928955078125e-07
"""A module's gradient norm at or below this fraction of its parameter norm is vanishing.

It is float32's machine epsilon (``torch.finfo(torch.float32).eps``): ``p - lr * g`` rounds
back to ``p`` when ``|lr * g|`` is under half an ulp of ``p``, so at any learning rate up to
1 a gradient this small relative to the weights cannot move them at all. A gradient of
exactly zero (dead ReLUs, a saturated sigmoid) is caught too, even for zero weights."""

VANISHING_SPREAD = 1e-4
"""A module whose gradient-to-parameter ratio is below this fraction of the largest ratio of
any module in the same backward call is vanishing too.

Vanishing is usually relative: the early layers of a deep sigmoid or tanh stack get
gradients orders of magnitude smaller than the last ones (each sigmoid multiplies by at
most 0.25, so about 7 layers lose four orders). At one shared learning rate such a layer
learns 10,000 times slower than the fastest one; healthy networks keep their layers'
ratios within one or two orders of magnitude."""

EXPLODING_RATIO = 1e3
"""A module's gradient norm above this multiple of ``max(parameter norm, 1)`` is exploding.

With a typical learning rate of 1e-3 (Adam's default; SGD's are usually larger), a gradient
1,000 times the weights' norm makes one step as large as the weights themselves: the
parameters are overwritten rather than adjusted. The ``max(·, 1)`` keeps parameters near
zero (a zero-initialised bias) from being flagged for an ordinary gradient."""


def _parameters(view: TraceView) -> dict[int, tuple[str, str]]:
    """Leaf node id -> (parameter name, module name), for leaves made in a module call."""
    found = {}
    for node_id, node in enumerate(view.nodes):
        if not view.is_leaf(node_id):
            continue
        module = view.module_of(node_id)
        if module is not None:
            found[node_id] = (str(node.get("label") or f"leaf {node_id}"), module)
    return found


def _combined(norms: list[float]) -> float:
    return math.sqrt(sum(norm * norm for norm in norms))


def _call_flow(view: TraceView, call: int, grads: dict[int, list[float]],
               parameters: dict[int, tuple[str, str]]) -> dict[str, Any]:
    modules: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for node_id, norms in grads.items():
        name, module = parameters[node_id]
        modules[module].append({"parameter": name, "node": node_id,
                                "grad_norm": _combined(norms),
                                "param_norm": view.norm(view.nodes[node_id].get("value"))})
    listed = []
    for module, params in modules.items():
        param_norms = [p["param_norm"] for p in params if p["param_norm"] is not None]
        listed.append({"module": module, "grad_norm": _combined([p["grad_norm"] for p in params]),
                       "param_norm": _combined(param_norms) if param_norms else None,
                       "parameters": params})
    line = view.trace["calls"][call].get("line") if call < len(view.trace["calls"]) else None
    return {"call": call, "line": line, "modules": listed}


def grad_flow(view: TraceView) -> list[dict[str, Any]]:
    """Per backward call: each module's and each of its parameters' gradient and weight norm.

    Modules and parameters come in the order the call's backward reached them (output side
    first); a call that reached no parameter is listed with no modules.
    """
    parameters = _parameters(view)
    per_call: dict[int, dict[int, list[float]]] = {
        index: {} for index in range(len(view.trace.get("calls", [])))}
    for event in view.backward_events():
        node = event["node"]
        if node not in parameters or event.get("captured"):
            continue
        grad = event["grad_outputs"][0] if event["grad_outputs"] else None
        norm = view.norm(grad)
        if norm is not None:
            per_call.setdefault(event["call"], {}).setdefault(node, []).append(norm)
    return [_call_flow(view, call, grads, parameters) for call, grads in sorted(per_call.items())]


def _ratio(module: dict[str, Any]) -> float:
    return float(module["grad_norm"]) / max(module["param_norm"] or 0.0, 1e-30)


def _flag(module: dict[str, Any], top: float) -> tuple[str, str] | None:
    grad, weights = module["grad_norm"], module["param_norm"] or 0.0
    if not math.isfinite(grad):
        return None  # non_finite reports it
    if grad > EXPLODING_RATIO * max(weights, 1.0):
        return "exploding_gradient", (f"its gradient norm {grad:.3g} is over {EXPLODING_RATIO:g}"
                                      f" times its weights' norm {weights:.3g}")
    if grad <= VANISHING_RATIO * weights:
        return "vanishing_gradient", (f"its gradient norm {grad:.3g} is too small to change "
                                      f"weights of norm {weights:.3g} in float32")
    if weights > 0 and _ratio(module) < VANISHING_SPREAD * top:
        return "vanishing_gradient", (f"its gradient is {_ratio(module) / top:.1e} times the "
                                      "largest layer's, relative to the weights")
    return None


def flagged(flow: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A diagnostic for each module of each call whose gradient norm crosses a threshold."""
    out = []
    for call in flow:
        ratios = [_ratio(m) for m in call["modules"]
                  if (m["param_norm"] or 0) > 0 and math.isfinite(m["grad_norm"])]
        top = max(ratios, default=0.0)
        for module in call["modules"]:
            found = _flag(module, top)
            if found is not None:
                out.append({"kind": found[0], "call": call["call"], "line": call["line"],
                            "module": module["module"], "grad_norm": module["grad_norm"],
                            "param_norm": module["param_norm"],
                            "message": f"{module['module']} in backward call #{call['call'] + 1}: "
                                       f"{found[1]}."})
    return out
