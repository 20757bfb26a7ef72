"""The playground as a lesson: values where the eye is.

A forward step shows the node's value on the graph, a backward step the gradient on the
edge and what the node sent; a node built by a create_graph backward says what it did
instead of "forward value None"; a constant tensor reads "0.25 each" with its element count.
PyTorch is the oracle for every number.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from tests.browser.conftest import shot
from tests.browser.helpers import CHAIN, NUMBER, open_timed, torch_run

pytestmark = pytest.mark.browser

PROGRAMS = Path(__file__).resolve().parents[2] / "gradtrace" / "examples" / "programs"


def view(page) -> dict:  # type: ignore[no-untyped-def,type-arg]
    page.evaluate("() => window.gradtrace.ready()")
    return page.evaluate("() => window.gradtrace.view()")  # type: ignore[no-any-return]


def go(page, step: int) -> dict:  # type: ignore[no-untyped-def,type-arg]
    page.get_by_role("slider", name="Timeline").fill(str(step))
    return view(page)


def node_text(v: dict, element: str) -> str:  # type: ignore[type-arg]
    (text,) = [n["text"] for n in v["nodes"] if n["id"] == element]
    return str(text)


def test_a_forward_step_shows_the_value_on_the_graph(page, server_url) -> None:  # type: ignore[no-untyped-def]
    trace, _ = open_timed(page, server_url, CHAIN)
    ns = torch_run(CHAIN)
    y, z = ns["y"], ns["z"]
    assert isinstance(y, torch.Tensor) and isinstance(z, torch.Tensor)
    nodes = {n["id"]: n for n in trace["graph"]["nodes"]}
    add = next(n for n in nodes.values() if n["op"] == "AddBackward0")
    step = next(i for i, ev in enumerate(trace["events"], 1)
                if ev["phase"] == "forward" and ev["node"] == add["id"])
    before = go(page, step - 1)
    assert "=" not in node_text(before, f"n{add['id']}").splitlines()[-1]  # not computed yet
    v = go(page, step)
    assert v["active"] == [f"n{add['id']}"]
    shown = node_text(v, f"n{add['id']}").splitlines()[-1]
    assert shown.startswith("= ")  # a tensor this small is shown itself
    assert [float(x) for x in NUMBER.findall(shown)] == pytest.approx(y.flatten().tolist())
    mul = next(i for i, ev in enumerate(trace["events"], 1)  # y * y or (y * y) * 3
               if ev["phase"] == "forward" and nodes[ev["node"]]["op"] == "MulBackward0")
    v = go(page, mul)
    (line,) = [node_text(v, n["id"]).splitlines()[-1] for n in v["nodes"]
               if n["id"] in v["active"]]
    numbers = [float(x) for x in NUMBER.findall(line)]
    assert numbers in ((y * y).flatten().tolist(), z.flatten().tolist())  # one of the products
    shot(page, "lesson-forward-value")


def test_a_backward_step_shows_the_gradient_on_the_edge_and_what_the_node_sent(  # type: ignore[no-untyped-def]
        page, server_url) -> None:
    trace, _ = open_timed(page, server_url, CHAIN)
    mean = next(n for n in trace["graph"]["nodes"] if n["op"] == "MeanBackward0")
    step = next(i for i, ev in enumerate(trace["events"], 1)
                if ev["phase"] == "backward" and ev["node"] == mean["id"])
    v = go(page, step)
    # d mean / d z = 1/4 for each of the 4 elements: PyTorch's own gradient
    z = torch.ones(2, 2, requires_grad=True)
    (g,) = torch.autograd.grad(z.mean(), z)
    expected = f"{g[0, 0].item():g} each, \u00d7{g.numel()} elements"
    assert node_text(v, f"n{mean['id']}").splitlines()[-1] == f"sent {expected}"
    assert expected in [lab["full"] for lab in v["labels"]]
    caption = page.locator("[data-role=caption]").inner_text()
    assert f"sent {expected}" in caption
    shot(page, "lesson-backward-value")


def test_a_node_built_by_create_graph_says_what_it_computed(page, server_url) -> None:  # type: ignore[no-untyped-def]
    code = (PROGRAMS / "13_maml_inner_outer.py").read_text(encoding="utf-8")
    trace, _ = open_timed(page, server_url, code)
    built = [n for n in trace["graph"]["nodes"]
             if n["created_in_call"] is not None and n["value"] is None]
    assert built, "the case under test: MAML's inner gradient builds nodes without a value"
    node = built[0]
    page.evaluate("(id) => document.getElementById('graph-canvas')._cyreg.cy"
                  ".getElementById(id).emit('tap')", f"n{node['id']}")
    text = page.get_by_role("region", name="Inspector").inner_text()
    assert "forward value\nNone" not in text
    assert "computed in backward" in text and "create_graph=True" in text
    sent = next(ev for ev in trace["events"] if ev["phase"] == "backward"
                and ev["node"] == node["id"] and any(ev["grad_inputs"]))
    values = next(g for g in sent["grad_inputs"] if g)["values"]
    table = text.split("differentiated it", 1)[1].split("float32", 1)[1]  # after shape, dtype
    shown = [float(x) for x in NUMBER.findall(table)]
    assert shown[:len(values)] == pytest.approx(values, abs=1e-3)


GALLERY = ["13_maml_inner_outer.py", "25_transformer_encoder.py", "26_lstm_cell_unrolled.py",
           "24_training_step.py"]


@pytest.mark.parametrize("name", GALLERY)
def test_each_lesson_example_shows_values_forward_and_gradients_backward(  # type: ignore[no-untyped-def]
        page_factory, server_url, name) -> None:
    page = page_factory(viewport={"width": 1366, "height": 768})
    trace, _ = open_timed(page, server_url, (PROGRAMS / name).read_text(encoding="utf-8"))
    events = trace["events"]
    nodes = {n["id"]: n for n in trace["graph"]["nodes"]}
    forward = [i for i, ev in enumerate(events, 1) if ev["phase"] == "forward"
               and nodes[ev["node"]]["kind"] == "op" and nodes[ev["node"]]["value"]]
    step = forward[len(forward) // 2]
    v = go(page, step)
    (active,) = v["active"]
    if active.startswith("n"):  # a node drawn on its own (not inside a closed box)
        assert node_text(v, active).splitlines()[-1].startswith("= ")
    else:
        assert node_text(v, active).splitlines()[-1] == "(step inside)"
    shot(page, f"lesson-{Path(name).stem}-forward")
    back = [i for i, ev in enumerate(events, 1) if ev["phase"] == "backward"
            and any(e is not None for e in ev.get("edges", []))]
    v = go(page, back[len(back) // 2])
    assert v["labels"], "a backward step puts gradients on edges"
    shot(page, f"lesson-{Path(name).stem}-backward")
