"""The self-contained viewer in Chromium, from file://, with every network request refused.

Each file is written by gradtrace.viewer for a real trace; PyTorch is the oracle for the
gradients it shows. A page fails its test on any console error and on any request that is
not file:, blob: or data: (those are aborted, and the context is offline besides).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import torch

from gradtrace.tracing import trace_source
from gradtrace.tracing.wire import dumps, expand
from gradtrace.viewer import notebook_html, save_html, standalone_html
from gradtrace.viewer.page import EMPTY_SLOT, SLOT_CLOSE, SLOT_OPEN
from tests.browser.conftest import shot
from tests.browser.helpers import CHAIN, cy_eval, leaf_grad_numbers, open_program, torch_run

pytestmark = pytest.mark.browser

HELPERS = "# helpers.py: a second file of the project\n\n\ndef add_two(t):\n    return t + 2\n"
DRAWN = ("() => { const g = document.getElementById('graph');"
         " return Number(g.dataset.draws || 0) > 0 && g.getAttribute('aria-busy') === 'false'; }")


@pytest.fixture(scope="module")
def chain() -> dict[str, Any]:
    trace = json.loads(dumps(trace_source(CHAIN)))  # as saved: plain JSON, no numpy arrays
    assert trace["ok"], trace["error"]
    return {**trace, "files": [{"path": "chain.py", "source": CHAIN}]}


def open_file(page: Any, path: Path) -> None:
    page.goto(path.resolve().as_uri())
    page.wait_for_function(DRAWN, timeout=30_000)


def node_count(page: Any) -> int:
    return int(cy_eval(page, "(cy) => cy.nodes('[type = \"node\"]').length"))


def test_the_file_draws_the_graph_and_steps_through_backward(offline, chain, tmp_path) -> None:  # type: ignore[no-untyped-def]
    page = offline()
    open_file(page, save_html(chain, tmp_path / "chain.html"))
    long = expand(chain)
    nodes, events = long["graph"]["nodes"], long["events"]
    graph = page.get_by_role("region", name="Graph")
    assert graph.get_attribute("data-node-count") == str(len(nodes)) == str(node_count(page))
    x = torch_run(CHAIN)["x"]
    assert isinstance(x, torch.Tensor) and x.grad is not None
    x_grad = x.grad.flatten().tolist()
    assert leaf_grad_numbers(page, "x") == x_grad
    program = page.get_by_role("textbox", name="Program")
    assert program.get_attribute("aria-readonly") == "true" and "y = x + 2" in program.inner_text()
    assert page.get_by_role("button", name="Run").count() == 0  # hidden: nothing to run it on
    first = next(i for i, ev in enumerate(events) if ev["phase"] == "backward")
    page.get_by_role("combobox", name="Jump to").select_option(str(first + 1))
    slider = page.get_by_role("slider", name="Timeline")
    assert slider.get_attribute("aria-valuenow") == str(first + 1)
    caption = page.locator("#timeline [data-role=caption]").inner_text()
    assert "backward() #1" in caption and nodes[events[first]["node"]]["op"] in caption
    assert leaf_grad_numbers(page, "x") is None  # backward has not reached x yet
    leaf = next(i for i, ev in enumerate(events) if "leaf_grad" in ev)
    for _ in range(leaf - first):
        page.get_by_role("button", name="Step forward").click()
    assert slider.get_attribute("aria-valuenow") == str(leaf + 1)
    assert leaf_grad_numbers(page, "x") == x_grad
    # the step's node (the leaf x) was made on line 2: the editor marks it
    assert page.locator(".cm-hover-line").inner_text() == CHAIN.splitlines()[1]
    shot(page, "standalone-chain")


def test_a_node_in_another_file_shows_that_file(offline, chain, tmp_path) -> None:  # type: ignore[no-untyped-def]
    trace = copy.deepcopy(chain)
    trace["files"].append({"path": "helpers.py", "source": HELPERS})
    add = next(i for i, n in enumerate(trace["graph"]["nodes"]) if n["op"] == "AddBackward0")
    trace["graph"]["nodes"][add].update(file=1, line=5)
    mul = next(i for i, n in enumerate(trace["graph"]["nodes"]) if n["op"] == "MulBackward0")
    page = offline()
    open_file(page, save_html(trace, tmp_path / "two-files.html"))
    picker = page.get_by_role("combobox", name="File")
    assert picker.locator("option").all_inner_texts() == ["chain.py", "helpers.py"]
    program = page.get_by_role("textbox", name="Program")
    assert "y = x + 2" in program.inner_text()
    cy_eval(page, "(cy, id) => { cy.getElementById(id).emit('tap'); }", f"n{add}")
    assert picker.input_value() == "1" and "def add_two" in program.inner_text()
    assert page.locator(".cm-hover-line").inner_text() == "    return t + 2"
    assert "helpers.py:5" in page.get_by_role("region", name="Inspector").inner_text()
    cy_eval(page, "(cy, id) => { cy.getElementById(id).emit('tap'); }", f"n{mul}")
    assert picker.input_value() == "0" and "y = x + 2" in program.inner_text()
    picker.select_option("1")  # the picker itself switches too
    assert "def add_two" in program.inner_text()


def test_the_notebook_iframe_draws_offline(offline, chain, tmp_path) -> None:  # type: ignore[no-untyped-def]
    host = tmp_path / "notebook.html"
    host.write_text("<!doctype html><html><body><h1>Out[1]:</h1>"
                    f"{notebook_html(chain, height=700)}</body></html>", encoding="utf-8")
    page = offline()
    page.goto(host.resolve().as_uri())
    frame = page.frame_locator("iframe[title='Gradtrace viewer']")
    frame.locator("#graph[aria-busy=false][data-draws='1']").wait_for(timeout=30_000)
    drawn = frame.get_by_role("region", name="Graph").get_attribute("data-node-count")
    assert drawn == str(len(chain["graph"]["nodes"]))
    box = page.locator("iframe").bounding_box()
    assert box is not None and box["height"] == pytest.approx(700, abs=4)


def test_export_html_downloads_the_same_viewer(page, server_url, offline, tmp_path) -> None:  # type: ignore[no-untyped-def]
    with page.expect_response(lambda r: r.url.endswith("/api/v1/trace")) as answer:
        open_program(page, server_url, CHAIN)
    wire = answer.value.json()
    with page.expect_download() as info:
        page.get_by_role("button", name="Export HTML").click()
    saved = tmp_path / "exported.html"
    info.value.save_as(saved)
    exported = saved.read_text(encoding="utf-8")
    # the same document standalone_html writes for this trace and the editor's program
    expected = standalone_html({**wire, "files": [{"path": "program.py", "source": CHAIN}]})
    head, tail = standalone_html(None).split(EMPTY_SLOT)
    assert exported.startswith(head + SLOT_OPEN) and exported.endswith(SLOT_CLOSE + tail)
    assert expected.startswith(head + SLOT_OPEN) and expected.endswith(SLOT_CLOSE + tail)

    def slot(doc: str) -> object:
        return json.loads(doc[len(head + SLOT_OPEN):len(doc) - len(SLOT_CLOSE + tail)])

    assert slot(exported) == slot(expected)
    viewer = offline()
    open_file(viewer, saved)
    assert node_count(viewer) == len(wire["graph"]["nodes"])
    assert "print(x.grad)" in viewer.get_by_role("textbox", name="Program").inner_text()
