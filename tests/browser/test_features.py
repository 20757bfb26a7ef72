"""Playground features in a real browser: exports, editor <-> graph links, the heat-map,
the dark theme, ?example= links and accessible names. PyTorch (or the API's own trace,
for what only the trace knows, like source lines) is the oracle.
"""

from __future__ import annotations

import json
import re
import struct
import subprocess
from collections import Counter
from pathlib import Path

import httpx
import pytest
import torch

from tests.browser.conftest import shot
from tests.browser.helpers import (
    CHAIN,
    NUMBER,
    apart,
    cy_eval,
    draws,
    grad_fn_count,
    leaf_grad_numbers,
    leaves_with_grad,
    open_timed,
    read_text,
    torch_run,
    wait_drawn,
)
from tests.tracing.test_module_calls import TWICE_AND_LOOPED, plain_module_calls

pytestmark = pytest.mark.browser

BIG = """import torch
torch.manual_seed(0)
w = torch.randn(16, 24, requires_grad=True)
loss = (w * w).sum()
loss.backward()
"""

HEAT_NAME = "heat-map of 16\u00d724 values, blue negative, red positive"
RENDERED = """(cy, id) => { const p = cy.getElementById(id).renderedPosition();
  const r = cy.container().getBoundingClientRect(); return [r.left + p.x, r.top + p.y]; }"""


def test_png_and_json_exports(page, server_url) -> None:  # type: ignore[no-untyped-def]
    trace, _ = open_timed(page, server_url, CHAIN)
    with page.expect_download() as info:
        page.get_by_role("button", name="Export PNG").click()
    data = Path(str(info.value.path())).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    assert width > 100 and height > 100
    with page.expect_download() as info:
        page.get_by_role("button", name="Export JSON").click()
    exported = json.loads(read_text(info.value.path()))
    assert exported == trace


def test_clicking_an_editor_line_selects_its_nodes(page, server_url) -> None:  # type: ignore[no-untyped-def]
    trace, _ = open_timed(page, server_url, CHAIN)
    on_line = sorted(f"n{n['id']}" for n in trace["graph"]["nodes"] if n["line"] == 4)
    assert len(on_line) == 2  # y * y and (y * y) * 3
    page.get_by_role("textbox", name="Program").locator(".cm-line").nth(3).click()
    marked = cy_eval(page, "(cy) => cy.nodes('.highlight').map((n) => n.id()).sort()")
    assert marked == on_line
    inspector = page.get_by_role("region", name="Inspector")
    assert "MulBackward0" in inspector.inner_text() and "z" in inspector.locator("h3").inner_text()


def test_hovering_a_node_marks_its_line(page, server_url) -> None:  # type: ignore[no-untyped-def]
    trace, _ = open_timed(page, server_url, CHAIN)
    node = next(n for n in trace["graph"]["nodes"] if n["op"] == "AddBackward0")
    x, y = cy_eval(page, RENDERED, f"n{node['id']}")
    page.mouse.move(x, y)
    mark = page.locator(".cm-hover-line")
    mark.wait_for()
    assert mark.inner_text() == CHAIN.splitlines()[node["line"] - 1] == "y = x + 2"
    page.mouse.move(5, 790)
    mark.wait_for(state="detached")


def test_large_tensor_shows_stats_and_heat_map(page, server_url) -> None:  # type: ignore[no-untyped-def]
    trace, _ = open_timed(page, server_url, BIG)
    w = torch_run(BIG)["w"]
    leaf = next(n for n in trace["graph"]["nodes"] if n["label"] == "w")
    x, y = cy_eval(page, RENDERED, f"n{leaf['id']}")
    page.mouse.click(x, y)
    inspector = page.get_by_role("region", name="Inspector")
    # The server summarises tensors over 64 values; the inspector fetches them on demand.
    inspector.get_by_role("button", name="Load values for a heat-map").first.click()
    heat = inspector.get_by_role("img", name=HEAT_NAME).first
    heat.wait_for()
    painted = heat.evaluate(
        "(c) => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
        " let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n += 1;"
        " return n / (d.length / 4); }")
    assert painted > 0.9  # randn has no exact zeros: every cell is coloured
    text = inspector.inner_text()
    assert f"min={w.min().item():.4g}" in text and f"max={w.max().item():.4g}" in text
    shot(page, "heatmap")


