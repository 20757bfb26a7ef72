"""The local backward rule on the page (issue 19): at a backward step the inspector and the
caption show the op's rule with the step's own numbers and its result, the edge gradient.

The traces carry `formulas`, `diagnostics` and `grad_flow` as the Python side computes them
(`explained`), opened in the self-contained viewer from file:// with the network refused.
PyTorch is the oracle: a node hook in a plain run records the gradients each node sent.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import torch

from gradtrace.tracing import trace_source
from gradtrace.tracing.diagnostics import diagnose, grad_flow
from gradtrace.tracing.formulas import formulas_for
from gradtrace.tracing.wire import dumps, expand
from gradtrace.viewer import save_html
from tests.browser.conftest import shot
from tests.browser.helpers import CHAIN, NUMBER, cy_eval, wait_drawn

pytestmark = pytest.mark.browser

DRAWN = ("() => { const g = document.getElementById('graph');"
         " return Number(g.dataset.draws || 0) > 0 && g.getAttribute('aria-busy') === 'false'; }")
CUBE = """import torch
x = torch.tensor([2.0, 3.0], requires_grad=True)
y = x ** 3
y.sum().backward()
"""
LINEAR = """import torch
torch.manual_seed(0)
layer = torch.nn.Linear(8, 8)
x = torch.randn(4, 8)
layer(x).sum().backward()
"""
SINH = """import torch
x = torch.tensor([0.5, -1.0], requires_grad=True)
y = torch.sinh(x)
y.sum().backward()
"""


def explained(code: str) -> dict[str, Any]:
    """The trace of `code` as saved (plain JSON) with its explanation fields, and its source."""
    trace = json.loads(dumps(trace_source(code)))
    assert trace["ok"], trace["error"]
    trace.setdefault("formulas", formulas_for(trace))
    trace.setdefault("diagnostics", diagnose(trace))
    trace.setdefault("grad_flow", grad_flow(trace))
    return {**trace, "files": [{"path": "program.py", "source": code}]}


def open_viewer(page: Any, trace: dict[str, Any], path: Path) -> None:
    page.goto(save_html(trace, path).resolve().as_uri())
    page.wait_for_function(DRAWN, timeout=30_000)


def go_to(page: Any, step: int) -> None:
    """Move the timeline to `step` as the slider does."""
    page.evaluate("(s) => { const el = document.querySelector('#timeline [data-role=slider]');"
                  " el.value = String(s); el.dispatchEvent(new Event('input')); }", step)
    assert page.get_by_role("slider", name="Timeline").get_attribute("aria-valuenow") == str(step)


def select(page: Any, node: int) -> None:
    cy_eval(page, "(cy, id) => { cy.getElementById(id).emit('tap'); }", f"n{node}")


def numbers(text: str) -> list[float]:
    return [float(v) for v in NUMBER.findall(text)]


def visit(long: dict[str, Any], op: str, inputs: int) -> tuple[int, dict[str, Any]]:
    """The step showing the backward visit of the `op` node with `inputs` edges, and its event."""
    nodes = long["graph"]["nodes"]
    for i, ev in enumerate(long["events"]):
        node = nodes[ev.get("node", -1)] if ev["phase"] == "backward" else None
        if node and node["op"] == op and sum(e is not None for e in node["inputs"]) == inputs:
            return i + 1, ev
    raise AssertionError(f"no backward visit of {op}")


def values(tv: dict[str, Any] | None) -> list[float]:
    assert tv is not None and tv["values"] is not None
    return torch.tensor(tv["values"], dtype=torch.float64).flatten().tolist()


def plain_chain() -> dict[str, list[list[float]]]:
    """CHAIN run plainly: what MeanBackward0 and the y * y MulBackward0 sent, per input."""
    sent: dict[str, list[list[float]]] = {}
    x = torch.ones(2, 2, requires_grad=True)
    y = x + 2
    yy = y * y
    out = (yy * 3).mean()
    for name, fn in (("mean", out.grad_fn), ("mul", yy.grad_fn)):
        assert fn is not None
        fn.register_hook(lambda gi, go, name=name: sent.__setitem__(
            name, [g.flatten().tolist() for g in gi if g is not None]))
    torch.autograd.backward(out)
    return sent


def where(line: Any, name: str) -> list[float]:
    text = line.locator(f".formula-where [data-name='{name}']").inner_text()
    return numbers(text.split("=", 1)[1])


def test_mul_and_mean_rules_show_the_steps_numbers(offline, tmp_path) -> None:  # type: ignore[no-untyped-def]
    trace = explained(CHAIN)
    long = expand(trace)
    plain = plain_chain()
    page = offline()
    open_viewer(page, trace, tmp_path / "chain.html")
    inspector = page.get_by_role("region", name="Inspector")
    caption = page.locator("#timeline [data-role=caption]")

    step, ev = visit(long, "MulBackward0", 2)  # y * y: self and other are both y
    go_to(page, step)
    select(page, ev["node"])
    rule = inspector.get_by_role("group", name="Backward rule of MulBackward0")
    assert rule.locator(".tensor-caption").inner_text() == f"rule of MulBackward0 at step {step}"
    saved = {s["name"]: s["value"] for s in long["graph"]["nodes"][ev["node"]]["saved"]}
    for i, (name, other) in enumerate((("self", "other"), ("other", "self"))):
        line = rule.locator(f".formula-line[data-input='{name}']")
        assert line.locator(".formula-rule").inner_text() == f"grad_{name} = grad · {other}"
        assert where(line, "grad") == values(ev["grad_outputs"][0])
        assert where(line, other) == values(saved[other])
        shown = numbers(line.locator(".formula-values").inner_text())
        assert shown == values(ev["grad_outputs"][0]) + values(saved[other])
        result = numbers(line.locator(".formula-result").inner_text())
        assert result == values(ev["grad_inputs"][i]) == pytest.approx(plain["mul"][i])
    text = caption.inner_text()
    assert "rule: grad_self = grad · other = [[0.75, 0.75], [0.75, 0.75]] · [[3, 3], [3, 3]]" \
        " = [[2.25, 2.25], [2.25, 2.25]]" in caption.get_attribute("title")
    assert "MulBackward0" in text

    step, ev = visit(long, "MeanBackward0", 1)
    go_to(page, step)
    select(page, ev["node"])
    line = inspector.get_by_role("group", name="Backward rule of MeanBackward0").locator(
        ".formula-line[data-input='self']")
    mean_rule = "grad_self = grad / n, spread over self's shape"
    assert line.locator(".formula-rule").inner_text() == mean_rule
    assert where(line, "grad") == values(ev["grad_outputs"][0]) == [1.0]
    assert where(line, "n") == [4.0]  # the elements averaged: x is 2 x 2
    assert numbers(line.locator(".formula-values").inner_text()) == [1.0, 4.0]
    result = numbers(line.locator(".formula-result").inner_text())
    assert result == values(ev["grad_inputs"][0]) == pytest.approx(plain["mean"][0])
    assert f"rule: {mean_rule} = 1 / 4" in caption.get_attribute("title")
    shot(page, "explain-mean-rule")


def test_an_op_without_a_rule_says_so(offline, tmp_path) -> None:  # type: ignore[no-untyped-def]
    trace = explained(SINH)
    assert "SinhBackward0" not in trace["formulas"]
    long = expand(trace)
    page = offline()
    open_viewer(page, trace, tmp_path / "sinh.html")
    step, ev = visit(long, "SinhBackward0", 1)
    go_to(page, step)
    select(page, ev["node"])
    rule = page.get_by_role("region", name="Inspector").get_by_role(
        "group", name="Backward rule of SinhBackward0")
    assert rule.locator(".formula-missing").inner_text() == "no rule for SinhBackward0 in the table"
    assert rule.locator(".formula-line").count() == 0  # nothing guessed
    assert page.locator("#timeline [data-role=caption]").inner_text().endswith(
        "· no rule for SinhBackward0 in the table")


def test_the_playground_shows_the_rule_from_the_servers_trace(page, server_url) -> None:  # type: ignore[no-untyped-def]
    with page.expect_response(lambda r: r.url.endswith("/api/v1/trace"), timeout=60_000) as resp:
        page.goto(f"{server_url}/?code={quote(CHAIN)}")
    wait_drawn(page, 0)
    wire = resp.value.json()
    if "formulas" not in wire:
        pytest.skip("the server's traces do not carry formulas yet")
    long = expand(wire)
    step, ev = visit(long, "MulBackward0", 2)
    go_to(page, step)
    select(page, ev["node"])
    line = page.get_by_role("region", name="Inspector").locator(".formula-line[data-input='self']")
    result = numbers(line.locator(".formula-result").inner_text())
    assert result == values(ev["grad_inputs"][0]) == pytest.approx(plain_chain()["mul"][0])
    assert "rule: grad_self = grad · other" in page.locator(
        "#timeline [data-role=caption]").get_attribute("title")


def test_an_ops_settings_are_put_in_too(offline, tmp_path) -> None:  # type: ignore[no-untyped-def]
    trace = explained(CUBE)
    pow_id = next(i for i, n in enumerate(trace["graph"]["nodes"]) if n["op"] == "PowBackward0")
    # the op's settings, as grad_fn._saved_exponent gives them (the trace may carry them already)
    trace["graph"]["nodes"][pow_id].setdefault("attrs", {"exponent": 3.0})
    long = expand(trace)
    step, ev = visit(long, "PowBackward0", 1)
    sent: list[list[float]] = []
    x = torch.tensor([2.0, 3.0], requires_grad=True)
    y = x**3
    assert y.grad_fn is not None
    y.grad_fn.register_hook(lambda gi, go: sent.append(gi[0].tolist()))
    torch.autograd.backward(y.sum())
    page = offline()
    open_viewer(page, trace, tmp_path / "cube.html")
    go_to(page, step)
    select(page, pow_id)
    line = page.get_by_role("region", name="Inspector").locator(".formula-line[data-input='self']")
    assert line.locator(".formula-rule").inner_text() == \
        "grad_self = grad · exponent · self^(exponent−1)"
    grad = values(ev["grad_outputs"][0])
    saved = values(long["graph"]["nodes"][pow_id]["saved"][0]["value"])
    assert line.locator(".formula-values").inner_text() == "= [1, 1] · 3 · [2, 3]^(3−1)"
    assert numbers(line.locator(".formula-values").inner_text()) == [*grad, 3, *saved, 3, 1]
    result = numbers(line.locator(".formula-result").inner_text())
    assert result == values(ev["grad_inputs"][0]) == sent[0] == [12.0, 27.0]


def stats_of(t: torch.Tensor) -> list[float]:
    """min, max, mean, std, norm: the statistics the page shows of a large tensor."""
    t = t.double()
    return [t.min().item(), t.max().item(), t.mean().item(), t.std().item(), t.norm().item()]


def test_large_tensors_show_shape_and_statistics(offline, tmp_path) -> None:  # type: ignore[no-untyped-def]
    trace = explained(LINEAR)
    long = expand(trace)
    step, ev = visit(long, "AddmmBackward0", 2)  # bias and weight: x needs no gradient
    sent: list[torch.Tensor] = []
    torch.manual_seed(0)
    layer = torch.nn.Linear(8, 8)
    x = torch.randn(4, 8)
    out = layer(x)
    assert out.grad_fn is not None
    out.grad_fn.register_hook(lambda gi, go: sent.extend(gi))
    torch.autograd.backward(out.sum())
    page = offline()
    open_viewer(page, trace, tmp_path / "linear.html")
    go_to(page, step)
    select(page, ev["node"])
    line = page.get_by_role("region", name="Inspector").locator(".formula-line[data-input='mat2']")
    assert line.locator(".formula-rule").inner_text() == "grad_mat2 = alpha · mat1ᵀ · grad"
    mat1 = line.locator(".formula-where [data-name='mat1']").inner_text()
    assert mat1.startswith("mat1 = (4, 8) min=")  # 32 values: shape and statistics
    assert numbers(mat1.split("min=")[1]) == pytest.approx(stats_of(x), rel=5e-3, abs=1e-6)
    result = line.locator(".formula-result").inner_text()
    assert result.startswith("grad_mat2 = (8, 8) min=")
    assert numbers(result.split("min=")[1]) == pytest.approx(stats_of(sent[2]), rel=5e-3, abs=1e-6)
    caption = page.locator("#timeline [data-role=caption]").get_attribute("title")
    mat2 = caption.split("grad_mat2 = alpha · mat1ᵀ · grad = ")[1]  # then alpha put in, if known
    mean_norm = stats_of(sent[2])[2::2]
    assert numbers(mat2.split("(8, 8) mean=")[1]) == pytest.approx(mean_norm, rel=5e-3)
    assert "grad_mat1" not in caption  # x needs no gradient: no edge, no line
