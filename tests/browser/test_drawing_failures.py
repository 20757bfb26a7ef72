"""A layout that fails, is superseded or has nothing to draw (drawing.js, layout.js, paint.js).

Why: the list panels (Gradients, Problems, Gradient flow) get a new trace only once its graph
is painted, so a failed layout used to leave them on the previous trace's rows; a superseded
layout's failure used to put "Layout failed" over the newer run; an exception in the quick
layout left the page busy for good; and an empty graph (a refused program) used to wait out
the 1 s paint timer because Cytoscape drew no frame. The layout worker's failures are staged
by serving a stand-in worker (page.route) that speaks the real one's protocol; PyTorch names
the parameters the Gradients panel must list.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.browser.helpers import CHAIN, MLP, draws, open_program, torch_run, wait_drawn

pytestmark = pytest.mark.browser

# another program the worker lays out (open module boxes), with a third layer (4.weight)
WIDE = MLP.replace("nn.Linear(4, 1))", "nn.Linear(4, 2), nn.Tanh(), nn.Linear(2, 1))")
REFUSED = "import os\nprint(os.getcwd())\n"

# A stand-in for layout.worker.js. MODE 'fail': every request is answered with an error.
# MODE 'hold': the first request is held, and answered with an error only when the next one
# arrives (so the failure belongs to a superseded run); the others get a grid layout.
_WORKER = """const MODE = '%s';
let held = null;
const grid = (graph) => Object.fromEntries(graph.nodes.map((n, i) =>
  [n.id, { x: (i %% 8) * 220, y: Math.floor(i / 8) * 160 }]));
onmessage = (e) => {
  const { id, graph } = e.data;
  if (held !== null) postMessage({ id: held, type: 'error', message: 'stand-in worker failed' });
  if (MODE === 'hold' && held === null && id === 1) { held = id; return; }
  held = null;
  if (MODE === 'fail') postMessage({ id, type: 'error', message: 'stand-in worker failed' });
  else postMessage({ id, type: 'done', positions: grid(graph), bends: {}, ms: 1 });
};
"""
_THROWING_QUICK = """export const QUICK_LIMIT = 40;
export function quickFits() { return true; }
export function quickLayout() { throw new Error('quick layout bug'); }
"""


def _stand_in_worker(page, mode: str) -> None:  # type: ignore[no-untyped-def]
    page.route("**/js/layout.worker.js", lambda r: r.fulfill(
        status=200, content_type="text/javascript", body=_WORKER % mode))


def _type_and_run(page, code: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("textbox", name="Program").click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(code)
    page.keyboard.press("Control+Enter")


def _gradient_names(page) -> list[str]:  # type: ignore[no-untyped-def]
    return page.locator('#gradients [data-role="list"] code').all_inner_texts()  # type: ignore[no-any-return]


def _parameter_names(code: str, owner: str) -> list[str]:
    module = torch_run(code)[owner]
    return [f"{name}.grad" for name, _ in module.named_parameters()]  # type: ignore[attr-defined]


def test_a_failed_layout_still_gives_the_list_panels_the_new_trace(page, server_url) -> None:  # type: ignore[no-untyped-def]
    _stand_in_worker(page, "fail")
    open_program(page, server_url, CHAIN)  # 5 nodes, no boxes: laid out without the worker
    assert _gradient_names(page) == ["x.grad"]
    _type_and_run(page, MLP)
    alert = page.get_by_role("alert")
    alert.get_by_text("Layout failed").wait_for()
    assert "stand-in worker failed" in alert.inner_text()
    page.wait_for_function("document.getElementById('graph').getAttribute('aria-busy') === 'false'")
    names = _gradient_names(page)
    assert sorted(names) == sorted(_parameter_names(MLP, "model")), names
    assert "x.grad" not in names
    # Gradient flow lists the model's modules now (the chain rule has none)
    assert page.locator("#gradflow tbody tr").count() >= 1


def test_a_superseded_layouts_failure_is_not_reported(page, server_url) -> None:  # type: ignore[no-untyped-def]
    _stand_in_worker(page, "hold")
    page.goto(f"{server_url}/?code={quote(MLP)}")
    # the first run's layout request is with the worker once its trace is reported
    page.wait_for_function("document.getElementById('status').textContent.startsWith('Traced in')")
    _type_and_run(page, WIDE)  # its request makes the worker fail the first one
    wait_drawn(page, 0)
    assert page.locator("#error").is_hidden(), page.locator("#error").inner_text()
    assert "failed" not in page.locator("#status").inner_text()
    assert sorted(_gradient_names(page)) == sorted(_parameter_names(WIDE, "model"))


def test_an_exception_in_the_quick_layout_falls_back_to_the_worker(page, server_url) -> None:  # type: ignore[no-untyped-def]
    page.route("**/js/quicklayout.js", lambda r: r.fulfill(
        status=200, content_type="text/javascript", body=_THROWING_QUICK))
    graph = open_program(page, server_url, CHAIN)
    assert graph.get_attribute("data-node-count") == "5"
    assert int(graph.get_attribute("data-visible-count")) >= 5
    assert page.locator("#error").is_hidden()
    assert _gradient_names(page) == ["x.grad"]


def test_a_refused_program_on_a_fresh_page_needs_no_frame(page, server_url) -> None:  # type: ignore[no-untyped-def]
    graph = open_program(page, server_url, REFUSED)
    assert graph.get_attribute("data-node-count") == "0"
    # nothing to paint: painted() resolved at once, not through its 1 s fallback timer
    assert graph.get_attribute("data-painted") == "empty"
    assert "PolicyError" in page.get_by_role("alert").inner_text()


def test_a_refused_program_after_a_good_one_replaces_it_at_once(page, server_url) -> None:  # type: ignore[no-untyped-def]
    graph = open_program(page, server_url, CHAIN)
    assert graph.get_attribute("data-painted") == "frame"  # a real picture waits for its frame
    before = draws(page)
    _type_and_run(page, REFUSED)
    wait_drawn(page, before)
    assert graph.get_attribute("data-node-count") == "0"
    assert graph.get_attribute("data-painted") == "empty"
    text = page.get_by_role("alert").inner_text()
    assert "PolicyError" in text and "os" in text
    assert _gradient_names(page) == []