def test_each_call_of_a_module_gets_its_own_box(page, server_url) -> None:  # type: ignore[no-untyped-def]
    trace, _ = open_timed(page, server_url, TWICE_AND_LOOPED)
    labels = cy_eval(page, "(cy) => cy.nodes('[type = \"group\"], [type = \"collapsed\"]')"
                           ".map((n) => n.data('label').split('\\n')[0])")
    repeats = {m.groups() for m in map(re.compile(r"(\w+) #(\d+) of (\d+)$").search, labels) if m}
    made = Counter(call["key"][0] for call in plain_module_calls(TWICE_AND_LOOPED))
    assert made == {"cell": 3, "lin": 3, "block": 1}
    assert repeats == {(name, str(i), str(k)) for name, k in made.items() if k > 1
                       for i in range(1, k + 1)}
    assert any(label.endswith(" block") for label in labels)  # ran once: one box, no '#'
    fourth = next(n for n in trace["graph"]["nodes"] if n["module_call"] is not None
                  and trace["module_calls"][n["module_call"]] == {"module": "cell", "n": 4,
                                                                   "parent": None})
    page.get_by_role("button", name="Fit").click()  # the graph is taller than the canvas
    x, y = cy_eval(page, RENDERED, f"n{fourth['id']}")
    page.mouse.click(x, y)
    assert "cell (call 4)" in page.get_by_role("region", name="Inspector").inner_text()
    shot(page, "module-calls")
    with page.expect_download() as info:
        page.get_by_role("button", name="Export DOT").click()
    clusters = re.findall(r'label="([^"]+)"; style=dashed', read_text(info.value.path()))
    assert {f"cell #{i}" for i in (1, 2, 3)} <= set(clusters)
    assert {f"lin #{i}" for i in (1, 2, 3)} <= set(clusters)  # named as named_modules() does


NESTED = """import torch
import torch.nn as nn
torch.manual_seed(0)
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Linear(4, 8), nn.ReLU())
        self.head = nn.Linear(8, 2)
    def forward(self, x):
        return self.head(self.features(x)).tanh()
net = Net()
x = torch.randn(3, 4)
net(x).sum().backward()
"""
PARENTS = """(cy) => Object.fromEntries(cy.nodes().map((n) => [n.id(), n.parent().id() ?? null]))"""


def test_module_boxes_nest_as_the_model_holds_its_layers(page, server_url) -> None:  # type: ignore[no-untyped-def]
    trace, _ = open_timed(page, server_url, NESTED)
    net = torch_run(NESTED)["net"]
    assert isinstance(net, torch.nn.Module)
    parents = cy_eval(page, PARENTS)
    for name, _ in net.named_modules():  # PyTorch's own tree is the oracle
        if name:
            outer = name.rpartition(".")[0]
            assert parents[f"g:net.{name}"] == (f"g:net.{outer}" if outer else "g:net"), name
    assert parents["g:net"] in ("", None)
    titles = cy_eval(page, "(cy) => Object.fromEntries(cy.nodes('[type = \"group\"]')"
                           ".map((n) => [n.id(), n.data('label')]))")
    assert titles["g:net.head"] == "▾ head"  # named within the box around it
    assert titles["g:net.features.0"] == "▾ features.0"  # not a bare "0"
    by_label = {n["label"]: n for n in trace["graph"]["nodes"] if n["kind"] == "leaf"}
    for name, _ in net.named_parameters():  # every parameter sits in its own layer's box
        assert parents[f"n{by_label[name]['id']}"] == f"g:net.{name.rpartition('.')[0]}", name
    with page.expect_download() as info:
        page.get_by_role("button", name="Export DOT").click()
    dot = read_text(info.value.path())
    depth = {label: len(indent) for indent, label in
             re.findall(r'\n( *)label="([^"]+)"; style=dashed', dot)}
    assert depth["features"] == depth["head"] == depth["net"] + 2
    assert depth["features.0"] == depth["features.1"] == depth["features"] + 2
    drawn = subprocess.run(["dot", "-Tsvg"], input=dot, capture_output=True, text=True, check=False)
    assert drawn.returncode == 0 and "<svg" in drawn.stdout, drawn.stderr  # Graphviz reads it


