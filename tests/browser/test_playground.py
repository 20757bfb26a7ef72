"""The playground in a real browser against a real server; plain PyTorch is the oracle.

Accessible names are the contract (issue 4): buttons Run/Play/Step forward/Step back, the
slider named Timeline, the regions Graph and Gradients, errors in role=alert.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.browser.conftest import shot
from tests.browser.helpers import (
    CHAIN,
    cy_eval,
    draws,
    grad_fn_count,
    leaf_grad_numbers,
    leaves_with_grad,
    open_program,
    read_text,
    torch_run,
    wait_drawn,
)

pytestmark = pytest.mark.browser

VJP = """import torch
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * 3
y.backward(torch.tensor([100.0, 0.1]))
"""

TWICE = """import torch
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * 3
y.sum().backward()
y.sum().backward()
"""

def test_chain_rule_by_url_shows_torch_gradients(page, server_url) -> None:  # type: ignore[no-untyped-def]
    graph = open_program(page, server_url, CHAIN)
    ns = torch_run(CHAIN)
    assert int(graph.get_attribute("data-node-count")) == grad_fn_count(ns["out"])  # type: ignore[arg-type]
    expected = ns["x"].grad.flatten().tolist()  # type: ignore[union-attr]
    assert leaf_grad_numbers(page, "x") == pytest.approx(expected, rel=1e-3)
    print(f"chain rule: Run -> drawn {graph.get_attribute('data-draw-ms')} ms")
    shot(page, "chain-rule-end")


def test_step_back_forward_and_play_to_the_end(page, server_url) -> None:  # type: ignore[no-untyped-def]
    open_program(page, server_url, CHAIN)
    slider = page.get_by_role("slider", name="Timeline")
    total = int(slider.get_attribute("aria-valuemax"))
    assert total > 0 and int(slider.get_attribute("aria-valuenow")) == total
    page.get_by_role("button", name="Step back").click()
    assert int(slider.get_attribute("aria-valuenow")) == total - 1
    page.get_by_role("button", name="Step forward").click()
    assert int(slider.get_attribute("aria-valuenow")) == total
    slider.focus()
    page.keyboard.press("Home")
    assert int(slider.get_attribute("aria-valuenow")) == 0
    assert leaf_grad_numbers(page, "x") is None  # before backward() PyTorch's x.grad is None
    shot(page, "chain-rule-start")
    page.get_by_label("Speed").select_option("120")
    page.get_by_role("button", name="Play").click()
    page.wait_for_function(
        "() => { const s = document.querySelector('[aria-label=Timeline]');"
        " return s.getAttribute('aria-valuenow') === s.getAttribute('aria-valuemax'); }",
        timeout=15_000)
    expected = torch_run(CHAIN)["x"].grad.flatten().tolist()  # type: ignore[union-attr]
    assert leaf_grad_numbers(page, "x") == pytest.approx(expected, rel=1e-3)
    assert page.get_by_role("button", name="Play").is_visible()


def test_second_backward_shows_error_line_and_hint(page, server_url) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(RuntimeError, match="second time") as info:
        torch_run(TWICE)
    open_program(page, server_url, TWICE)
    alert = page.get_by_role("alert")
    alert.wait_for()
    text = alert.inner_text()
    assert "RuntimeError" in text
    assert "second time" in text and "second time" in str(info.value)
    assert "line 5" in text
    assert "retain_graph" in text.split("Hint:", 1)[1]
    marked = page.locator(".cm-error-line")
    assert marked.count() == 1 and marked.inner_text() == TWICE.splitlines()[4]
    shot(page, "error")


def test_export_svg_downloads_the_graph(page, server_url) -> None:  # type: ignore[no-untyped-def]
    open_program(page, server_url, CHAIN)
    with page.expect_download() as info:
        page.get_by_role("button", name="Export SVG").click()
    svg = read_text(info.value.path())
    assert svg.startswith("<svg")
    assert svg.count("MulBackward0") == 2 and "MeanBackward0" in svg
    with page.expect_download() as info:
        page.get_by_role("button", name="Export DOT").click()
    dot = read_text(info.value.path())
    assert dot.startswith("digraph") and dot.count("->") >= 5


def test_ctrl_enter_runs_the_edited_program(page, server_url) -> None:  # type: ignore[no-untyped-def]
    open_program(page, server_url, CHAIN)
    before = draws(page)
    editor = page.get_by_role("textbox", name="Program")
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(VJP)
    page.keyboard.press("Control+Enter")
    wait_drawn(page, before)
    expected = torch_run(VJP)["x"].grad.tolist()  # type: ignore[union-attr]
    assert leaf_grad_numbers(page, "x") == pytest.approx(expected, rel=1e-3)


def test_choosing_an_example_runs_it(page, server_url) -> None:  # type: ignore[no-untyped-def]
    examples = httpx.get(f"{server_url}/api/v1/examples").json()["examples"]
    chosen = next(e for e in examples if e["id"] == "chain-rule")
    page.goto(server_url)
    wait_drawn(page, 0)
    select = page.get_by_label("Examples")
    assert select.locator("option").count() == len(examples) + 1
    before = draws(page)
    select.select_option(chosen["id"])
    wait_drawn(page, before)
    shown = page.get_by_role("textbox", name="Program").inner_text().splitlines()
    code_lines = [ln for ln in chosen["code"].splitlines() if ln.strip()]
    assert [ln for ln in shown if ln.strip()] == code_lines
    ns = torch_run(chosen["code"])
    leaves = leaves_with_grad(ns)
    assert leaves, "the chain-rule example has a leaf with a gradient"
    for name, leaf in leaves.items():
        expected = leaf.grad.flatten().tolist()  # type: ignore[union-attr]
        assert leaf_grad_numbers(page, name) == pytest.approx(expected, rel=1e-3)
    page.get_by_role("button", name="Share").click()
    assert page.get_by_label("Share link").input_value().endswith(f"?example={chosen['id']}")


def test_transformer_opens_collapsed_and_fast(page, server_url) -> None:  # type: ignore[no-untyped-def]
    code = """import torch
