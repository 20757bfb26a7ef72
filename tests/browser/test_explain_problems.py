"""The Problems panel and the gradient-flow chart (issue 19), in the self-contained viewer
from file:// with the network refused.

Each program is one of tests/tracing/diagnostic_programs, traced with its explanation
fields (test_explain_rules.explained). The panel must list exactly the trace's diagnostics,
and a click (or the keyboard) must move the timeline to the finding's step and select its
node; the chart must have one bar per module with the trace's norms. PyTorch is the oracle
for which parameters got no gradient and for each module's gradient norm.
"""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import quote

import pytest
import torch

from gradtrace.tracing.wire import expand
from tests.browser.conftest import shot
from tests.browser.helpers import NUMBER, torch_run, wait_drawn
from tests.browser.test_explain_rules import explained, open_viewer
from tests.tracing.diagnostic_programs._programs import program

pytestmark = pytest.mark.browser

def source(name: str) -> str:
    return program(name)


def listed(page: Any) -> list[str]:
    """Every finding's message in the Problems panel, in the panel's order."""
    panel = page.get_by_role("region", name="Problems")
    return [str(t) for t in panel.locator(".problem-message").all_text_contents()]


def step(page: Any) -> int:
    return int(page.get_by_role("slider", name="Timeline").get_attribute("aria-valuenow"))


def selected(page: Any) -> str:
    page.wait_for_function("() => document.querySelector('#inspector h3') !== null")
    return str(page.locator("#inspector h3").inner_text())


def first_step(long: dict[str, Any], node: int, phase: str, call: int | None = None) -> int:
    """The timeline step showing `node`'s first event of `phase` (in `call`)."""
    for i, ev in enumerate(long["events"]):
        if ev.get("node") == node and ev["phase"] == phase and call in (None, ev.get("call")):
            return i + 1
    raise AssertionError(f"no {phase} event of node {node}")


def test_unused_parameters_are_listed_and_a_click_selects_them(offline, tmp_path) -> None:  # type: ignore[no-untyped-def]
    code = source("unused_parameter")
    trace = explained(code)
    net = torch_run(code)["net"]
    assert isinstance(net, torch.nn.Module)
    plain_none = {name for name, p in net.named_parameters() if p.grad is None}
    found = trace["diagnostics"]
    assert {d["parameter"] for d in found if d["kind"] == "unused_parameter"} == plain_none
    page = offline()
    open_viewer(page, trace, tmp_path / "unused.html")
    panel = page.get_by_role("region", name="Problems")
    assert panel.get_by_role("heading").text_content() == f"Problems ({len(found)})"
    assert panel.locator("summary").all_inner_texts() == [f"Unused parameter ({len(found)})"]
    assert listed(page) == [d["message"] for d in found]
    long = expand(trace)
    nodes = long["graph"]["nodes"]
    for d in found:
        panel.get_by_role("button", name=d["message"]).click()
        assert d["parameter"] in selected(page)  # AccumulateGrad · aux.bias
        assert nodes[d["node"]]["label"] == d["parameter"]
        # never reached by backward: its step is when the forward pass made it
        assert step(page) == first_step(long, d["node"], "forward")


def test_vanishing_layers_are_one_group_reached_by_keyboard(offline, tmp_path) -> None:  # type: ignore[no-untyped-def]
    trace = explained(source("vanishing_gradient"))
    found = trace["diagnostics"]
    assert len(found) > 3 and {d["kind"] for d in found} == {"vanishing_gradient"}
    page = offline()
    open_viewer(page, trace, tmp_path / "vanishing.html")
    panel = page.get_by_role("region", name="Problems")
    group = panel.locator("details[data-kind=vanishing_gradient]")
    assert group.locator("summary").inner_text() == f"Vanishing gradient ({len(found)})"
    assert group.get_attribute("open") is None  # many findings: one closed line
    assert listed(page) == [d["message"] for d in found]
    group.locator("summary").focus()
    page.keyboard.press("Enter")
    assert group.get_attribute("open") is not None
    page.keyboard.press("Tab")
    first = found[0]
    focused = page.evaluate("() => document.activeElement.textContent")
    assert first["message"] in focused
    page.keyboard.press("Enter")
    flow = next(c for c in trace["grad_flow"] if c["call"] == first["call"])
    module = next(m for m in flow["modules"] if m["module"] == first["module"])
    param = module["parameters"][0]
    assert param["parameter"] in selected(page)
    assert step(page) == first_step(expand(trace), param["node"], "backward", first["call"])


