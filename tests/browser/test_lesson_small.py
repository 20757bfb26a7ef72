"""The playground as a lesson: the small things a new user meets at once.

An editor whose lines are never cut at 1366 px, a theme toggle that is named, remembers its
choice and asks no server, gradients in the DOT export (saying which step they are from),
and a parameter labelled by its own name rather than by a loop variable that last held it.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import torch

from tests.browser.helpers import CHAIN, NUMBER, open_timed, read_text, torch_run

pytestmark = pytest.mark.browser

PROGRAMS = Path(__file__).resolve().parents[2] / "gradtrace" / "examples" / "programs"

LOOP_NAMES = """import torch
import torch.nn as nn
fc1 = nn.Linear(3, 4)
fc2 = nn.Linear(4, 1)
loss = fc2(torch.relu(fc1(torch.ones(2, 3)))).sum()
loss.backward()
for name, p in list(fc1.named_parameters()) + list(fc2.named_parameters()):
    print(name, p.grad.shape)
"""


def bg(page) -> list[int]:  # type: ignore[no-untyped-def]
    value = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    return [int(v) for v in value[value.index("(") + 1:value.index(")")].split(",")[:3]]


def test_the_editor_cuts_no_line_at_1366_px(  # type: ignore[no-untyped-def]
        page_factory, server_url) -> None:
    page = page_factory(viewport={"width": 1366, "height": 768})
    open_timed(page, server_url, (PROGRAMS / "13_maml_inner_outer.py").read_text(encoding="utf-8"))
    cut = page.evaluate("""() => {
      const scroller = document.querySelector('#editor .cm-scroller');
      const content = document.querySelector('#editor .cm-content');
      return [scroller.scrollWidth - scroller.clientWidth, content.getBoundingClientRect().right
              - scroller.getBoundingClientRect().right]; }""")
    assert cut[0] <= 1 and cut[1] <= 1, cut
    longest = max(len(line) for line in
                  (PROGRAMS / "13_maml_inner_outer.py").read_text(encoding="utf-8").splitlines())
    text = page.get_by_role("textbox", name="Program").inner_text()
    assert longest > 50 and any(len(line) == longest for line in text.splitlines())  # all there


def test_the_theme_toggle_is_named_remembered_and_offline(  # type: ignore[no-untyped-def]
        page_factory, server_url) -> None:
    page = page_factory(color_scheme="light")
    open_timed(page, server_url, CHAIN)
    toggle = page.get_by_role("button", name=re.compile(r"^Theme: "))
    assert toggle.inner_text() == "Theme: auto" and sum(bg(page)) > 600  # follows the light system
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    toggle.click()
    toggle.click()
    assert toggle.inner_text() == "Theme: dark" and sum(bg(page)) < 200
    assert requests == []  # switching asks nothing of the server
    page.reload()
    page.get_by_role("button", name="Theme: dark").wait_for()
    assert sum(bg(page)) < 200  # remembered across visits


def test_the_dot_export_carries_the_gradients_of_the_step_shown(  # type: ignore[no-untyped-def]
        page, server_url) -> None:
    trace, _ = open_timed(page, server_url, CHAIN)
    with page.expect_download() as info:
        page.get_by_role("button", name="Export DOT").click()
    dot = read_text(info.value.path())
    assert "the final gradients" in dot
    ns = torch_run(CHAIN)
    x = ns["x"]
    assert isinstance(x, torch.Tensor) and x.grad is not None
    labels = re.findall(r'n(\d+) -> n(\d+) \[label="([^"]+)"', dot)
    assert len(labels) == len(trace["graph"]["edges"])  # every edge carried a gradient
    nodes = {n["id"]: n for n in trace["graph"]["nodes"]}
    (into_x,) = [text for src, _, text in labels if nodes[int(src)]["label"] == "x"]
    assert float(NUMBER.findall(into_x)[0]) == pytest.approx(x.grad[0, 0].item())  # 4.5 each
    first = next(i for i, ev in enumerate(trace["events"], 1) if ev["phase"] == "backward")
    page.get_by_role("slider", name="Timeline").fill(str(first))
    with page.expect_download() as info:
        page.get_by_role("button", name="Export DOT").click()
    early = read_text(info.value.path())
    assert f"as of step {first} of {len(trace['events'])}" in early
    carried = [e for e in trace["events"][first - 1]["edges"] if e is not None]
    assert len(re.findall(r" -> n\d+ \[label=", early)) == len(carried)  # only what was sent
    drawn = subprocess.run(["dot", "-Tsvg"], input=dot, capture_output=True, text=True, check=False)
    assert drawn.returncode == 0 and "<svg" in drawn.stdout, drawn.stderr


def test_a_parameter_is_named_by_itself_not_by_a_loop_variable(  # type: ignore[no-untyped-def]
        page, server_url) -> None:
    trace, _ = open_timed(page, server_url, LOOP_NAMES)
    assert trace["ok"], trace["error"]
    ns = torch_run(LOOP_NAMES)
    expected = set()
    for owner in ("fc1", "fc2"):
        module = ns[owner]
        assert isinstance(module, torch.nn.Module)
        expected |= {f"{owner}.{name}" for name, _ in module.named_parameters()}
    labels = page.evaluate("() => document.getElementById('graph-canvas')._cyreg.cy.nodes()"
                           ".map((n) => String(n.data('label')).split('\\n')[0])")
    assert expected <= set(labels)
    assert "p" not in labels and "name" not in labels
    page.get_by_label("Find nodes").fill("fc2.bias")
    assert page.locator(".find-count").inner_text() == "1 match"
