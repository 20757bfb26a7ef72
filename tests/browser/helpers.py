"""Helpers shared by the browser tests: open a program, wait for the drawing, read panels.

PyTorch is the oracle: `torch_run` runs the same program with plain PyTorch so that a test
compares what the page shows with what PyTorch computed.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from urllib.parse import quote

import torch

from gradtrace.tracing.wire import expand

__all__ = [
    "CHAIN",
    "MLP",
    "NUMBER",
    "apart",
    "cy_eval",
    "draws",
    "grad_fn_count",
    "leaf_grad_numbers",
    "leaves_with_grad",
    "open_program",
    "open_timed",
    "read_text",
    "torch_run",
    "wait_drawn",
]

NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?")

# A small chain-rule program for tests that check lines and gradients. It is the program the
# playground opens with (gradtrace/static/js/main.js) minus that one's comment line, so the tests'
# line numbers stay fixed; every test passes it explicitly (?code=), none reads the default.
# a small model whose layout goes to the worker (open module boxes)
MLP = """import torch
import torch.nn as nn
torch.manual_seed(0)
model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1))
x = torch.randn(5, 3)
loss = model(x).pow(2).mean()
loss.backward()
"""

CHAIN = """import torch
x = torch.ones(2, 2, requires_grad=True)
y = x + 2
z = y * y * 3
out = z.mean()
out.backward()
print(x.grad)
"""

def torch_run(code: str) -> dict[str, object]:
    """Run a program with plain PyTorch and return its top-level names."""
    namespace: dict[str, object] = {}
    exec(compile(code, "<program>", "exec"), namespace)
    return namespace


def grad_fn_count(*roots: torch.Tensor) -> int:
    """Nodes torchviz would draw: every grad_fn reachable from the roots (leaves included)."""
    seen: set[int] = set()
    stack = [r.grad_fn for r in roots if r.grad_fn is not None]
    while stack:
        fn = stack.pop()
        if id(fn) in seen:
            continue
        seen.add(id(fn))
        stack.extend(nxt for nxt, _ in fn.next_functions if nxt is not None)
    return len(seen)


def open_program(page, server_url: str, code: str):  # type: ignore[no-untyped-def]
    page.goto(f"{server_url}/?code={quote(code)}")
    wait_drawn(page, 0)
    return page.get_by_role("region", name="Graph")


def wait_drawn(page, before: int) -> None:  # type: ignore[no-untyped-def]
    """Wait until the graph has been drawn more than `before` times and is not busy."""
    page.wait_for_function(
        "n => { const g = document.getElementById('graph');"
        " return Number(g.dataset.draws || 0) > n && g.getAttribute('aria-busy') === 'false'; }",
        arg=before, timeout=30_000)


def apart(a: dict[str, float], b: dict[str, float]) -> bool:
    """Whether two bounding boxes (Playwright's x, y, width, height) do not overlap."""
    return (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
            or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])


def draws(page) -> int:  # type: ignore[no-untyped-def]
    return int(page.get_by_role("region", name="Graph").get_attribute("data-draws") or 0)


def leaf_grad_numbers(page, name: str) -> list[float] | None:  # type: ignore[no-untyped-def]
    """Numbers shown for `name.grad` in the Gradients panel (None when it shows None)."""
    item = page.get_by_role("region", name="Gradients").locator("li", has_text=f"{name}.grad")
    text = item.inner_text().split("=", 1)[1]
    if text.strip() == "None":
        return None
    return [float(v) for v in NUMBER.findall(text)]



def leaves_with_grad(ns: dict[str, object]) -> dict[str, torch.Tensor]:
    """The leaf tensors of a PyTorch run that received a .grad, by name."""
    return {k: v for k, v in ns.items()
            if isinstance(v, torch.Tensor) and v.is_leaf and v.grad is not None}


def read_text(path: object) -> str:
    """A downloaded file's text."""
    return Path(str(path)).read_text(encoding="utf-8")


def open_timed(page, server_url: str, code: str) -> tuple[dict, float]:  # type: ignore[no-untyped-def,type-arg]
    """Open `code` by URL; return the API's trace (expanded) and the wall seconds until drawn."""
    start = time.perf_counter()
    with page.expect_response(lambda r: r.url.endswith("/api/v1/trace"), timeout=60_000) as resp:
        page.goto(f"{server_url}/?code={quote(code)}")
    wait_drawn(page, 0)
    return expand(resp.value.json()), time.perf_counter() - start


def cy_eval(page, script: str, arg: object = None):  # type: ignore[no-untyped-def]
    """Evaluate `script` (a function of cy and arg) against the page's Cytoscape instance.

    Read-only use: the canvas has no DOM per node, so tests ask Cytoscape where things are.
    """
    return page.evaluate(
        f"([arg]) => {{ const cy = document.getElementById('graph-canvas')._cyreg.cy;"
        f" return ({script})(cy, arg); }}", [arg])