def test_a_nan_in_a_value_goes_to_the_forward_step(offline, tmp_path) -> None:  # type: ignore[no-untyped-def]
    trace = explained(source("non_finite_forward"))
    found = trace["diagnostics"]
    assert [d["phase"] for d in found] == ["forward", "backward"]
    page = offline()
    open_viewer(page, trace, tmp_path / "nan.html")
    assert listed(page) == [d["message"] for d in found]
    long = expand(trace)
    panel = page.get_by_role("region", name="Problems")
    for d in found:
        panel.get_by_role("button", name=d["message"]).click()
        assert selected(page).startswith(d["op"])
        assert step(page) == first_step(long, d["node"], d["phase"], d.get("call"))
        # the finding about the step's node is marked as the current one
        current = panel.locator("button.problem[aria-current=step] .problem-message")
        assert current.all_text_contents() == [d["message"]]
    shot(page, "explain-problems")


def test_the_grad_flow_chart_has_a_bar_per_module_with_its_norm(offline, tmp_path) -> None:  # type: ignore[no-untyped-def]
    code = source("vanishing_gradient")
    trace = explained(code)
    model = torch_run(code)["model"]
    assert isinstance(model, torch.nn.Module)
    plain = {}
    for name, module in model.named_children():
        norms = [p.grad.norm().item() for p in module.parameters() if p.grad is not None]
        if norms:
            plain[name] = math.sqrt(sum(n * n for n in norms))
    [flow] = trace["grad_flow"]
    flagged = {d["module"] for d in trace["diagnostics"] if d["kind"] == "vanishing_gradient"}
    page = offline()
    open_viewer(page, trace, tmp_path / "flow.html")
    chart = page.get_by_role("region", name="Gradient flow")
    table = chart.get_by_role("table", name="Gradient norm per module, log scale")
    rows = table.locator("tbody tr")
    assert rows.count() == len(flow["modules"]) == len(plain)
    norms = [m["grad_norm"] for m in flow["modules"]]
    lo = math.floor(math.log10(min(norms)))
    hi = max(lo + 1, math.ceil(math.log10(max(norms))))
    assert (lo, hi) == (-11, 1)  # the scale spans every decade of the norms
    assert table.locator("thead .gradflow-scale").inner_text() == "1e-11 … 10"
    assert table.locator(".gradflow-bar").count() == len(plain)
    widths = []
    for i, m in enumerate(flow["modules"]):
        row = rows.nth(i)
        assert row.get_attribute("data-module") == m["module"]
        [shown] = [float(v) for v in NUMBER.findall(row.locator(".gradflow-norm").inner_text())]
        assert shown == pytest.approx(m["grad_norm"], rel=5e-3)  # 3-4 significant digits shown
        assert shown == pytest.approx(plain[m["module"]], rel=5e-3)
        flag = row.locator(".gradflow-flag").inner_text()
        assert flag == ("vanishing" if m["module"] in flagged else "")
        widths.append(row.locator(".gradflow-bar").bounding_box()["width"])
    # a log scale: the output-side layers first, each gradient smaller than the last
    assert widths == sorted(widths, reverse=True) and widths[-1] > 0


def test_the_playground_shows_the_servers_problems_and_flow(page, server_url) -> None:  # type: ignore[no-untyped-def]
    code = source("unused_parameter")
    with page.expect_response(lambda r: r.url.endswith("/api/v1/trace"), timeout=60_000) as resp:
        page.goto(f"{server_url}/?code={quote(code)}")
    wait_drawn(page, 0)
    wire = resp.value.json()
    if "diagnostics" not in wire:
        pytest.skip("the server's traces do not carry diagnostics yet")
    found = wire["diagnostics"]
    net = torch_run(code)["net"]
    assert isinstance(net, torch.nn.Module)
    plain_none = {name for name, p in net.named_parameters() if p.grad is None}
    assert {d["parameter"] for d in found if d["kind"] == "unused_parameter"} == plain_none
    assert listed(page) == [d["message"] for d in found]
    panel = page.get_by_role("region", name="Problems")
    panel.get_by_role("button", name=found[0]["message"]).click()
    assert found[0]["parameter"] in selected(page)
    assert step(page) == first_step(expand(wire), found[0]["node"], "forward")
    rows = page.get_by_role("region", name="Gradient flow").locator("tbody tr")
    modules = [m["module"] for c in wire["grad_flow"] for m in c["modules"]]
    assert [rows.nth(i).get_attribute("data-module") for i in range(rows.count())] == modules