import torch.nn as nn
torch.manual_seed(0)
layer = nn.TransformerEncoderLayer(d_model=16, nhead=2, dim_feedforward=32, dropout=0.0,
                                   batch_first=True)
model = nn.TransformerEncoder(layer, num_layers=2)
x = torch.randn(1, 4, 16)
loss = model(x).pow(2).mean()
loss.backward()
"""
    with page.expect_response(lambda r: r.url.endswith("/api/v1/trace")) as resp:
        graph = open_program(page, server_url, code)
    trace = resp.value.json()
    assert trace["ok"], trace["error"]
    assert int(graph.get_attribute("data-node-count")) == len(trace["graph"]["nodes"])
    assert int(graph.get_attribute("data-visible-count")) < len(trace["graph"]["nodes"])
    print(f"2-layer TransformerEncoder ({len(trace['graph']['nodes'])} nodes):"
          f" Run -> drawn {graph.get_attribute('data-draw-ms')} ms")
    shot(page, "transformer")


def test_a_wide_graph_opens_readable_from_its_top_left_corner(page, server_url) -> None:  # type: ignore[no-untyped-def]
    code = (Path(__file__).parents[2] / "gradtrace/examples/programs/22_small_cnn.py").read_text()
    open_program(page, server_url, code)
    zoom, box, width = cy_eval(page, "(cy) => [cy.zoom(), cy.elements().renderedBoundingBox(),"
                                     " cy.width()]")
    assert box["w"] > width, "the case under test: wider than the canvas at a readable zoom"
    assert zoom == pytest.approx(0.8)  # READABLE_ZOOM: not shrunk to fit
    assert 0 <= box["x1"] < 48 and 0 <= box["y1"] < 80  # nothing cut on the left or the top
