"""Diagnostics against plain PyTorch facts on the same programs.

Each program runs twice: traced (with ``CutLog.observe`` wired where the recorder will call
it: after every recorded call, by patching ``RecordingMode._recorded``), and plainly with
its own instruments: which ``.grad`` is None at the end, the first NaN/inf output and
gradient in execution order (a torch function mode and node hooks), and the write that
bumped the version of the tensor a node saved (the node's own ``_saved_*`` raising).
"""

from __future__ import annotations

import builtins
import math
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast
from unittest import mock

import orjson
import pytest
import torch
from torch.autograd.graph import get_gradient_edge
from torch.overrides import TorchFunctionMode

from gradtrace.examples import load_examples
from gradtrace.tracing import TraceOptions, compile_program, run_traced
from gradtrace.tracing.diagnostics import (
    EXPLODING_RATIO,
    VANISHING_RATIO,
    VANISHING_SPREAD,
    Cut,
    CutLog,
    cut_of,
    diagnose,
    grad_flow,
    parameters_of,
)
from gradtrace.tracing.mode import RecordingMode
from gradtrace.tracing.modules import ModuleTracker
from gradtrace.tracing.wire import dumps
from tests.tracing.diagnostic_programs._cases import INLINE, INPLACE, MASKED, NON_FINITE
from tests.tracing.diagnostic_programs._plain import plain_none, plain_norms, plain_order
from tests.tracing.diagnostic_programs._programs import NAMES, program

NONE_KINDS = ("grad_none", "unused_parameter")


def _source(name: str) -> str:
    return INLINE[name] if name in INLINE else program(name)


@contextmanager
def _observed() -> Iterator[dict[Any, CutLog]]:
    """Every recorder's cuts and reads, observed where the recorder will observe them."""
    logs: dict[Any, CutLog] = {}
    original = RecordingMode._recorded

    def recorded(self: RecordingMode, func: Any, args: tuple[Any, ...],
                 kwargs: dict[str, Any]) -> Any:
        result = original(self, func, args, kwargs)
        recorder: Any = self.recorder

        def node_of(tensor: torch.Tensor) -> int | None:
            """The tensor's node; a leaf no op used yet gets its node now (get_gradient_edge)."""
            if recorder.node_of(tensor) is None and tensor.is_leaf and tensor.requires_grad:
                recorder.discover(get_gradient_edge(tensor).node, recorder.origin())
            return cast("int | None", recorder.node_of(tensor))

        log = logs.setdefault(recorder, CutLog(node_of, recorder.line_here))
        log.observe(func, args, result)
        return result

    with mock.patch.object(RecordingMode, "_recorded", recorded):
        yield logs


