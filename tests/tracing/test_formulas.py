"""The rule table checked against PyTorch: each rule, run on a trace's own numbers, gives
the edge gradients PyTorch computed at that step (and, where the op's inputs are leaves,
the plain run's ``.grad``); every rule keeps its text beside its check; and the table covers
at least 95% of the nodes of the gallery's programs and of common models.

The op's non-tensor settings (``dim``, ``exponent``) are not in format 5: they are read
from the same program's grad_fn in a plain run, the way the rule's text names them.
"""

from __future__ import annotations

from typing import Any

import pytest
import torch
import torch.nn.functional as F  # noqa: N812

from gradtrace.tracing import TraceOptions, trace_source
from gradtrace.tracing.formulas import RULES, formulas_for, rule_for, step_of
from gradtrace.tracing.formulas.coverage import coverage_of, default_programs
from tests.tracing.formula_models import MODELS, MORE_OP_PROGRAMS, OP_PROGRAMS

_BACKWARD = "out.backward(torch.linspace(0.5, 2.0, out.numel()).reshape(out.shape))\n"
_HEADER = "import torch\nimport torch.nn.functional as F\n"
_TEXT_ONLY = {op for op, rule in RULES.items() if rule.check is None}
_CASES = [(op, code) for op, code in OP_PROGRAMS.items() if op not in _TEXT_ONLY]
_CASES += MORE_OP_PROGRAMS


