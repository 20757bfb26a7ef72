"""``grad_none`` and ``unused_parameter``: tensors that wanted a gradient and got none, and why.

The candidates are every tensor the trace or the recorder's records show wanting a gradient:
the graph's leaves, the program's top-level leaves with ``requires_grad``, the parameters of
its modules (:class:`~.cuts.Parameter`, which also shows frozen ones and ones no op used) and
non-leaves whose ``.grad`` the program read (:class:`~.cuts.GradRead`). Each one whose final
``.grad`` is None gets one diagnostic; a parameter of a module that ran, left out of the
loss, is an ``unused_parameter`` (the question behind DDP's ``find_unused_parameters``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from gradtrace.tracing.diagnostics.cuts import Cut, GradRead, Parameter
from gradtrace.tracing.diagnostics.view import TraceView

__all__ = ["grad_none"]

# what each cut kind is called in a message
_CUT_NAMES = {"detach": ".detach()", "data": ".data", "no_grad": "torch.no_grad()",
              "item": ".item() (a Python number)", "tolist": ".tolist()", "numpy": ".numpy()",
              "copy": "torch.tensor(...) (a copy without history)"}
# several cuts fit: the ones that hand on a tensor explain more than a logged .item()
_CUT_RANK = ("detach", "data", "no_grad", "copy", "item", "tolist", "numpy")


@dataclass
class _Candidate:
    name: str
    node: int | None
    requires_grad: bool = True
    is_leaf: bool = True
    parameter: bool = False
    read_line: int | None = None


def _candidates(view: TraceView, reads: Sequence[GradRead],
                parameters: Sequence[Parameter] | None) -> list[_Candidate]:
    found: dict[str, _Candidate] = {}
    params = {p.name: p for p in parameters or ()}
    named: dict[int, str] = {}
    for node_id, node in enumerate(view.nodes):
        if view.is_leaf(node_id) and node.get("grad") is None:
            name = node.get("label") or f"leaf {node_id}"
            named[node_id] = name
            is_parameter = name in params or view.module_of(node_id) is not None
            found[name] = _Candidate(name, node_id, parameter=is_parameter)
    for name, var in view.trace.get("variables", {}).items():
        if var["requires_grad"] and var["is_leaf"] and var.get("grad") is None \
                and var.get("node") not in named:
            found.setdefault(name, _Candidate(name, var.get("node")))
    for name, param in params.items():
        if not param.has_grad:
            found.setdefault(name, _Candidate(name, None, param.requires_grad, parameter=True))
    for read in reads:
        if read.is_leaf or read.tensor_node is None:
            continue
        name = _name_of(view, read.tensor_node)
        found.setdefault(name, _Candidate(name, read.tensor_node, is_leaf=False))
    for read in reads:
        for candidate in found.values():
            if read.tensor_node is not None and candidate.node == read.tensor_node \
                    and candidate.read_line is None:
                candidate.read_line = read.line
    return list(found.values())


def _name_of(view: TraceView, node: int) -> str:
    label = view.nodes[node].get("label")
    if label:
        return str(label)
    for name, var in view.trace.get("variables", {}).items():
        if var.get("node") == node:
            return str(name)
    return f"node {node} ({view.nodes[node]['op']})"


def _best_cut(view: TraceView, node: int, cuts: Sequence[Cut]) -> Cut | None:
    below = view.downstream(node)
    fitting = [cut for cut in cuts if cut.tensor_node in below]
    fitting.sort(key=lambda cut: _CUT_RANK.index(cut.kind))
    return fitting[0] if fitting else None


Describe = Callable[[int], str]


@dataclass
class _Facts:
    """What the timeline says once, for every candidate: which nodes each kind of call went
    back from or through, which leaves autograd.grad captured, and which .grad the program
    set back to None after a backward call had filled it (with the line)."""

    backward: set[int]  # upstream of what backward() calls visited
    grad: set[int]  # upstream of what autograd.grad() calls visited
    captured: set[int]
    cleared: dict[int, int | None]

    @classmethod
    def of(cls, view: TraceView) -> _Facts:
        kinds = [call.get("kind") for call in view.trace.get("calls", [])]
        visited: dict[str, set[int]] = {"backward": set(), "grad": set()}
        captured: set[int] = set()
        filled: set[int] = set()
        cleared: dict[int, int | None] = {}
        for event in view.trace.get("events", []):
            if not isinstance(event, dict):
                continue
            node = event.get("node")
            if node is not None and "grad_inputs" in event and "node_hook" not in event:
                kind = kinds[event["call"]] if event["call"] < len(kinds) else "backward"
                visited["grad" if kind == "grad" else "backward"].add(node)
                if event.get("captured"):
                    captured.add(node)
                if event.get("leaf_grad") is not None:
                    filled.add(node)
                    cleared.pop(node, None)
            elif "grad_write" in event and event.get("grad") is None \
                    and event["grad_write"] in filled:
                cleared[event["grad_write"]] = event.get("line")
        return cls(view.upstream(visited["backward"]), view.upstream(visited["grad"]),
                   captured, cleared)


def _plain_reason(view: TraceView, candidate: _Candidate, facts: _Facts,
                  describe: Describe) -> tuple[str, str, int | None] | None:
    """The reasons that need no walk of the graph (None: none of them)."""
    node = candidate.node
    if not candidate.requires_grad:
        return "frozen", "it has requires_grad=False (frozen)", None
    if not candidate.is_leaf:
        return ("not_leaf", "it is not a leaf: backward() fills .grad only for leaves; call "
                f"{candidate.name}.retain_grad() before backward() to keep its gradient",
                candidate.read_line)
    if node is not None and node in facts.cleared:
        line = facts.cleared[node]
        where = "" if line is None else f" on {describe(line)}"
        return "cleared", f"it had one, and the program set it to None{where}", line
    if node is not None and node in facts.captured:
        return ("captured", "torch.autograd.grad returned its gradient instead of writing it "
                "into .grad", None)
    if not view.trace.get("calls"):
        stopped = " (the program stopped with an error first)" if view.trace.get("error") else ""
        return "no_backward", f"the program never called backward(){stopped}", None
    return None


def _reason(view: TraceView, candidate: _Candidate, cuts: Sequence[Cut],
            facts: _Facts, describe: Describe) -> tuple[str, str, int | None]:
    """(reason, explanation, line) for a tensor whose .grad is None."""
    plain = _plain_reason(view, candidate, facts, describe)
    if plain is not None:
        return plain
    node = candidate.node
    if node is not None and node in facts.backward:
        if view.trace.get("error"):
            return "error", "the backward pass stopped with the program's error first", None
        return "not_reached", "backward()'s inputs= left it out", None
    if node is not None and not facts.backward and node in facts.grad:
        return ("grad_only", "torch.autograd.grad computes gradients only for the inputs it "
                "is given, and writes no .grad", None)
    cut = None if node is None else _best_cut(view, node, cuts)
    if cut is not None:
        where = "" if cut.line is None else f" on {describe(cut.line)}"
        return "cut", f"it was cut from the loss{where} by {_CUT_NAMES[cut.kind]}", cut.line
    return "unused", "the loss does not depend on it (no backward call reaches it)", None


def _module_ran(view: TraceView, candidate: _Candidate) -> str | None:
    """The module a parameter belongs to, when that module ran in the forward pass."""
    if candidate.node is not None and (module := view.module_of(candidate.node)) is not None:
        return module
    owner = candidate.name.rpartition(".")[0]
    return owner if owner in view.modules_ran else None


def grad_none(view: TraceView, cuts: Sequence[Cut], reads: Sequence[GradRead],
              parameters: Sequence[Parameter] | None,
              describe: Describe) -> list[dict[str, Any]]:
    """One diagnostic per tensor that wanted a gradient and ended with ``.grad`` None."""
    facts = _Facts.of(view)
    out: list[dict[str, Any]] = []
    for candidate in _candidates(view, reads, parameters):
        reason, why, line = _reason(view, candidate, cuts, facts, describe)
        module = _module_ran(view, candidate) if candidate.parameter else None
        kind = "unused_parameter" if module is not None and reason in ("unused", "cut") \
            else "grad_none"
        head = f"{candidate.name} got no gradient" if kind == "grad_none" else (
            f"{candidate.name} belongs to {module}, which ran in the forward pass, but it got "
            "no gradient")
        if line is None:
            line = candidate.read_line
        if line is None and candidate.node is not None:
            line = view.nodes[candidate.node].get("line")
        diagnostic = {"kind": kind, "message": f"{head}: {why}.", "line": line,
                      "tensor": candidate.name, "node": candidate.node, "reason": reason}
        if candidate.parameter:
            diagnostic["parameter"] = candidate.name
            diagnostic["module"] = module
        out.append(diagnostic)
    return out
