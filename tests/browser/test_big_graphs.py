"""Real models in the browser: time from Run to drawn (printed, not asserted), collapsed
module boxes opened from the keyboard, and the frame rate of playback on a 500-node graph.

Speed targets belong to the benchmarks; these tests assert that big traces complete, that
the page represents every node the API returned, and print the figures (`pytest -s`).
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import shot
from tests.browser.helpers import cy_eval, draws, grad_fn_count, open_timed, torch_run, wait_drawn

pytestmark = pytest.mark.browser

ENCODER = """import torch
import torch.nn as nn
torch.manual_seed(0)
layer = nn.TransformerEncoderLayer(d_model=64, nhead=4, dim_feedforward=128, dropout=0.0)
model = nn.TransformerEncoder(layer, num_layers=24, enable_nested_tensor=False)
x = torch.randn(8, 2, 64)
out = model(x)
loss = out.sum()
loss.backward()
"""

LSTM = """import torch
import torch.nn as nn
torch.manual_seed(0)
cell = nn.LSTMCell(16, 32)
x = torch.randn(50, 4, 16)
h = torch.zeros(4, 32)
c = torch.zeros(4, 32)
for t in range(50):
    h, c = cell(x[t], (h, c))
loss = h.pow(2).sum()
loss.backward()
"""

DEEP = """import torch
torch.manual_seed(0)
w = torch.randn(8, 8, requires_grad=True)
b = torch.zeros(8, requires_grad=True)
h = torch.randn(4, 8)
for i in range(166):
    h = torch.tanh(h @ w + b)
loss = h.sum()
loss.backward()
"""


def graph_counts(page) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    graph = page.get_by_role("region", name="Graph")
    nodes = int(graph.get_attribute("data-node-count"))
    return nodes, int(graph.get_attribute("data-visible-count"))


def report(name: str, page, trace: dict, wall: float) -> None:  # type: ignore[no-untyped-def,type-arg]
    graph = page.get_by_role("region", name="Graph")
    print(f"\n{name}: {len(trace['graph']['nodes'])} nodes, {len(trace['events'])} events;"
          f" Run -> drawn {graph.get_attribute('data-draw-ms')} ms (page),"
          f" {wall * 1000:.0f} ms wall (page load included);"
          f" {graph.get_attribute('data-visible-count')} elements on screen")


def test_24_layer_encoder_opens_collapsed_and_a_layer_opens_by_keyboard(page, server_url) -> None:  # type: ignore[no-untyped-def]
    trace, wall = open_timed(page, server_url, ENCODER)
    assert trace["ok"], trace["error"]
    ns = torch_run(ENCODER)
    assert len(trace["graph"]["nodes"]) == grad_fn_count(ns["loss"])  # type: ignore[arg-type]
    report("24-layer TransformerEncoder", page, trace, wall)
    nodes, visible = graph_counts(page)
    assert nodes == len(trace["graph"]["nodes"])
    assert visible < 60, "a large graph opens collapsed by module"
    shot(page, "encoder24-collapsed")

    canvas = page.get_by_role("application", name="Graph canvas")
    canvas.focus()
    announce = page.locator("#graph-announce")
    for _ in range(6):
        if "closed module" in announce.inner_text() and "layers." in announce.inner_text():
            break
        page.keyboard.press("ArrowDown")
    spoken = announce.inner_text()
    assert spoken.startswith("closed module"), spoken
    opened = spoken.removeprefix("closed module ").split(" · ", 1)[0]  # its full path
    before = draws(page)
    page.keyboard.press("Enter")
    wait_drawn(page, before)
    _, visible_after = graph_counts(page)
    assert opened.startswith("model.layers.")  # layers' boxes sit inside the model's box
    inside = sum(1 for n in trace["graph"]["nodes"]
                 if f"model.{n['module']}".startswith(f"{opened}."))
    assert visible_after > visible and inside > 0
    print(f"opened {opened} ({inside} nodes): re-laid out and drawn in"
          f" {page.get_by_role('region', name='Graph').get_attribute('data-draw-ms')} ms")
    assert page.get_by_role("region", name="Inspector").get_by_role(
        "button", name=f"Collapse {opened}").is_visible()
    shot(page, "encoder24-layer-open")


def test_unrolled_lstm_cell_shows_one_box_per_step(page, server_url) -> None:  # type: ignore[no-untyped-def]
    trace, wall = open_timed(page, server_url, LSTM)
    assert trace["ok"], trace["error"]
    ns = torch_run(LSTM)
    assert len(trace["graph"]["nodes"]) == grad_fn_count(ns["loss"])  # type: ignore[arg-type]
    report("LSTMCell unrolled 50 steps", page, trace, wall)
    nodes, visible = graph_counts(page)
    assert nodes == len(trace["graph"]["nodes"])
    assert visible < nodes
    boxes = cy_eval(page, "(cy) => cy.nodes('[type = \"collapsed\"]')"
                          ".map((n) => n.data('label').split('\\n')[0])")
    assert sorted(boxes) == sorted(f"▸ cell #{k} of 50" for k in range(1, 51))
    shot(page, "lstm50")


FRAME_PROBE = """(ms) => new Promise((resolve) => {
  const gaps = []; let last = null; const t0 = performance.now();
  const play = document.querySelector('[data-role=play]');
  play.click();
  const tick = (now) => {
    if (last !== null) gaps.push(now - last);
    last = now;
    if (now - t0 < ms) { requestAnimationFrame(tick); return; }
    play.click();
    const slider = document.querySelector('[aria-label=Timeline]');
    resolve({ gaps, step: Number(slider.getAttribute('aria-valuenow')) });
  };
  requestAnimationFrame(tick);
})"""


def test_playback_frame_rate_on_a_500_node_graph(page, server_url) -> None:  # type: ignore[no-untyped-def]
    trace, wall = open_timed(page, server_url, DEEP)
    assert trace["ok"], trace["error"]
    report("500-node chain", page, trace, wall)
    nodes, visible = graph_counts(page)
    assert nodes == len(trace["graph"]["nodes"]) >= 500 and visible == nodes
    slider = page.get_by_role("slider", name="Timeline")
    slider.focus()
    page.keyboard.press("Home")
    page.get_by_label("Speed").select_option("120")
    probe = page.evaluate(FRAME_PROBE, 2500)
    gaps = sorted(probe["gaps"])
    assert probe["step"] > 100 and len(gaps) > 10
    mean = sum(gaps) / len(gaps)
    p95 = gaps[int(0.95 * len(gaps))]
    print(f"\nplayback, 500-node graph at 120 events/s: {len(gaps)} frames, mean {mean:.1f} ms"
          f" ({1000 / mean:.0f} fps), p95 {p95:.1f} ms, worst {gaps[-1]:.1f} ms,"
          f" reached step {probe['step']}")