def _plain(code: str, op: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Run the program without the tracer: the op's grad_fn settings and the namespace."""
    torch.manual_seed(0)
    namespace: dict[str, Any] = {"torch": torch, "F": F}
    exec(compile(_HEADER + code, "<plain>", "exec"), namespace)
    found, seen, stack = [], set(), [namespace["out"].grad_fn]
    while stack:
        fn = stack.pop()
        if fn is None or fn in seen:
            continue
        seen.add(fn)
        if fn.name() == op:
            found.append(_settings(fn))
        stack.extend(child for child, _ in fn.next_functions)
    out = namespace["out"]
    out.backward(torch.linspace(0.5, 2.0, out.numel()).reshape(out.shape))
    return found, namespace


def _settings(fn: Any) -> dict[str, Any]:
    """The grad_fn's ``_saved_*`` attributes that are not tensors (format 5 keeps tensors)."""
    settings = {}
    for attribute in dir(fn):
        if attribute.startswith("_saved_"):
            value = getattr(fn, attribute)
            if not isinstance(value, torch.Tensor):
                settings[attribute.removeprefix("_saved_")] = value
    return settings


def _traced(code: str) -> dict[str, Any]:
    trace = trace_source(_HEADER + code + _BACKWARD, options=TraceOptions(max_values=100_000))
    assert trace["error"] is None, trace["error"]
    return trace


def _tensor(trace: dict[str, Any], index: int | None) -> torch.Tensor | None:
    step = step_of(trace, {"node": 0, "grad_outputs": [index], "grad_inputs": []})
    return step.grad_outputs[0]


def _close(got: torch.Tensor | None, want: torch.Tensor, what: str) -> None:
    assert got is not None, f"{what}: the rule gave no gradient"
    assert tuple(got.shape) == tuple(want.shape), f"{what}: shape {got.shape} != {want.shape}"
    close = torch.allclose(got.to(want.dtype), want, rtol=1e-4, atol=1e-5)
    assert close, f"{what}: {got} != {want}"


_IDS = [f"{op}-{i}" for i, (op, _) in enumerate(_CASES)]


@pytest.mark.parametrize(("op", "code"), _CASES, ids=_IDS)
def test_rule_gives_the_edge_gradients_pytorch_computed(op: str, code: str) -> None:
    rule = rule_for(op)
    assert rule is not None and rule.check is not None
    settings, plain = _plain(code, op)
    assert settings, f"the program makes no {op}"
    assert rule.attrs == () or len(settings) == 1, f"{op} needs its settings: make it once"
    trace = _traced(code)
    nodes = trace["graph"]["nodes"]
    events = [e for e in trace["events"] if isinstance(e, dict) and "grad_inputs" in e
              and "captured" not in e and nodes[e["node"]]["op"] == op]
    assert events, f"no backward step of {op} in the trace"
    for event in events:
        grads = rule.check(step_of(trace, event, settings[0]))
        node = nodes[event["node"]]
        assert len(grads) == len(node["inputs"]), f"{op}: one gradient per input"
        for slot, index in enumerate(event["grad_inputs"]):
            want = _tensor(trace, index)
            if want is not None:
                _close(grads[slot], want, f"{op} input {slot}")
            _same_as_plain(trace, plain, node, slot, grads[slot])


def _same_as_plain(trace: dict[str, Any], plain: dict[str, Any], node: dict[str, Any],
                   slot: int, got: torch.Tensor | None) -> None:
    """Where input ``slot`` is a named leaf used once, the plain run's ``.grad`` is the rule's."""
    graph = trace["graph"]
    edge = node["inputs"][slot]
    if edge is None or got is None:
        return
    source = graph["edges"][edge][0]
    leaf = graph["nodes"][source]
    uses = sum(1 for s, _ in graph["edges"] if s == source)
    value = plain.get(leaf.get("label", ""))
    if leaf["op"] == "AccumulateGrad" and uses == 1 and isinstance(value, torch.Tensor):
        assert value.grad is not None
        _close(got, value.grad, f"{node['op']} input {slot} against plain .grad")


def test_accumulate_grad_adds_to_what_is_there() -> None:
    code = ("x = torch.tensor([1.0, -2.0], requires_grad=True)\ny = x * 3\n"
            "y.backward(torch.tensor([1.0, 2.0]), retain_graph=True)\n"
            "y.backward(torch.tensor([0.5, 4.0]))\n")
    trace = trace_source(_HEADER + code, options=TraceOptions(max_values=100))
    rule = rule_for("AccumulateGrad")
    assert rule is not None and rule.check is not None
    previous = None
    leaf_steps = [e for e in trace["events"] if isinstance(e, dict) and "leaf_grad" in e]
    assert len(leaf_steps) == 2
    for event in leaf_steps:
        (got,) = rule.check(step_of(trace, event, previous_grad=previous))
        want = _tensor(trace, event["leaf_grad"])
        assert want is not None
        _close(got, want, "AccumulateGrad")
        previous = want
    assert previous is not None and previous.tolist() == [4.5, 18.0]  # 3·(1 + 0.5), 3·(2 + 4)


@pytest.mark.parametrize("op", sorted(RULES))
def test_every_rule_keeps_its_text_beside_its_check(op: str) -> None:
    rule = RULES[op]
    assert rule.op == op and rule.texts, op
    for name, formula in rule.texts:
        assert name.strip() and formula.strip(), f"{op}: an input without its formula"
    assert all(f"grad_{name}" in rule.text or name == ".grad" for name, _ in rule.texts)
    if rule.check is None:
        assert "no check" in rule.note, f"{op}: a rule without a check must say why"
    assert op in OP_PROGRAMS or op == "AccumulateGrad", f"{op}: no program makes it"


@pytest.mark.parametrize("op", sorted(_TEXT_ONLY))
def test_text_only_rules_name_ops_pytorch_makes(op: str) -> None:
    trace = _traced(OP_PROGRAMS[op])
    assert op in formulas_for(trace)


def test_formulas_for_lists_the_rules_of_the_graph_only() -> None:
    trace = _traced("a = torch.randn(3, requires_grad=True)\nout = (a * 2).sum()\n")
    formulas = formulas_for(trace)
    assert set(formulas) == {"AccumulateGrad", "MulBackward0", "SumBackward0"}
    assert formulas["MulBackward0"].startswith("grad_self = grad · other")
    assert rule_for("NoSuchBackward0") is None
    assert rule_for("CubeBackward") is None  # a custom Function: its rule is the program's


def test_coverage_of_gallery_and_models_is_at_least_95_percent() -> None:
    programs = default_programs()
    assert {f"model/{name}" for name in MODELS} <= set(programs)
    result = coverage_of(programs)
    assert result.nodes > 500
    assert result.share >= 0.95, (result.share, result.missing)
    for name in MODELS:
        known, total = result.per_program[f"model/{name}"]
        assert total > 10 and known / total >= 0.95, (name, known, total)