def _traced(source: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    namespace: dict[str, Any] = {"__name__": "__main__", "__builtins__": builtins}
    with _observed() as logs:
        recorder, trace = run_traced(compile_program(source), namespace, TraceOptions())
    log = logs.get(recorder, CutLog(recorder.node_of, recorder.line_here))
    parameters = parameters_of(ModuleTracker(lambda: namespace).parameter_names())
    return trace, diagnose(trace, list(log.cuts), reads=list(log.reads), parameters=parameters)


@pytest.mark.parametrize("name", ["grad_none", "unused_parameter", "not_leaf", *INLINE])
def test_none_gradients_are_exactly_plain_pytorchs(name: str) -> None:
    source = _source(name)
    _, found = _traced(source)
    listed = [d["tensor"] for d in found if d["kind"] in NONE_KINDS]
    assert sorted(listed) == sorted(plain_none(source))


def _by_tensor(name: str) -> dict[str, dict[str, Any]]:
    return {d["tensor"]: d for d in _traced(_source(name))[1] if d["kind"] in NONE_KINDS}


def _line_of(source: str, text: str) -> int:
    return next(i for i, line in enumerate(source.splitlines(), 1) if text in line)


def test_reasons_name_the_cut_the_freeze_and_the_unused() -> None:
    found, source = _by_tensor("grad_none"), _source("grad_none")
    for param in ("encoder.weight", "encoder.bias"):
        assert found[param]["kind"] == "unused_parameter"
        assert found[param]["module"] == "encoder"
        assert (found[param]["reason"], found[param]["line"]) == (
            "cut", _line_of(source, ".detach()"))
    assert (found["head.bias"]["kind"], found["head.bias"]["reason"]) == ("grad_none", "frozen")
    assert found["temperature"]["reason"] == "unused"
    unused = _by_tensor("unused_parameter")
    assert {(d["kind"], d["module"], d["reason"]) for d in unused.values()} == {
        ("unused_parameter", "aux", "unused")}
    not_leaf = _by_tensor("not_leaf")["y"]
    assert (not_leaf["reason"], not_leaf["line"]) == (
        "not_leaf", _line_of(_source("not_leaf"), "print(y.grad)"))


@pytest.mark.parametrize(("name", "reason", "text"), [
    ("cleared", "cleared", "zero_grad"), ("no backward", "no_backward", None),
    ("autograd.grad", "captured", None), ("no_grad", "cut", "h * 2"),
    ("item", "cut", ".item()"), ("data", "cut", ".data"), ("leaf detach", "cut", "detach"),
])
def test_each_reason(name: str, reason: str, text: str | None) -> None:
    found = _by_tensor(name)
    cut = found.get("enc.weight") or found["w"]
    assert cut["reason"] == reason
    if text is not None:
        assert cut["line"] == _line_of(_source(name), text)


class _Cuts(TorchFunctionMode):
    """Calls cut_of on every torch call, as the recorder will."""

    def __init__(self) -> None:
        super().__init__()
        self.tensors: list[torch.Tensor] = []
        self.cuts: list[Cut] = []

    def __torch_function__(self, func: Any, types: Any, args: Any = (),
                           kwargs: Any = None) -> Any:
        result = func(*args, **(kwargs or {}))
        cut = cut_of(func, args, result, self._node_of, lambda: 7)
        if cut is not None:
            self.cuts.append(cut)
        return result

    def _node_of(self, tensor: torch.Tensor) -> int:
        self.tensors.append(tensor)
        return len(self.tensors) - 1


def _cuts_of(action: Any) -> list[tuple[str, bool]]:
    """(kind, whether it cut from w itself) for each cut the calls in ``action(w)`` made."""
    w = torch.ones(2, requires_grad=True)
    with _Cuts() as mode:
        action(w)
    assert all(cut.line == 7 for cut in mode.cuts)
    return [(cut.kind, mode.tensors[cut.tensor_node] is w) for cut in mode.cuts
            if cut.tensor_node is not None]


def _under_no_grad(w: torch.Tensor) -> None:
    with torch.no_grad():
        w.add_(1)  # an optimizer's update: returns w, which still requires grad
        w.mul(2)  # a new tensor without history: the cut


@pytest.mark.parametrize(("action", "expected"), [
    (lambda w: w.detach(), [("detach", True)]),
    (lambda w: w.data, [("data", True)]),
    (lambda w: w.tolist(), [("tolist", True)]),
    (lambda w: w.sum().item(), [("item", False)]),
    (lambda w: float(w[0]), [("item", False)]),
    (lambda w: torch.tensor(w), [("copy", True)]),
    (lambda w: w.new_tensor(w), [("copy", True)]),
    (lambda w: w.detach().numpy(), [("detach", True)]),  # numpy() of w itself raises
    (_under_no_grad, [("no_grad", True)]),
    (lambda w: (w * 2).sum().backward(), []),
    (lambda w: torch.ones(2).sum().item(), []),  # nothing that required grad
])
def test_cut_of_real_torch_calls(action: Any, expected: list[tuple[str, bool]]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert _cuts_of(action) == expected


def test_diagnose_with_a_cuts_list() -> None:
    """A cut explains a leaf only when the leaf is upstream of the tensor it cut."""
    trace, _ = _traced(_source("unused_parameter"))
    nodes = trace["graph"]["nodes"]
    aux_out = next(i for i, n in enumerate(nodes) if n.get("module_call") is not None
                   and trace["module_calls"][n["module_call"]]["module"] == "aux"
                   and n["op"] == "AddmmBackward0")
    body_out = next(i for i, n in enumerate(nodes) if n["op"] == "ReluBackward0")
    found = diagnose(trace, [Cut("no_grad", 3, body_out), Cut("detach", 4, aux_out)])
    cuts = {d["tensor"]: (d["reason"], d["line"]) for d in found if d["kind"] in NONE_KINDS}
    assert cuts == {"aux.weight": ("cut", 4), "aux.bias": ("cut", 4)}


@pytest.mark.parametrize("name", ["non_finite_forward", "non_finite_backward", *NON_FINITE])
def test_non_finite_is_plain_pytorchs_first(name: str) -> None:
    source = NON_FINITE.get(name) or _source(name)
    plain = plain_order(source)
    found = [d for d in _traced(source)[1] if d["kind"] == "non_finite"]
    expected = [{"phase": "forward", "op": op, "line": line}
                for op, line, finite in plain.forward if not finite][:1]
    for call, visits in enumerate(plain.backward):
        expected += [{"phase": "backward", "call": call, "op": op, "line": line}
                     for op, line, finite in visits if not finite][:1]
    assert [{key: d[key] for key in e} for d, e in zip(found, expected, strict=False)] == expected
    assert len(found) == len(expected)
    for d in found:  # a call is named as the page names it: backward() #1 is the first
        if d["phase"] == "backward":
            assert d["message"].startswith(f"Backward call #{d['call'] + 1}'s"), d["message"]


def test_non_finite_causes() -> None:
    causes = {d["phase"]: d["cause"] for name in ("non_finite_forward", "non_finite_backward")
              for d in _traced(_source(name))[1] if d["kind"] == "non_finite"}
    assert causes["forward"] == "log(0) is -inf"
    assert causes["backward"].startswith("sqrt at 0 in backward")
    exp = [d["cause"] for d in _traced(NON_FINITE["exp"])[1] if d["kind"] == "non_finite"]
    assert exp[0].startswith("exp overflowed")
    zero = [d["cause"] for d in _traced(NON_FINITE["0/0"])[1] if d["kind"] == "non_finite"]
    assert zero[0] == "0/0 is NaN"


@pytest.mark.parametrize("name", ["inplace", *INPLACE])
def test_inplace_line_is_the_version_bump(name: str) -> None:
    source = INPLACE.get(name) or _source(name)
    found = [d for d in _traced(source)[1] if d["kind"] == "inplace"]
    assert [d["line"] for d in found] == [plain_order(source).write_line()]


def _flags(modules: dict[str, tuple[float, float]]) -> dict[str, str]:
    """The thresholds' definitions applied to plain PyTorch's norms."""
    ratios = {m: g / w for m, (g, w) in modules.items() if w > 0}
    top = max(ratios.values())
    flags = {}
    for module, (grad, weights) in modules.items():
        if grad > EXPLODING_RATIO * max(weights, 1.0):
            flags[module] = "exploding_gradient"
        elif grad <= VANISHING_RATIO * weights or ratios[module] < VANISHING_SPREAD * top:
            flags[module] = "vanishing_gradient"
    return flags


@pytest.mark.parametrize("name", ["vanishing_gradient", "exploding_gradient", "unused_parameter"])
def test_grad_flow_and_its_flags_match_plain_norms(name: str) -> None:
    source = _source(name)
    trace, found = _traced(source)
    plain = plain_norms(source)
    [call] = grad_flow(trace)
    params = {p["parameter"]: p for m in call["modules"] for p in m["parameters"]}
    assert params.keys() == plain.keys()
    for param, (grad, weights) in plain.items():
        assert math.isclose(params[param]["grad_norm"], grad, rel_tol=1e-4)
        assert math.isclose(params[param]["param_norm"], weights, rel_tol=1e-4)
    modules: dict[str, list[tuple[float, float]]] = {}
    for param, norms in plain.items():
        modules.setdefault(param.rpartition(".")[0], []).append(norms)
    combined = {m: (math.hypot(*(g for g, _ in v)), math.hypot(*(w for _, w in v)))
                for m, v in modules.items()}
    assert {m["module"] for m in call["modules"]} == combined.keys()
    flagged = {d["module"]: d["kind"] for d in found if "gradient" in d["kind"]}
    assert flagged == _flags(combined)
    assert flagged or name == "unused_parameter"


@pytest.mark.parametrize("example", [e for e in load_examples() if e.code], ids=lambda e: e.id)
def test_gallery_none_gradients_are_exactly_plain_pytorchs(example: Any) -> None:
    listed = [d["tensor"] for d in _traced(example.code)[1] if d["kind"] in NONE_KINDS]
    assert sorted(listed) == sorted(plain_none(example.code))


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return float(f"{value:.5g}")
    if isinstance(value, list | tuple):
        return [_rounded(item) for item in value]
    if isinstance(value, dict):
        return {key: _rounded(item) for key, item in value.items()}
    return value


@pytest.mark.parametrize("name", NAMES)
def test_the_json_form_gives_the_same_diagnostics(name: str) -> None:
    """Read before or after it becomes JSON (numpy numbers, or 'nan' strings), a trace says
    the same; every example program has the diagnostic it is named after."""
    trace, found = _traced(_source(name))
    parsed = orjson.loads(dumps(trace))  # float32 numbers come back as their shortest text
    assert _rounded(diagnose(parsed)) == _rounded(diagnose(trace))
    assert _rounded(grad_flow(parsed)) == _rounded(grad_flow(trace))
    assert name.removeprefix("non_finite_").replace("not_leaf", "grad_none").replace(
        "forward", "non_finite").replace("backward", "non_finite") in {d["kind"] for d in found}


def test_an_attention_masks_infinities_are_not_reported() -> None:
    plain = plain_order(MASKED)
    assert not all(finite for *_, finite in plain.forward)  # the mask's -inf
    assert all(finite for visits in plain.backward for *_, finite in visits)
    assert not [d for d in _traced(MASKED)[1] if d["kind"] == "non_finite"]
