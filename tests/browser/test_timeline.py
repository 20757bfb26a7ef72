"""The timeline's chapters ("Jump to") and the program's own writes into ``.grad``.

PyTorch is the oracle: the program is run plainly up to a line, and the Gradients panel must
show the ``.grad`` PyTorch had there.
"""

from __future__ import annotations

import contextlib
import io
import re

import httpx
import pytest
import torch

from tests.browser.helpers import (
    NUMBER,
    cy_eval,
    leaf_grad_numbers,
    open_timed,
    torch_run,
    wait_drawn,
)
from tests.programs import ACCUMULATE_THEN_ZERO as ACCUMULATE
from tests.programs import ZERO_LINE

pytestmark = pytest.mark.browser


def _grad_after(line: int) -> list[float]:
    """x.grad in plain PyTorch after the program's first `line` lines."""
    ns = torch_run("\n".join(ACCUMULATE.splitlines()[:line]))
    x = ns["x"]
    assert isinstance(x, torch.Tensor) and x.grad is not None
    return [float(v) for v in x.grad]


def _caption(page) -> str:  # type: ignore[no-untyped-def]
    return str(page.locator("[data-role=caption]").inner_text())


TIMES = "\N{MULTIPLICATION SIGN}"  # "1 x2" is how a caption writes a tensor of two ones


def _numbers(caption: str) -> list[float]:
    """The numbers of a caption, a repeated value counted as often as it stands for."""
    spelled = re.sub(rf"(?P<v>{NUMBER.pattern}) {TIMES}(?P<n>\d+)",
                     lambda m: " ".join([m["v"]] * int(m["n"])), caption)
    return [float(v) for v in NUMBER.findall(spelled)]


def _shown(page) -> list[float]:  # type: ignore[no-untyped-def]
    numbers = leaf_grad_numbers(page, "x")
    assert numbers is not None
    return numbers


def test_jump_to_each_chapter_and_see_the_zeroed_grad(page, server_url) -> None:  # type: ignore[no-untyped-def]
    trace, _ = open_timed(page, server_url, ACCUMULATE)
    assert trace["ok"], trace["error"]
    jump = page.get_by_label("Jump to")
    chapters = jump.locator("option").all_inner_texts()
    assert chapters[0].startswith("Start") and chapters[1].startswith("Forward")
    assert [c.split(",")[0] for c in chapters[2:]] == [
        "backward() #1", "backward() #2", "x.grad.zero_()", "backward() #3"]
    assert chapters[4] == f"x.grad.zero_(), line {ZERO_LINE}"
    assert _shown(page) == pytest.approx(_grad_after(len(ACCUMULATE.splitlines())))

    jump.select_option(label=chapters[4])
    assert f"line {ZERO_LINE}: x.grad.zero_() →" in _caption(page)
    zeroed = _grad_after(ZERO_LINE)
    assert zeroed == [0.0, 0.0] and _shown(page) == pytest.approx(zeroed)
    marked = page.get_by_role("region", name="Gradients").locator("li.now")
    assert marked.inner_text().startswith("x.grad")  # the row the step is about
    page.get_by_role("button", name="Step back").click()
    assert _shown(page) == pytest.approx(_grad_after(ZERO_LINE - 1))  # accumulated twice
    second_call = jump.locator("option", has_text="backward() #2")
    assert jump.input_value() == second_call.get_attribute("value")  # the chapter it is in

    jump.select_option(label=chapters[5])
    slider = page.get_by_role("slider", name="Timeline")
    assert slider.get_attribute("aria-valuenow") == jump.input_value()
    assert "backward() #3 (line 8)" in _caption(page)
    assert _shown(page) == pytest.approx(zeroed)  # the call has not reached x yet
    assert marked.count() == 0
    jump.select_option(label=chapters[0])
    assert slider.get_attribute("aria-valuenow") == "0"
    assert "before the program ran" in _caption(page)


def test_a_shared_link_opens_at_the_same_step_and_node(page, server_url) -> None:  # type: ignore[no-untyped-def]
    trace, _ = open_timed(page, server_url, ACCUMULATE)
    (x,) = [n["id"] for n in trace["graph"]["nodes"] if n["label"] == "x"]
    page.get_by_label("Jump to").select_option(label=f"x.grad.zero_(), line {ZERO_LINE}")
    step = page.get_by_role("slider", name="Timeline").get_attribute("aria-valuenow")
    page.get_by_label("Find nodes").fill("leaf")
    page.get_by_label("Find nodes").press("Enter")
    page.get_by_role("button", name="Share").click()
    link = page.get_by_label("Share link").input_value()
    assert f"step={step}" in link and f"node={x}" in link, link

    page.goto("about:blank")
    page.goto(link)
    wait_drawn(page, 0)
    page.wait_for_function("() => document.querySelector('#inspector dl') !== null")
    assert page.get_by_role("slider", name="Timeline").get_attribute("aria-valuenow") == step
    inspector = page.get_by_role("region", name="Inspector").inner_text()
    assert "AccumulateGrad" in inspector and "x" in inspector.split()
    assert _shown(page) == pytest.approx(_grad_after(ZERO_LINE))  # zeroed, as PyTorch had it