def test_a_module_box_lists_its_parameters_grads(page, server_url) -> None:  # type: ignore[no-untyped-def]
    open_timed(page, server_url, NESTED)
    net = torch_run(NESTED)["net"]
    assert isinstance(net, torch.nn.Module)
    inspector = page.get_by_role("region", name="Inspector")
    for module in ("head", "features", ""):
        box = f"net.{module}" if module else "net"
        cy_eval(page, "(cy, id) => { cy.getElementById(id).emit('tap'); }", f"g:{box}")
        listed = inspector.get_by_role("list", name=f"Parameters in {box}").locator("li")
        shown = {line.split(".grad = ")[0]: line.split(".grad = ")[1]
                 for line in listed.all_inner_texts()}
        expected = dict(net.get_submodule(module).named_parameters(prefix=module))
        assert set(shown) == set(expected), box  # PyTorch's own parameters of that module
    bias = [float(v) for v in NUMBER.findall(shown["head.bias"])]
    assert bias == pytest.approx(net.head.bias.grad.tolist(), rel=1e-3, abs=1e-6)


ENCODER2 = """import torch
import torch.nn as nn
torch.manual_seed(0)
layer = nn.TransformerEncoderLayer(d_model=16, nhead=2, dim_feedforward=32, dropout=0.0,
                                   batch_first=True)
model = nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False)
loss = model(torch.randn(1, 4, 16)).pow(2).mean()
loss.backward()
"""
CLOSED = "(cy) => cy.nodes('[type = \"collapsed\"]').length"


def test_expand_all_opens_every_box_inside_a_module(page, server_url) -> None:  # type: ignore[no-untyped-def]
    trace, _ = open_timed(page, server_url, ENCODER2)
    assert cy_eval(page, CLOSED) > 0, "the case under test: the encoder opens collapsed"
    cy_eval(page, "(cy) => { cy.getElementById('g:model').emit('tap'); }")
    before = draws(page)
    page.get_by_role("button", name="Expand all inside model").click()
    wait_drawn(page, before)
    assert cy_eval(page, CLOSED) == 0
    drawn = cy_eval(page, "(cy) => cy.nodes().filter((n) => /^n\\d+$/.test(n.id()))"
                          ".map((n) => n.id())")
    loss = torch_run(ENCODER2)["loss"]
    assert isinstance(loss, torch.Tensor)
    assert len(drawn) == len(trace["graph"]["nodes"]) == grad_fn_count(loss)  # every node shown


@pytest.mark.parametrize("width", [1280, 1024])
def test_the_legend_never_covers_the_graph_controls(page_factory, server_url, width) -> None:  # type: ignore[no-untyped-def]
    page = page_factory(viewport={"width": width, "height": 700})
    open_timed(page, server_url, CHAIN)
    boxes = {"legend": page.locator(".legend").bounding_box()}
    for name in ("Fit", "Zoom in", "Zoom out", "Previous match", "Next match"):
        boxes[name] = page.get_by_role("button", name=name, exact=True).bounding_box()
    boxes["Find nodes"] = page.get_by_role("searchbox", name="Find nodes").bounding_box()
    for name, box in boxes.items():
        assert box is not None and box["width"] > 0, name
        for other, against in boxes.items():
            assert other == name or apart(box, against), f"{name} overlaps {other} at {width} px"


