"""What the page shows for autograd beyond ``backward()``: forward-mode tangents, checkpoints
recomputed in backward, saved-tensor hooks, torch.func, distributions.

PyTorch is the oracle: the tangent the inspector shows is the one ``fwAD.unpack_dual`` gives
for the same program, and what a saved-tensor hook's caption says it got is what plain
PyTorch handed the program's own pack hook. The page's reader of the compact trace
(``gradtrace/static/js/wire.js``) must agree with the reference reader
(``gradtrace/tracing/wire.py``).
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
import torch
import torch.autograd.forward_ad as fwAD  # noqa: N812 (as PyTorch's docs spell it)

from gradtrace.tracing.wire import expand
from tests.browser.helpers import (
    NUMBER,
    cy_eval,
    leaf_grad_numbers,
    open_timed,
    torch_run,
    wait_drawn,
)

pytestmark = pytest.mark.browser

NEW_EXAMPLES = ["forward-mode-ad", "checkpointing", "per-sample-gradients", "reparameterization"]

# A sparse .grad, dual tensors, a non-reentrant and a reentrant checkpoint, saved-tensor hooks
# (whose events test_saved_tensor_hooks_are_pack_and_unpack_steps requires).
MIXED = """import torch
import torch.nn as nn
import torch.autograd.forward_ad as fwAD  # noqa: N812 (as PyTorch's docs spell it)
from torch.utils.checkpoint import checkpoint

torch.manual_seed(0)
emb = nn.Embedding(10, 3, sparse=True)
out = emb(torch.tensor([1, 4])).sum()
out.backward()
x = torch.tensor([1.0, 2.0], requires_grad=True)
with fwAD.dual_level():
    d = fwAD.make_dual(x, torch.tensor([1.0, 0.0]))
    e = d.sin() * d
    p, tangent = fwAD.unpack_dual(e)
w = torch.tensor([0.5, 1.5], requires_grad=True)
r = checkpoint(lambda h: (h * 2).sin(), w, use_reentrant=False).sum()
r.backward()
v = torch.tensor([0.5, 1.5], requires_grad=True)
s = checkpoint(lambda h: (h * 3).cos(), v, use_reentrant=True).sum()
s.backward()
with torch.autograd.graph.saved_tensors_hooks(lambda t: t * 1, lambda t: t):
    q = (v * v).sum()
q.backward()
"""

SAVED_HOOKS = """import torch

def pack(t):
    seen.append(t.detach().clone())
    return t * 1

def unpack(t):
    return t

seen = []
a = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
with torch.autograd.graph.saved_tensors_hooks(pack, unpack):
    b = a * a
