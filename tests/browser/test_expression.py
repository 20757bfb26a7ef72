"""Expression mode (issue 16 item 4) in a real browser against a real server.

PyTorch is the oracle: the test evaluates the same expression over the same inputs with
plain PyTorch and compares the Gradients panel and the graph's size with what it computed.
"""

from __future__ import annotations

import json
import math
from typing import Any
from urllib.parse import quote

import pytest
import torch

from tests.browser.conftest import shot
from tests.browser.helpers import CHAIN, draws, grad_fn_count, leaf_grad_numbers, wait_drawn

pytestmark = pytest.mark.browser


def plain(expression: str, inputs: dict[str, Any]) -> tuple[dict[str, torch.Tensor], torch.Tensor]:
    """Leaves and the tensor backward() ran on, computed by plain PyTorch."""
    leaves = {k: torch.tensor(v, dtype=torch.float32, requires_grad=True)
              for k, v in inputs.items()}
    result = eval(expression, {"torch": torch, "math": math, **leaves})
    root = result if result.numel() == 1 else result.sum()
    root.backward()
    return leaves, root


def assert_panel_matches(page, leaves: dict[str, torch.Tensor]) -> None:  # type: ignore[no-untyped-def]
    for name, leaf in leaves.items():
        assert leaf.grad is not None
        expected = leaf.grad.flatten().tolist()
        assert leaf_grad_numbers(page, name) == pytest.approx(expected, rel=1e-3, abs=1e-4), name


def test_typed_expression_runs_and_shows_torch_gradients(page, server_url) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{server_url}/?code={quote(CHAIN)}")
    wait_drawn(page, 0)
    page.get_by_role("tab", name="Expression").click()
    expression = "w * v + torch.tanh(b) * 2"
    inputs = {"w": 1.5, "v": [[1.0, -2.0], [0.5, 3.0]], "b": [0.25, -0.75]}
    page.get_by_role("textbox", name="Expression").fill(expression)
    for name, value in inputs.items():  # one field per name the expression reads
        page.get_by_role("textbox", name=f"Input {name}").fill(json.dumps(value))
    assert page.get_by_role("textbox", name="Input torch").count() == 0
    before = draws(page)
    page.get_by_role("button", name="Run").click()
    wait_drawn(page, before)

    leaves, root = plain(expression, inputs)
    assert_panel_matches(page, leaves)
    graph = page.get_by_role("region", name="Graph")
    assert int(graph.get_attribute("data-node-count")) == grad_fn_count(root)
    assert "result.sum()" in page.locator("#expression [data-role=note]").inner_text()
    program = page.get_by_role("textbox", name="Program")
    assert f"result = {expression}" in program.inner_text()
    assert program.get_attribute("aria-readonly") == "true"
    shot(page, "expression-mode")

    page.get_by_role("tab", name="Program").click()  # the user's own program comes back
    assert "out = z.mean()" in page.get_by_role("textbox", name="Program").inner_text()
    assert page.get_by_role("textbox", name="Program").get_attribute("aria-readonly") != "true"


def test_gallery_expression_and_link_open_expression_mode(page, server_url) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{server_url}/?example=expression-broadcasting")
    wait_drawn(page, 0)
    assert page.get_by_role("tab", name="Expression").get_attribute("aria-selected") == "true"
    entry = next(e for e in page.request.get(f"{server_url}/api/v1/examples").json()["examples"]
                 if e["id"] == "expression-broadcasting")
    assert page.get_by_role("textbox", name="Expression").input_value() == entry["expression"]
    leaves, _ = plain(entry["expression"], entry["inputs"])
    assert_panel_matches(page, leaves)

    expression, inputs = "(a * a).sum() / c", {"a": [1.0, 2.0, 3.0], "c": 4}
    link = f"{server_url}/?expression={quote(expression)}&inputs={quote(json.dumps(inputs))}"
    page.goto(link)
    wait_drawn(page, 0)
    leaves, _ = plain(expression, inputs)
    assert_panel_matches(page, leaves)
    note = page.locator("#expression [data-role=note]").inner_text()
    assert "backward() ran on the result" in note


def test_a_bad_input_is_named_in_the_alert(page, server_url) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{server_url}/?code={quote(CHAIN)}")
    wait_drawn(page, 0)
    page.get_by_role("tab", name="Expression").click()
    page.get_by_role("textbox", name="Expression").fill("x + y")
    page.get_by_role("textbox", name="Input x").fill("[[1, 2], [3]]")
    page.get_by_role("textbox", name="Input y").press("Enter")
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "inputs.x: ragged list" in alert.inner_text()
    # Chromium logs every 4xx response as a console error; this one is the point of the test
    page.watch.errors[:] = [e for e in page.watch.errors if "status of 422" not in e]


@pytest.mark.parametrize(("expression", "names"), [
    ("x * y + torch.sin(z)", ["x", "y", "z"]),
    ("torch.sum(w, dim=0) + F.relu(b).mean() * math.pi", ["w", "b"]),
    ("1e-3 * x + 2.5e4 * x ** 2", ["x"]),
    ("sum(v * w for v in range(3)) + (lambda t: t * k)(a)", ["w", "k", "a"]),
    ("torch.where(x == y, x, 'dim=y')", ["x", "y"]),
])
def test_one_input_field_per_free_name(page, server_url, expression, names) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{server_url}/?code={quote(CHAIN)}")
    wait_drawn(page, 0)
    page.get_by_role("tab", name="Expression").click()
    page.get_by_role("textbox", name="Expression").fill(expression)
    fields = page.locator("#expression [data-role=inputs] input")
    assert [fields.nth(i).get_attribute("aria-label") for i in range(fields.count())] == [
        f"Input {n}" for n in names]


def test_a_refused_expression_shows_where_in_the_expression(page, server_url) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{server_url}/?code={quote(CHAIN)}")
    wait_drawn(page, 0)
    page.get_by_role("tab", name="Expression").click()
    expression = "x * 2 + x.__class__"
    page.get_by_role("textbox", name="Expression").fill(expression)
    page.get_by_role("textbox", name="Input x").fill("[1, 2]")
    before = draws(page)
    with page.expect_response(lambda r: r.url.endswith("/api/v1/trace")) as answer:
        page.get_by_role("button", name="Run").click()
    wait_drawn(page, before)
    text = page.get_by_role("alert").inner_text()
    echo = answer.value.json()["expression"]
    line = echo["program"].splitlines().index(f"result = {expression}") + 1
    column = expression.index("__class__") + 1
    assert f"on line {line}, column {column} of the expression" in text, text
    assert "PolicyError" in text