def test_dark_theme_follows_the_system(page_factory, server_url) -> None:  # type: ignore[no-untyped-def]
    page = page_factory(color_scheme="dark")
    open_timed(page, server_url, CHAIN)
    bg = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    rgb = [int(v) for v in bg[bg.index("(") + 1:bg.index(")")].split(",")[:3]]
    assert sum(rgb) / 3 < 60, bg
    leaf_fill = cy_eval(page, "(cy) => cy.nodes('.leaf').first().style('background-color')")
    css_leaf = page.evaluate(
        "() => getComputedStyle(document.documentElement).getPropertyValue('--leaf').trim()")
    assert css_leaf == "#7fb8cc" and leaf_fill == "rgb(127,184,204)"
    shot(page, "dark")


def test_example_link_opens_and_runs_the_example(page, server_url) -> None:  # type: ignore[no-untyped-def]
    examples = httpx.get(f"{server_url}/api/v1/examples").json()["examples"]
    chosen = next(e for e in examples if e["id"] == "retain-graph-accumulation")
    with page.expect_response(lambda r: r.url.endswith("/api/v1/trace")):
        page.goto(f"{server_url}/?example={chosen['id']}")
    page.wait_for_function("() => { const g = document.getElementById('graph');"
                           " return g.getAttribute('aria-busy') === 'false'"
                           " && Number(g.dataset.draws || 0) > 0; }")
    assert page.get_by_label("Examples").input_value() == chosen["id"]
    assert page.locator("#example-explanation").inner_text() == chosen["explanation"]
    ns = torch_run(chosen["code"])
    leaves = leaves_with_grad(ns)
    assert leaves
    for name, leaf in leaves.items():
        expected = leaf.grad.flatten().tolist()  # type: ignore[union-attr]
        assert leaf_grad_numbers(page, name) == pytest.approx(expected, rel=1e-3)


CONTROLS = ("button, select, input:not([type=hidden]), [role=slider], [role=application],"
            " [role=textbox], canvas[role]")
NAMES = """(sel) => [...document.querySelectorAll(sel)]
  .filter((el) => !el.closest('[hidden]')).map((el) => {
  const by = el.getAttribute('aria-labelledby');
  const label = el.getAttribute('aria-label') || (by && document.getElementById(by)?.textContent)
    || (el.id && document.querySelector(`label[for="${el.id}"]`)?.textContent)
    || el.closest('label')?.textContent || (el.tagName === 'BUTTON' ? el.textContent : '');
  return [el.outerHTML.slice(0, 80), (label || '').trim()]; })"""


def test_every_control_is_named_and_the_graph_is_keyboard_operable(page, server_url) -> None:  # type: ignore[no-untyped-def]
    trace, _ = open_timed(page, server_url, CHAIN)
    controls = page.evaluate(NAMES, CONTROLS)
    unnamed = [html for html, name in controls if not name]
    assert len(controls) > 15 and unnamed == []
    page.get_by_role("textbox", name="Program").click()
    page.keyboard.press("Escape")  # CodeMirror keeps Tab for indentation until Escape
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.id") == "graph-canvas":
            break
    assert page.evaluate("() => document.activeElement.id") == "graph-canvas"
    announce = page.locator("#graph-announce")
    spoken = {announce.inner_text()}
    for key in ["ArrowDown"] * 6 + ["End", "Home"]:
        page.keyboard.press(key)
        spoken.add(announce.inner_text())
    ops = {n["op"] for n in trace["graph"]["nodes"] if n["kind"] == "op"}
    assert any(op in s for s in spoken for op in ops)
    assert any(s.startswith("leaf x") for s in spoken)
    heading = page.get_by_role("region", name="Inspector").locator("h3").inner_text()
    assert heading  # the node under the keyboard cursor is inspected