c = b.sum()
c.backward()
print(a.grad)
"""


def _caption(page) -> str:  # type: ignore[no-untyped-def]
    return str(page.locator("[data-role=caption]").inner_text())


def _numbers(text: str) -> list[float]:
    return [float(v) for v in NUMBER.findall(text)]


def _tap(page, element_id: str) -> None:  # type: ignore[no-untyped-def]
    cy_eval(page, "(cy, id) => { cy.getElementById(id).emit('tap'); }", element_id)


def _blocks(page, *path: str) -> list[list[float]]:  # type: ignore[no-untyped-def]
    """Numbers of the inspector's tensor tables reached by captions: `path` names blocks, then
    blocks inside them (a value's tangent is a block inside the value's)."""
    tables = page.evaluate("""(path) => {
        let scope = [document.getElementById('inspector')];
        for (const caption of path) {
          scope = scope.flatMap((el) => [...el.querySelectorAll('.tensor')].filter((t) =>
            t.parentElement.closest('.tensor') === (el.matches('.tensor') ? el : null)
            && t.querySelector(':scope > .tensor-caption').textContent.startsWith(caption)));
        }
        return scope.map((b) => [...b.querySelectorAll(':scope > table td')]
          .map((td) => td.textContent));
      }""", list(path))
    return [[float(c) for c in cells] for cells in tables]


def _block(page, *path: str) -> list[float]:  # type: ignore[no-untyped-def]
    (only,) = _blocks(page, *path)
    return only


def _trace(server_url: str, code: str) -> dict[str, Any]:
    answer = httpx.post(f"{server_url}/api/v1/trace", json={"code": code}, timeout=60)
    answer.raise_for_status()
    compact: dict[str, Any] = answer.json()
    assert compact["ok"], compact.get("error")
    return compact


def test_the_pages_reader_agrees_with_the_reference_reader(page, server_url) -> None:  # type: ignore[no-untyped-def]
    compact = _trace(server_url, MIXED)
    entries = compact["tensors"]
    # the trace really has what this test is about
    assert any(e.get("layout") == "sparse_coo" for e in entries)
    assert any("tangent" in e for e in entries)
    assert any(n.get("recomputed") for n in compact["graph"]["nodes"])
    assert any("created_in_call" in n for n in compact["graph"]["nodes"])
    page.goto(server_url)
    by_js = page.evaluate(
        "async (t) => JSON.stringify((await import('/static/js/wire.js')).expandTrace(t))", compact)
    by_python = json.loads(json.dumps(expand(compact)))
    assert json.loads(by_js) == by_python


@pytest.mark.parametrize("example", NEW_EXAMPLES)
def test_each_new_example_draws(page, server_url, example) -> None:  # type: ignore[no-untyped-def]
    with page.expect_response(lambda r: r.url.endswith("/api/v1/trace"), timeout=60_000) as resp:
        page.goto(f"{server_url}/?example={example}")
    wait_drawn(page, 0)
    trace = expand(resp.value.json())
    assert trace["ok"], trace["error"]
    shown = page.get_by_role("region", name="Graph").get_attribute("data-node-count")
    assert shown == str(len(trace["graph"]["nodes"]))  # console errors fail it in the fixture


def _example_code(server_url: str, example: str) -> str:
    examples = httpx.get(f"{server_url}/api/v1/examples").json()["examples"]
    return str(next(e["code"] for e in examples if e["id"] == example))


def test_forward_mode_tangent_is_pytorchs(page, server_url) -> None:  # type: ignore[no-untyped-def]
    code = _example_code(server_url, "forward-mode-ad")
    ns = torch_run(code)
    x, t = ns["x"], ns["t"]
    assert isinstance(x, torch.Tensor) and isinstance(t, torch.Tensor)
    with fwAD.dual_level():  # the program's dual_y, its tangent read while the level is open
        dual_x = fwAD.make_dual(x.detach(), t)
        expected = fwAD.unpack_dual(dual_x**2 * torch.sin(dual_x)).tangent.tolist()
    assert expected == pytest.approx(ns["dy"].tolist())  # type: ignore[attr-defined]
    trace, _ = open_timed(page, server_url, code)
    assert trace["ok"], trace["error"]
    assert not any(ev["phase"] == "backward" for ev in trace["events"])  # no backward pass
    (mul,) = [n for n in trace["graph"]["nodes"]
              if n["op"] == "MulBackward0" and n["label"] == "dual_y"]
    _tap(page, f"n{mul['id']}")
    tangent = _block(page, "forward value", "tangent (forward-mode)")
    assert tangent == pytest.approx(expected, abs=1e-3)
    label = cy_eval(page, "(cy, id) => cy.getElementById(id).data('label')", f"n{mul['id']}")
    assert _numbers(label.split("ṫ")[1]) == pytest.approx(expected, abs=1e-3)
    assert cy_eval(page, "(cy, id) => cy.getElementById(id).hasClass('dual')", f"n{mul['id']}")
    assert page.locator(".legend", has_text="tangent (forward mode)").is_visible()
    step = next(i for i, ev in enumerate(trace["events"], 1) if ev.get("node") == mul["id"])
    page.get_by_role("slider", name="Timeline").fill(str(step))
    caption = _caption(page)
    assert "MulBackward0 dual_y" in caption and "forward-mode tangent" in caption
    assert _numbers(caption.split("tangent")[-1]) == pytest.approx(expected, abs=1e-3)


def test_checkpoint_recomputation_is_marked_and_its_backward_is_a_chapter(page, server_url) -> None:  # type: ignore[no-untyped-def]
    code = _example_code(server_url, "checkpointing")
    w = torch_run(code)["w"]
    assert isinstance(w, torch.Tensor) and w.grad is not None
    trace, _ = open_timed(page, server_url, code)
    assert trace["ok"], trace["error"]
    assert leaf_grad_numbers(page, "w") == pytest.approx(w.grad.flatten().tolist(), abs=1e-3)
    again = [n["id"] for n in trace["graph"]["nodes"] if n["created_in_call"] is not None]
    assert again  # a reentrant checkpoint rebuilds its segment in backward
    marked = cy_eval(page, "(cy) => cy.nodes('.recomputed').map((n) => n.data('nodeId'))")
    assert sorted(marked) == sorted(again)
    assert page.locator(".legend", has_text="recomputed (checkpoint)").is_visible()
    page.get_by_label("Find nodes").fill("recomputed")
    assert page.locator(".find-count").inner_text() == f"{len(again)} matches"
    chapters = page.get_by_label("Jump to").locator("option").all_inner_texts()
    assert any(c.startswith("backward() #1 recomputes the checkpointed segment") for c in chapters)
    assert any(c.startswith("backward() #2 inside backward() #1") for c in chapters), chapters
    copies = [n for n in trace["graph"]["nodes"] if n["id"] in again and n["kind"] == "leaf"]
    for leaf in copies:  # the segment reruns on detached copies of its inputs
        assert leaf_grad_numbers(page, f"checkpoint input #{leaf['id']}") is not None
    _tap(page, f"n{again[0]}")
    inspector = page.get_by_role("region", name="Inspector").inner_text()
    assert "in backward call #1 (checkpoint)" in inspector
    said = cy_eval(page, "(cy, id) => cy.getElementById(id).hasClass('recomputed')", f"n{again[0]}")
    assert said
    (segment,) = [n for n in trace["graph"]["nodes"] if n["op"] == "CheckpointFunctionBackward"]
    _tap(page, f"n{segment['id']}")
    inspector = page.get_by_role("region", name="Inspector").inner_text()
    assert "backward runs its segment again (the dashed nodes)" in inspector


def test_a_non_reentrant_checkpoint_is_marked_too(page, server_url) -> None:  # type: ignore[no-untyped-def]
    trace, _ = open_timed(page, server_url, MIXED)
    assert trace["ok"], trace["error"]
    again = {n["id"] for n in trace["graph"]["nodes"]
             if n["recomputed"] or n["created_in_call"] is not None}
    assert any(n["recomputed"] for n in trace["graph"]["nodes"])
    marked = cy_eval(page, "(cy) => cy.nodes('.recomputed').map((n) => n.data('nodeId'))")
    assert set(marked) == again
    sin = next(n for n in trace["graph"]["nodes"] if n["recomputed"] and n["op"] == "SinBackward0")
    step = next(i for i, ev in enumerate(trace["events"], 1)
                if ev["phase"] == "backward" and ev["node"] == sin["id"])
    page.get_by_role("slider", name="Timeline").fill(str(step))
    assert "SinBackward0 (checkpointed: its saved tensors recomputed) received" in _caption(page)
    sparse = next(n for n in trace["graph"]["nodes"] if n["label"] == "emb.weight")
    _tap(page, f"n{sparse['id']}")
    assert "sparse_coo" in page.get_by_role("region", name="Inspector").inner_text()


def test_per_sample_gradients_call_is_said_and_the_batch_gradient_is_pytorchs(  # type: ignore[no-untyped-def]
        page, server_url) -> None:
    code = _example_code(server_url, "per-sample-gradients")
    model = torch_run(code)["model"]
    assert isinstance(model, torch.nn.Module) and model.weight.grad is not None
    trace, _ = open_timed(page, server_url, code)
    assert trace["ok"], trace["error"]
    shown = leaf_grad_numbers(page, "model.weight")
    assert shown == pytest.approx(model.weight.grad.flatten().tolist(), abs=1e-3)
    drawn = {ev.get("call") for ev in trace["events"]}
    (inside,) = [c for c in trace["calls"] if c["index"] not in drawn]  # torch.func.grad's own
    vmap_line = next(i for i, text in enumerate(code.splitlines(), 1) if "vmap(grad(" in text)
    assert inside["line"] == vmap_line
    note = page.get_by_role("region", name="Gradients").inner_text()
    said = f"autograd.grad #{inside['index'] + 1} (line {vmap_line}) ran inside a torch.func"
    assert said in note


def test_saved_tensor_hooks_are_pack_and_unpack_steps(page, server_url) -> None:  # type: ignore[no-untyped-def]
    ns = torch_run(SAVED_HOOKS)
    packed = ns["seen"]
    assert isinstance(packed, list) and packed  # what PyTorch handed the program's pack hook
    trace, _ = open_timed(page, server_url, SAVED_HOOKS)
    assert trace["ok"], trace["error"]
    hooks_line = next(i for i, text in enumerate(SAVED_HOOKS.splitlines(), 1)
                      if "saved_tensors_hooks(" in text)
    page.get_by_label("Jump to").select_option(index=0)
    captions = []
    for _ in range(len(trace["events"])):
        page.get_by_role("button", name="Step forward").click()
        captions.append(_caption(page))
    packs = [c for c in captions if f"saved-tensor pack hook pack (line {hooks_line})" in c]
    unpacks = [c for c in captions if f"saved-tensor unpack hook unpack (line {hooks_line})" in c]
    assert len(packs) == len(packed) and len(unpacks) == len(packed), captions
    for caption, tensor in zip(packs, packed, strict=True):
        assert "for MulBackward0 b" in caption
        got = caption.split(" got ")[1].split(", returned ")[0]
        assert _numbers(got) == pytest.approx(tensor.tolist())
    assert all(c.split(" · ")[1].startswith("backward() #1") for c in unpacks)
    b = next(n for n in trace["graph"]["nodes"] if n["label"] == "b")
    _tap(page, f"n{b['id']}")
    inspector = page.get_by_role("region", name="Inspector")
    assert inspector.get_by_text("Saved-tensor hooks on its saved tensors").is_visible()
    got = f"saved-tensor pack hook pack (line {hooks_line}) got"
    shown = _blocks(page, got)
    assert len(shown) == len(packed)
    for numbers, tensor in zip(shown, packed, strict=True):
        assert numbers == pytest.approx(tensor.tolist())


def test_every_gallery_example_draws(page, server_url) -> None:  # type: ignore[no-untyped-def]
    """The whole gallery, one page: each example runs, draws, and logs no console error."""
    examples = httpx.get(f"{server_url}/api/v1/examples").json()["examples"]
    assert {e["id"] for e in examples} >= set(NEW_EXAMPLES)
    for example in examples:
        with page.expect_response(lambda r: r.url.endswith("/api/v1/trace"),
                                  timeout=60_000) as resp:
            page.goto(f"{server_url}/?example={example['id']}")
        wait_drawn(page, 0)
        trace = resp.value.json()
        count = page.get_by_role("region", name="Graph").get_attribute("data-node-count")
        assert count == str(len(trace["graph"]["nodes"])), example["id"]
        assert page.watch.errors == [], example["id"]
