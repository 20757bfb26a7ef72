"""The playground as a lesson: readable at any size.

At the default view no edge label overlaps another label or a node, node labels are at
least MIN_FONT_PX (10 px, gradtrace/static/js/camera.js) high before and after Fit, and
nothing (toolbar, legend) covers the graph. Geometry comes from window.gradtrace.view().
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.helpers import open_timed

pytestmark = pytest.mark.browser

PROGRAMS = Path(__file__).resolve().parents[2] / "gradtrace" / "examples" / "programs"
EXAMPLES = ["13_maml_inner_outer.py", "25_transformer_encoder.py", "26_lstm_cell_unrolled.py",
            "24_training_step.py"]
SIZES = [(1366, 768), (1920, 1080)]
MIN_FONT_PX = 10


def view(page) -> dict:  # type: ignore[no-untyped-def,type-arg]
    page.evaluate("() => window.gradtrace.ready()")
    return page.evaluate("() => window.gradtrace.view()")  # type: ignore[no-any-return]


def overlap(a: dict[str, float], b: dict[str, float], slack: float = 0.5) -> bool:
    return (a["x1"] + slack < b["x2"] and b["x1"] + slack < a["x2"]
            and a["y1"] + slack < b["y2"] and b["y1"] + slack < a["y2"])


def collisions(v: dict) -> list[str]:  # type: ignore[type-arg]
    """Every pair label/label or label/node (not an open module box) that overlaps."""
    found = []
    labels = v["labels"]
    solid = [n for n in v["nodes"] if n["type"] != "group"]
    for i, a in enumerate(labels):
        found += [f"{a['text']} / {b['text']}" for b in labels[i + 1:]
                  if overlap(a["box"], b["box"])]
        found += [f"{a['text']} on {n['id']}" for n in solid if overlap(a["box"], n["box"])]
    return found


@pytest.mark.parametrize("name", EXAMPLES)
@pytest.mark.parametrize(("width", "height"), SIZES)
def test_no_label_covers_another_or_a_node(  # type: ignore[no-untyped-def]
        page_factory, server_url, name, width, height) -> None:
    page = page_factory(viewport={"width": width, "height": height})
    trace, _ = open_timed(page, server_url, (PROGRAMS / name).read_text(encoding="utf-8"))
    assert trace["ok"], trace["error"]
    v = view(page)
    assert v["labels"], "the default view (the last step) shows gradients on edges"
    assert collisions(v) == []
    shown = [n for n in v["nodes"] if n["type"] != "group"]
    assert min(n["font_px"] for n in shown) >= MIN_FONT_PX
    bar = page.locator(".graph-bar").bounding_box()
    legend = page.locator(".legend").bounding_box()  # the toolbar and legend lie outside it
    assert bar["y"] + bar["height"] <= v["viewport"]["y1"] + 1
    assert legend["y"] >= v["viewport"]["y2"] - 1
    page.get_by_role("button", name="Fit").click()
    after = view(page)
    assert min(n["font_px"] for n in after["nodes"] if n["type"] != "group") >= MIN_FONT_PX
    assert collisions(after) == []


def test_a_shortened_label_shows_its_whole_value_when_its_node_is_selected(  # type: ignore[no-untyped-def]
        page_factory, server_url) -> None:
    page = page_factory(viewport={"width": 1366, "height": 768})
    open_timed(page, server_url, (PROGRAMS / "13_maml_inner_outer.py").read_text(encoding="utf-8"))
    v = view(page)
    cut = [lab for lab in v["labels"] if lab["text"] != lab["full"]]
    if not cut:
        pytest.skip("every label fits whole at this size")
    edge = cut[0]["edge"]
    cy = "document.getElementById('graph-canvas')._cyreg.cy"
    node = page.evaluate(f"(id) => {cy}.getElementById(id).target().id()", edge)
    page.evaluate(f"(id) => {cy}.getElementById(id).emit('tap')", node)
    after = view(page)
    (shown,) = [lab for lab in after["labels"] if lab["edge"] == edge]
    assert shown["text"] == cut[0]["full"]


PLACER = """async () => {
  const { LabelPlacer, shorter } = await import('/static/js/labelplace.js');
  const overlap = (a, b) => a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;
  // two nodes 30 px apart, one above the other: room for one short label between them
  const nodes = [{ x1: 0, y1: 0, x2: 200, y2: 40 }, { x1: 0, y1: 70, x2: 200, y2: 110 }];
  const placer = new LabelPlacer(nodes);
  const dir = { x: 0, y: 1 };
  const mid = { x: 100, y: 55 };
  const first = placer.place('a', '[0.3643, 0.6475]', mid, dir);
  const second = placer.place('b', '[0.344, 0.0405]', mid, dir);
  const boxes = [...placer.labels.values()];
  const clear = boxes.every((b) => nodes.every((n) => !overlap(b, n)))
    && !(boxes.length === 2 && overlap(boxes[0], boxes[1]));
  return { first, second, clear, forms: shorter('0.25 each, \\u00d74 elements') };
}"""


def test_a_label_without_room_is_shortened_never_stacked(  # type: ignore[no-untyped-def]
        page, server_url) -> None:
    page.goto(f"{server_url}/?code=import%20torch")
    got = page.evaluate(PLACER)
    assert got["first"]["text"] == "[0.3643, 0.6475]"  # the first fits whole
    assert got["second"]["text"] != "[0.344, 0.0405]"  # the second cannot: shortened or left off
    assert got["clear"]
    assert got["forms"][:2] == ["0.25 each, \u00d74 elements", "0.25 each"]
