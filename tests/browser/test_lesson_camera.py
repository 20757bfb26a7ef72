"""The playground as a lesson: the test hook and a camera that follows the story.

`window.gradtrace.view()` reports what a person sees (the visible graph area, every drawn
node's box and label size, every painted edge label, the nodes the step is about), so these
tests assert on the rendered page rather than on the model behind it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import shot
from tests.browser.helpers import CHAIN, open_program, open_timed

pytestmark = pytest.mark.browser

PROGRAMS = Path(__file__).resolve().parents[2] / "gradtrace" / "examples" / "programs"
ENCODER = (PROGRAMS / "25_transformer_encoder.py").read_text(encoding="utf-8")
SIZES = [(1366, 768), (1920, 1080)]


def view(page) -> dict:  # type: ignore[no-untyped-def,type-arg]
    """The drawn geometry once the graph is drawn and the camera has stopped."""
    page.evaluate("() => window.gradtrace.ready()")
    return page.evaluate("() => window.gradtrace.view()")  # type: ignore[no-any-return]


def inside(box: dict[str, float], area: dict[str, float], slack: float = 1.0) -> bool:
    return (box["x1"] >= area["x1"] - slack and box["y1"] >= area["y1"] - slack
            and box["x2"] <= area["x2"] + slack and box["y2"] <= area["y2"] + slack)


def go(page, step: int) -> dict:  # type: ignore[no-untyped-def,type-arg]
    page.get_by_role("slider", name="Timeline").fill(str(step))
    return view(page)


def test_the_hook_reports_what_is_drawn(page, server_url) -> None:  # type: ignore[no-untyped-def]
    trace, _ = open_timed(page, server_url, CHAIN)
    v = view(page)
    assert v["steps"] == len(trace["events"]) and v["step"] == v["steps"]
    canvas = page.get_by_role("application", name="Graph canvas").bounding_box()
    assert v["viewport"] == pytest.approx({"x1": canvas["x"], "y1": canvas["y"],
                                           "x2": canvas["x"] + canvas["width"],
                                           "y2": canvas["y"] + canvas["height"]}, abs=1)
    ids = {n["id"] for n in v["nodes"]}
    assert {f"n{n['id']}" for n in trace["graph"]["nodes"]} <= ids  # every node drawn
    assert all(n["font_px"] > 0 for n in v["nodes"])
    last = trace["events"][-1]
    assert v["active"] == [f"n{last['node']}"]
    texts = [lab["text"] for lab in v["labels"]]
    assert texts and all(t for t in texts)  # gradients labelled at the last step
    bar = page.locator(".graph-bar").bounding_box()
    legend = page.locator(".legend").bounding_box()
    assert bar["y"] + bar["height"] <= v["viewport"]["y1"] + 1  # the toolbar covers nothing
    assert legend["y"] >= v["viewport"]["y2"] - 1  # nor does the legend


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_the_camera_follows_backward_through_the_encoder(  # type: ignore[no-untyped-def]
        page_factory, server_url, width, height) -> None:
    page = page_factory(viewport={"width": width, "height": height})
    trace, _ = open_timed(page, server_url, ENCODER)
    events = trace["events"]
    first = next(i for i, ev in enumerate(events, 1) if ev["phase"] == "backward")
    steps = list(range(first, len(events) + 1, max(1, (len(events) - first) // 25)))
    steps += [first + 1, first + 2, first + 3, len(events)]  # consecutive steps too
    checked = 0
    for step in sorted(set(steps)):
        v = go(page, step)
        assert v["step"] == step
        boxes = {n["id"]: n["box"] for n in v["nodes"]}
        for active in v["active"]:
            assert active in boxes, (step, active)
            assert inside(boxes[active], v["viewport"]), (step, active, v["viewport"])
            checked += 1
    assert checked >= 20


GALLERY = ["13_maml_inner_outer.py", "25_transformer_encoder.py", "26_lstm_cell_unrolled.py",
           "24_training_step.py"]


@pytest.mark.parametrize("name", GALLERY)
@pytest.mark.parametrize(("width", "height"), SIZES)
def test_every_sampled_step_of_play_is_in_view(  # type: ignore[no-untyped-def]
        page_factory, server_url, name, width, height) -> None:
    page = page_factory(viewport={"width": width, "height": height})
    trace, _ = open_timed(page, server_url, (PROGRAMS / name).read_text(encoding="utf-8"))
    total = len(trace["events"])
    for step in sorted({1, 2, 3, total, *range(1, total + 1, max(1, total // 12))}):
        v = go(page, step)
        boxes = {n["id"]: n["box"] for n in v["nodes"]}
        for active in v["active"]:
            assert inside(boxes[active], v["viewport"]), (name, step, active)
    shot(page, f"lesson-{Path(name).stem}-{width}")


def test_the_readers_own_view_is_kept_while_the_step_stays_visible(page, server_url) -> None:  # type: ignore[no-untyped-def]
    open_program(page, server_url, CHAIN)
    page.get_by_role("button", name="Zoom out").click()
    before = view(page)
    page.get_by_role("button", name="Step back").click()
    after = view(page)
    def centres(v: dict) -> list[float]:  # type: ignore[type-arg]
        # the active node's border is thicker, so compare centres, not boxes
        return [c for n in v["nodes"] for c in ((n["box"]["x1"] + n["box"]["x2"]) / 2,
                                                (n["box"]["y1"] + n["box"]["y2"]) / 2)]

    assert centres(after) == pytest.approx(centres(before), abs=0.01)


SETTLE = """async (step) => {
  const slider = document.querySelector('[aria-label=Timeline]');
  slider.value = String(step);
  slider.dispatchEvent(new Event('input'));
  const now = window.gradtrace.view();
  await window.gradtrace.ready();
  return [now, window.gradtrace.view()];
}"""


@pytest.mark.parametrize("motion", ["reduce", "no-preference"])
def test_the_pan_is_animated_unless_reduced_motion_is_asked(  # type: ignore[no-untyped-def]
        page_factory, server_url, motion) -> None:
    page = page_factory(viewport={"width": 1366, "height": 768}, reduced_motion=motion)
    trace, _ = open_timed(page, server_url, ENCODER)
    before = view(page)
    first = next(i for i, ev in enumerate(trace["events"], 1) if ev["phase"] == "backward")
    now, settled = page.evaluate(SETTLE, first)

    def centres(v: dict) -> list[float]:  # type: ignore[type-arg]
        return [c for n in v["nodes"] for c in ((n["box"]["x1"] + n["box"]["x2"]) / 2,
                                                (n["box"]["y1"] + n["box"]["y2"]) / 2)]

    assert centres(settled) != pytest.approx(centres(before), abs=1)  # the loss was off screen
    if motion == "reduce":
        assert centres(now) == pytest.approx(centres(settled), abs=0.01)  # there at once
    else:
        assert centres(now) != pytest.approx(centres(settled), abs=1)  # still on its way