def test_a_tensor_hook_run_is_a_step_with_what_it_got_and_returned(page, server_url) -> None:  # type: ignore[no-untyped-def]
    examples = httpx.get(f"{server_url}/api/v1/examples").json()["examples"]
    code = next(e["code"] for e in examples if e["id"] == "tensor-hooks")
    ns = torch_run(code)
    y, loss = ns["y"], ns["loss"]
    assert isinstance(y, torch.Tensor) and isinstance(loss, torch.Tensor)
    again = y.detach().requires_grad_()  # the program's loss, (y ** 2).sum(), from y on
    (arriving,) = torch.autograd.grad((again**2).sum(), again)
    trace, _ = open_timed(page, server_url, code)
    assert trace["ok"], trace["error"]
    labels = cy_eval(page, "(cy) => cy.nodes().map((n) => String(n.data('label')))")
    (label,) = [text for text in labels if "\ny\n" in text]
    assert label.endswith("hooks: show, clip"), label  # the program's hooks on y, in order
    page.get_by_label("Find nodes").fill("hook clip")
    assert page.locator(".find-count").inner_text() == "1 match"
    page.get_by_label("Jump to").select_option(index=2)  # backward() #1
    for _ in range(len(trace["events"])):
        if "hook clip" in _caption(page):
            break
        page.get_by_role("button", name="Step forward").click()
    caption = _caption(page)
    got, returned = caption.split(" got ")[1].split(", returned ")
    assert [float(v) for v in NUMBER.findall(got)] == pytest.approx(arriving.tolist())
    clipped = ns["clip"](arriving).tolist()  # the program's own hook, run by PyTorch
    assert [float(v) for v in NUMBER.findall(returned)] == pytest.approx(clipped)


@pytest.mark.filterwarnings("ignore:Full backward hook is firing")  # the plain run's
def test_module_hook_runs_are_steps_too(page, server_url) -> None:  # type: ignore[no-untyped-def]
    examples = httpx.get(f"{server_url}/api/v1/examples").json()["examples"]
    code = next(e["code"] for e in examples if e["id"] == "module-hooks-cam")
    captured = torch_run(code)["captured"]
    assert isinstance(captured, dict)
    activation = ", ".join(str(d) for d in captured["activation"].shape)  # what PyTorch handed
    trace, _ = open_timed(page, server_url, code)
    assert trace["ok"], trace["error"]
    page.get_by_label("Jump to").select_option(index=0)
    hooks, captions = [], []
    for _ in range(len(trace["events"])):
        page.get_by_role("button", name="Step forward").click()
        captions.append(_caption(page))
        if " on conv got " in _caption(page):
            hooks.append(_caption(page).split(" · ", 1)[1])
    # an op's caption says which module box it is in (conv ran twice: one box per call)
    assert any("ConvolutionBackward0 in model.conv #1" in c for c in captions), captions
    assert [h.split(" (line")[0] for h in hooks] == [
        "forward pre-hook see_input", "forward hook keep_activation", "backward hook keep_gradient"]
    assert f"({activation})" in hooks[1] and f"got ({activation})" in hooks[2]
    cy_eval(page, "(cy) => { cy.getElementById('g:model.conv').emit('tap'); }")
    listed = page.get_by_role("list", name="Hooks on model.conv").locator("li").all_inner_texts()
    assert listed == [f"{h.split(' on conv')[0]}: ran once" for h in hooks]  # each ran once


def test_node_hook_runs_are_steps_on_their_nodes(page, server_url) -> None:  # type: ignore[no-untyped-def]
    code = httpx.get(f"{server_url}/api/v1/examples").json()["examples"]
    code = next(e["code"] for e in code if e["id"] == "node-hooks")
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        torch_run(code)  # the hooks print what plain PyTorch handed them
    arrival, edges = ([float(v) for v in NUMBER.findall(line.split(" receive", 1)[1])]
                      for line in printed.getvalue().splitlines()[:2])
    lines = code.splitlines()
    at = {name: next(i for i, text in enumerate(lines, 1) if f"hook({name})" in text)
          for name in ("show_arrival", "show_edges")}
    trace, _ = open_timed(page, server_url, code)
    assert trace["ok"], trace["error"]
    page.get_by_label("Jump to").select_option(index=2)  # backward() #1
    hooks = []
    for _ in range(len(trace["events"])):
        if " · backward() " in _caption(page) and " node " in _caption(page):
            hooks.append(_caption(page).split(": node ", 1)[1])
            if len(hooks) == 2:
                break
        page.get_by_role("button", name="Step forward").click()
    pre, post = hooks
    caption = page.locator("[data-role=caption]")
    assert caption.get_attribute("title") == _caption(page)  # the whole text on hover
    lines = caption.evaluate(
        "(el) => el.clientHeight / parseFloat(getComputedStyle(el).lineHeight)")
    assert lines >= 2, lines  # a long caption wraps onto a second line before it is cut
    assert pre.startswith(f"prehook show_arrival (line {at['show_arrival']}) on SumBackward0")
    assert post.startswith(f"hook show_edges (line {at['show_edges']}) on MulBackward0")
    assert _numbers(pre.split(" got ")[1]) == pytest.approx(arrival)
    assert _numbers(post.split(" got ")[1]) == pytest.approx(edges)  # got [1, 1], sent x twice
    assert post.endswith("returned None (unchanged)")
    labels = cy_eval(page, "(cy) => cy.nodes().map((n) => String(n.data('label')))")
    assert any(t.startswith("MulBackward0") and t.endswith("hook: show_edges") for t in labels)
    mul = next(n["id"] for n in trace["graph"]["nodes"] if n["op"] == "MulBackward0")
    cy_eval(page, "(cy, id) => { cy.getElementById(id).emit('tap'); }", f"n{mul}")
    inspector = page.get_by_role("region", name="Inspector").inner_text()
    where = f"node hook show_edges (registered on line {at['show_edges']})"
    assert f"{where}: gradient for input 1" in inspector
