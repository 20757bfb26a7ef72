"""The graph's Find box on a model big enough to open collapsed.

PyTorch is the oracle: the matrix products of one encoder layer are the AddmmBackward0
nodes between that layer's output and its input in PyTorch's own grad_fn graph, captured
with a forward hook on the same model built by the same program.
"""

from __future__ import annotations

import pytest
import torch

from tests.browser.conftest import shot
from tests.browser.helpers import cy_eval, draws, open_timed, torch_run

pytestmark = pytest.mark.browser

# 12 layers, so that "layers.1" must not find layers.10 and layers.11
ENCODER = """import torch
import torch.nn as nn
layer = nn.TransformerEncoderLayer(d_model=16, nhead=2, dim_feedforward=32, dropout=0.0)
model = nn.TransformerEncoder(layer, num_layers=12, enable_nested_tensor=False)
x = torch.randn(5, 1, 16)
loss = model(x).pow(2).mean()
loss.backward()
"""


def _ops_inside(output: torch.Tensor, stop: object, name: str) -> int:
    """grad_fn nodes called `name` from ``output`` back to ``stop`` (a module's input's)."""
    seen: set[int] = set()
    count = 0
    stack = [output.grad_fn]
    while stack:
        fn = stack.pop()
        if fn is None or fn is stop or id(fn) in seen:
            continue
        seen.add(id(fn))
        count += fn.name() == name
        stack.extend(nxt for nxt, _ in fn.next_functions)
    return count


def _pytorch_counts() -> tuple[int, int]:
    """AddmmBackward0 nodes in the whole graph and in layers.1 alone, by PyTorch."""
    ns = torch_run(ENCODER)
    model, x, loss = ns["model"], ns["x"], ns["loss"]
    assert isinstance(model, torch.nn.TransformerEncoder) and isinstance(loss, torch.Tensor)
    seen: dict[str, torch.Tensor] = {}

    def keep(module: torch.nn.Module, args: tuple[torch.Tensor, ...], out: torch.Tensor) -> None:
        seen["in"], seen["out"] = args[0], out

    handle = model.layers[1].register_forward_hook(keep)
    model(x)  # once more, to see where layers.1 starts and ends
    handle.remove()
    whole = _ops_inside(loss, None, "AddmmBackward0")
    return whole, _ops_inside(seen["out"], seen["in"].grad_fn, "AddmmBackward0")


def _find(page, query: str) -> str:  # type: ignore[no-untyped-def]
    page.get_by_label("Find nodes").fill(query)
    return str(page.locator(".find-count").inner_text())


def _go(page, key: str, node_id: int) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Press `key` in the Find box, wait until node `node_id` is drawn and selected, and
    return its facts as the inspector lists them."""
    page.get_by_label("Find nodes").press(key)
    page.wait_for_function(
        "id => { const cy = document.getElementById('graph-canvas')._cyreg.cy;"
        " const s = cy.nodes(':selected');"
        " return document.getElementById('graph').getAttribute('aria-busy') === 'false'"
        " && s.length === 1 && s.data('type') === 'node' && s.data('nodeId') === id; }",
        arg=node_id)
    facts = page.locator("#inspector dl").first
    return dict(zip(facts.locator("dt").all_inner_texts(), facts.locator("dd").all_inner_texts(),
                    strict=True))


def test_find_counts_marks_and_visits_every_match(page, server_url) -> None:  # type: ignore[no-untyped-def]
    whole, in_layer = _pytorch_counts()
    assert 0 < in_layer < whole
    trace, _ = open_timed(page, server_url, ENCODER)
    assert trace["ok"], trace["error"]
    expected = [n["id"] for n in trace["graph"]["nodes"] if n["op"] == "AddmmBackward0"
                and (n.get("module") or "").startswith("layers.1.")]
    assert len(expected) == in_layer
    drawn = draws(page)

    assert _find(page, "addmm") == f"{whole} matches"
    assert _find(page, "xyzzy") == "no match"
    assert _find(page, "layers.1 addmm") == f"{in_layer} matches"
    marked = cy_eval(page, "(cy) => cy.nodes('.found').map((el) => el.data('path') ?? el.id())")
    assert marked and all(".layers.1." in f"{path}." for path in marked), marked
    shot(page, "find-marked")

    for k, node_id in enumerate(expected, 1):
        facts = _go(page, "Enter", node_id)
        assert page.locator(".find-count").inner_text() == f"{k} of {in_layer}"
        said = page.locator("#find [aria-live]").inner_text()  # what a screen reader hears
        assert said.startswith(f"{k} of {in_layer}: op AddmmBackward0 ") and " in " in said
        assert facts["op"] == "AddmmBackward0" and facts["module"].startswith("layers.1."), facts
    assert draws(page) > drawn, "the matches were in closed boxes: opened and drawn again"
    shot(page, "find-visited")
    _go(page, "Enter", expected[0])
    assert page.locator(".find-count").inner_text() == f"1 of {in_layer}"  # wraps around
    _go(page, "Shift+Enter", expected[-1])
    assert page.locator(".find-count").inner_text() == f"{in_layer} of {in_layer}"

    page.get_by_label("Find nodes").press("Escape")
    assert page.get_by_label("Find nodes").input_value() == ""
    assert page.locator(".find-count").inner_text() == ""
    assert cy_eval(page, "(cy) => cy.nodes('.found').length") == 0

    page.get_by_role("application", name="Graph canvas").focus()
    page.keyboard.press("/")  # from the graph (not from a text field): to the Find box
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Find nodes"
    assert page.get_by_label("Find nodes").input_value() == ""
    editor = page.get_by_role("textbox", name="Program")
    editor.click()
    page.keyboard.press("/")  # in the editor, "/" is just a character
    assert "/" in editor.inner_text()
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") != "Find nodes"
