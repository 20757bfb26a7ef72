"""Small graphs laid out on the main thread (quicklayout.js) keep what ELK's layout gave.

A graph of at most 40 nodes and saved tensors, none inside an open module box, is no longer
sent to the ELK worker; these tests check the drawing itself, read from Cytoscape: no two
nodes or closed boxes overlap, every edge runs downwards (an input above what consumes it),
each node lies inside the module box drawn around it, and a saved tensor sits right above the
node it is saved for. The programs: the chain rule (saved tensors, two parallel edges from y
into y * y), a small MLP (nodes in open module boxes: still ELK's, held to the same) and the
24-layer encoder's first view (24 closed boxes nested in two open ones, 1,827 nodes
represented). Also: the draw time the page reports is taken once that drawing is painted.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.helpers import CHAIN, MLP, cy_eval, open_program

pytestmark = pytest.mark.browser

ENCODER = (Path(__file__).resolve().parents[2] / "bench" / "programs" / "encoder.py").read_text()

# every drawn node's box (model coordinates, no selection overlay), its type and box
_DRAWING = """cy => ({
  nodes: cy.nodes().map((n) => {
    const b = n.boundingBox({ includeLabels: false, includeOverlays: false });
    const box = n.parent().nonempty() ? n.parent().id() : null;
    return { id: n.id(), type: n.data('type'), parent: box,
             x1: b.x1, y1: b.y1, x2: b.x2, y2: b.y2, y: n.position('y') }; }),
  edges: cy.edges().map((e) => ({ source: e.source().id(), target: e.target().id() })),
})"""


def _overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return a["x1"] < b["x2"] and b["x1"] < a["x2"] and a["y1"] < b["y2"] and b["y1"] < a["y2"]


def _check_drawing(drawing: dict[str, list[dict[str, object]]]) -> None:
    nodes = {n["id"]: n for n in drawing["nodes"]}
    solid = [n for n in nodes.values() if n["type"] != "group"]
    for i, a in enumerate(solid):
        for b in solid[i + 1:]:
            assert not _overlap(a, b), f"{a['id']} overlaps {b['id']}"  # type: ignore[arg-type]
    for e in drawing["edges"]:
        s, t = nodes[e["source"]], nodes[e["target"]]  # type: ignore[index]
        if "group" not in (s["type"], t["type"]):
            assert s["y"] < t["y"], f"edge {s['id']} -> {t['id']} runs upwards"  # type: ignore[operator]
    for n in nodes.values():
        box = nodes.get(n["parent"]) if n["parent"] else None  # type: ignore[arg-type]
        if box is not None:
            assert box["x1"] <= n["x1"] and n["x2"] <= box["x2"], f"{n['id']} outside {box['id']}"  # type: ignore[operator]
            assert box["y1"] <= n["y1"] and n["y2"] <= box["y2"], f"{n['id']} outside {box['id']}"  # type: ignore[operator]


@pytest.mark.parametrize(("code", "nodes"), [(CHAIN, 5), (MLP, None), (ENCODER, 1827)],
                         ids=["chain-rule", "mlp", "encoder24"])
def test_small_graph_drawing_keeps_nodes_apart_edges_down_boxes_around(
        page, server_url, code: str, nodes: int | None) -> None:  # type: ignore[no-untyped-def]
    graph = open_program(page, server_url, code)
    if nodes is not None:
        assert graph.get_attribute("data-node-count") == str(nodes)
    drawing = cy_eval(page, _DRAWING)
    assert len(drawing["nodes"]) >= 5
    _check_drawing(drawing)


def test_saved_tensors_sit_right_above_their_node(page, server_url) -> None:  # type: ignore[no-untyped-def]
    open_program(page, server_url, CHAIN)
    drawing = cy_eval(page, _DRAWING)
    nodes = {n["id"]: n for n in drawing["nodes"]}
    saved = [e for e in drawing["edges"] if nodes[e["source"]]["type"] == "saved"]
    assert len(saved) == 3  # y * y saves both factors, (y * y) * 3 saves the constant
    for e in saved:
        s, t = nodes[e["source"]], nodes[e["target"]]
        assert s["y2"] < t["y1"], f"{s['id']} is not above {t['id']}"
        # nothing drawn between the saved tensor and its node: they are in adjacent layers
        between = [n for n in nodes.values() if n["type"] != "group" and s["y2"] < n["y"] < t["y1"]]
        assert not between, f"{[n['id'] for n in between]} between {s['id']} and {t['id']}"


# Records, the moment `data-draws` moves on, whether the graph's canvas already holds any ink.
_INK_WATCH = """document.addEventListener('DOMContentLoaded', () => {
  const graph = document.getElementById('graph');
  window.inkAtDraw = [];
  new MutationObserver(() => {
    const inked = [...graph.querySelectorAll('canvas')].some((c) => {
      if (!c.width || !c.height) return false;
      const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      for (let i = 3; i < px.length; i += 4) if (px[i] !== 0) return true;
      return false;
    });
    window.inkAtDraw.push(inked);
  }).observe(graph, { attributes: true, attributeFilter: ['data-draws'] });
});"""


def test_draw_time_is_taken_once_the_picture_is_painted(page, server_url) -> None:  # type: ignore[no-untyped-def]
    """`data-draw-ms` means the final picture: when `data-draws` moves on (and the time is
    written), Cytoscape has already painted the graph onto its canvas."""
    page.add_init_script(_INK_WATCH)
    graph = open_program(page, server_url, CHAIN)
    assert int(graph.get_attribute("data-draw-ms") or "0") > 0
    assert page.evaluate("window.inkAtDraw") == [True]
