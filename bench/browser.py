"""Measurement 5: time from Run to drawn in headless Chromium, next to Graphviz ``dot``.

The page is opened with ``?code=`` (which runs the program at once) and the figure is the
page's own ``data-draw-ms`` (Run to drawn, see gradtrace/static/README.md), read when the ``Graph``
region turns ``aria-busy=false``. The baseline is Graphviz ``dot -Tsvg`` laying out the same
grad_fn graph (torchviz ``make_dot`` DOT, forward-only so that its saved-tensor access works),
capped: a layout that exceeds the cap is reported as "> cap".
"""

from __future__ import annotations

import subprocess
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import torch
from torchviz import make_dot

from bench.common import Row, Samples
from bench.overhead import run_plain
from bench.server import Server
from bench.sources import encoder, lstm_unrolled, without_backward

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "dot_seconds", "measure"]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
_DRAWN = ("el => el.dataset.draws && Number(el.dataset.draws) > 0 "
          "&& el.getAttribute('aria-busy') === 'false'")


@dataclass(frozen=True)
class Case:
    key: str
    title: str
    source: str
    nodes: int
    target_s: float


def _cases(quick: bool) -> list[Case]:
    cases = [Case("enc24", "24-layer encoder", encoder(24), 1827, 3.0),
             Case("lstm50", "LSTMCell x 50 steps", lstm_unrolled(50), 755, 2.0),
             Case("enc96", "96-layer encoder", encoder(96), 7299, 5.0)]
    return cases[:1] if quick else cases


def graph_dot(source: str) -> str:
    """torchviz DOT of the program's forward graph, parameters named as the page names them."""
    namespace = run_plain(without_backward(source))
    params: dict[str, Any] = {}
    for name, value in namespace.items():
        if isinstance(value, torch.nn.Module):
            params.update({f"{name}.{p}": t for p, t in value.named_parameters()})
    return str(make_dot(namespace["loss"], params=params).source)


def dot_seconds(dot: str, cap: float) -> float | None:
    """Seconds ``dot -Tsvg`` takes to lay the graph out, or None past ``cap``."""
    start = time.perf_counter()
    try:
        subprocess.run(["dot", "-Tsvg"], input=dot.encode(), stdout=subprocess.DEVNULL,
                       check=True, timeout=cap)
    except subprocess.TimeoutExpired:
        return None
    return time.perf_counter() - start


def _draw(browser: Any, url: str, case: Case) -> tuple[float, float, int]:
    """(data-draw-ms, wall seconds from navigation, data-node-count) of one fresh page."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        start = time.perf_counter()
        page.goto(f"{url}/?code={quote(case.source)}")
        region = page.get_by_role("region", name="Graph")
        page.wait_for_function(_DRAWN, arg=region.element_handle(), timeout=180_000)
        wall = time.perf_counter() - start
        draw_ms = float(region.get_attribute("data-draw-ms") or "nan")
        count = int(region.get_attribute("data-node-count") or -1)
    finally:
        context.close()
    return draw_ms / 1e3, wall, count


def _case_row(browser: Any, server: Server, case: Case, rounds: int, cap: float) -> Row:
    dot = graph_dot(case.source)
    draws, walls = Samples(), Samples()
    layout: float | None = None
    for index in range(rounds):
        seconds, wall, count = _draw(browser, server.url, case)
        if count != case.nodes:
            raise RuntimeError(f"{case.key}: page drew {count} nodes, expected {case.nodes}")
        draws.append(seconds)
        walls.append(wall)
        if index == 0:  # A/B: dot runs between the first and second page loads
            layout = dot_seconds(dot, cap)
    figure = draws.median
    baseline = layout if layout is not None else cap
    note = (f"dot -Tsvg {'> ' if layout is None else ''}{baseline:.1f} s "
            f"(cap {cap:g} s); navigation to drawn p50 {walls.median:.2f} s")
    return Row(f"browser.{case.key}", f"browser Run to drawn: {case.title} ({case.nodes} nodes)",
               figure * 1e3, "ms", baseline * 1e3,
               "Graphviz dot -Tsvg" + (" (> cap)" if layout is None else ""),
               f"< {case.target_s:g} s", figure < case.target_s, draws.spread_ms(), note)


def measure(server: Server, quick: bool) -> list[Row]:
    """Every case in one Chromium; the quick run draws the 24-layer encoder only."""
    from playwright.sync_api import sync_playwright

    cap = 20.0 if quick else 60.0
    rounds = 2 if quick else 3
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            return [_case_row(browser, server, case, rounds, cap) for case in _cases(quick)]
        finally:
            browser.close()
