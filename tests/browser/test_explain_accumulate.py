"""AccumulateGrad's rule on the page (issue 19): `.grad = incoming` the first time, the
`.grad` already there plus incoming after, and in a call of autograd.grad nothing added: the
call returns what arrived. PyTorch's own `.grad` and autograd.grad results are the oracle.
"""

from __future__ import annotations

import pytest
import torch

from gradtrace.tracing.wire import expand
from tests.browser.helpers import torch_run
from tests.browser.test_explain_rules import (
    explained,
    go_to,
    numbers,
    open_viewer,
    select,
)

pytestmark = pytest.mark.browser

TWICE = """import torch
x = torch.ones(2, requires_grad=True)
(x * 2).sum().backward()
(x * 3).sum().backward()
"""
GRAD = """import torch
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = (x ** 2).sum()
g, = torch.autograd.grad(y, x)
"""


def test_accumulate_grad_adds_to_the_grad_already_there(offline, tmp_path) -> None:  # type: ignore[no-untyped-def]
    trace = explained(TWICE)
    long = expand(trace)
    leaf = next(i for i, n in enumerate(long["graph"]["nodes"]) if n["op"] == "AccumulateGrad")
    visits = [i + 1 for i, ev in enumerate(long["events"]) if ev.get("node") == leaf
              and ev["phase"] == "backward"]
    x = torch_run(TWICE)["x"]
    assert isinstance(x, torch.Tensor) and x.grad is not None
    page = offline()
    open_viewer(page, trace, tmp_path / "twice.html")
    rule = page.get_by_role("region", name="Inspector").get_by_role(
        "group", name="Backward rule of AccumulateGrad")
    shown = []
    for step in visits:
        go_to(page, step)
        select(page, leaf)
        shown.append(numbers(rule.locator(".formula-values").inner_text()))
        result = numbers(rule.locator(".formula-result").inner_text())
    assert shown == [[2.0, 2.0], [2.0, 2.0, 3.0, 3.0]]  # .grad = incoming, then .grad + incoming
    assert result == x.grad.tolist()



def test_autograd_grad_returns_what_reaches_a_leaf(offline, tmp_path) -> None:  # type: ignore[no-untyped-def]
    trace = explained(GRAD)
    long = expand(trace)
    leaf = next(i for i, n in enumerate(long["graph"]["nodes"]) if n["op"] == "AccumulateGrad")
    [visit] = [i + 1 for i, ev in enumerate(long["events"]) if ev.get("node") == leaf
               and ev["phase"] == "backward"]
    ns = torch_run(GRAD)
    x, g = ns["x"], ns["g"]
    assert isinstance(x, torch.Tensor) and isinstance(g, torch.Tensor) and x.grad is None
    page = offline()
    open_viewer(page, trace, tmp_path / "grad.html")
    go_to(page, visit)
    select(page, leaf)
    rule = page.get_by_role("region", name="Inspector").get_by_role(
        "group", name="Backward rule of AccumulateGrad")
    values = rule.locator(".formula-values").inner_text()
    assert values.startswith("autograd.grad returns") and values.endswith(".grad is not changed")
    result = rule.locator(".formula-result").inner_text()
    assert result.startswith("returned = ") and numbers(result) == g.tolist()
