"""Measurement 5: Run click to finished drawing in headless Chromium, next to Graphviz ``dot``.

Each case gets a fresh page opened with ``?code=`` (which runs the program at once: that
first draw warms the page, its worker and the JIT up and is not counted); then Run is
clicked ``rounds`` times and each figure is the page's own ``data-draw-ms``: from the click
to the first animation frame after which Cytoscape has painted the final picture
(gradtrace/static/README.md), read once ``data-draws`` has moved on and the ``Graph`` region
is no longer ``aria-busy``. The row is the p50 of those clicks against the issue's target.

The note splits the p50 into the trace request (the server, from the page's resource
timing) and the page's own work, so a reader sees which side a slow figure comes from. The
baseline is Graphviz ``dot -Tsvg`` laying out the same grad_fn graph (torchviz ``make_dot``
DOT of the forward graph), capped: a layout that exceeds the cap is reported as "> cap".
"""

from __future__ import annotations

import re
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
from bench.sources import chain_rule, encoder

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "dot_seconds", "measure"]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
_DRAWN = ("n => { const g = document.getElementById('graph');"
          " return Number(g.dataset.draws || 0) > n && g.getAttribute('aria-busy') === 'false'; }")
# the trace request's duration (resource timing) of the last Run, and the page's figure
_READ = ("() => { const r = performance.getEntriesByType('resource')"
         ".filter((e) => e.name.endsWith('/api/v1/trace')).pop();"
         " return [Number(document.getElementById('graph').dataset.drawMs),"
         " r ? r.responseEnd - r.startTime : NaN]; }")
_BACKWARD = re.compile(r"^\w+\.backward\(\)$", re.MULTILINE)


@dataclass(frozen=True)
class Case:
    key: str
    title: str
    source: str
    root: str  # the program's variable backward() is called on
    nodes: int
    target_ms: float


def _cases(quick: bool) -> list[Case]:
    cases = [Case("chain_rule", "chain rule", chain_rule(), "out", 5, 40.0),
             Case("enc24", "24-layer encoder", encoder(24), "loss", 1827, 250.0),
             Case("enc96", "96-layer encoder", encoder(96), "loss", 7299, 600.0)]
    return cases[:2] if quick else cases


def graph_dot(source: str, root: str) -> str:
    """torchviz DOT of the program's forward graph (the program cut at its backward() line),
    parameters named as the page names them."""
    cut = _BACKWARD.search(source)
    namespace = run_plain(source[:cut.start()] if cut else source)
    params: dict[str, Any] = {}
    for name, value in namespace.items():
        if isinstance(value, torch.nn.Module):
            params.update({f"{name}.{p}": t for p, t in value.named_parameters()})
    return str(make_dot(namespace[root], params=params).source)


def dot_seconds(dot: str, cap: float) -> float | None:
    """Seconds ``dot -Tsvg`` takes to lay the graph out, or None past ``cap``."""
    start = time.perf_counter()
    try:
        subprocess.run(["dot", "-Tsvg"], input=dot.encode(), stdout=subprocess.DEVNULL,
                       check=True, timeout=cap)
    except subprocess.TimeoutExpired:
        return None
    return time.perf_counter() - start


def _click_run(page: Any, region: Any) -> tuple[float, float]:
    """(data-draw-ms, trace request ms) of one Run click on an open page."""
    before = int(region.get_attribute("data-draws") or 0)
    page.evaluate("performance.clearResourceTimings()")
    page.locator("#run").click()
    page.wait_for_function(_DRAWN, arg=before, timeout=180_000)
    draw_ms, request_ms = page.evaluate(_READ)
    return float(draw_ms), float(request_ms)


def _case_row(browser: Any, server: Server, case: Case, rounds: int, cap: float) -> Row:
    dot = graph_dot(case.source, case.root)
    draws, requests = Samples(), Samples()
    layout: float | None = None
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        page.goto(f"{server.url}/?code={quote(case.source)}")
        page.wait_for_function(_DRAWN, arg=0, timeout=180_000)  # warm-up, not counted
        region = page.locator("#graph")
        count = int(region.get_attribute("data-node-count") or -1)
        if count != case.nodes:
            raise RuntimeError(f"{case.key}: page drew {count} nodes, expected {case.nodes}")
        for index in range(rounds):
            draw_ms, request_ms = _click_run(page, region)
            draws.append(draw_ms / 1e3)
            requests.append(request_ms / 1e3)
            if index == 0:  # A/B: dot runs between the first and second clicks
                layout = dot_seconds(dot, cap)
    finally:
        context.close()
    figure = draws.median * 1e3
    baseline = layout if layout is not None else cap
    note = (f"p50 of {rounds} Run clicks; trace request p50 {requests.median * 1e3:.0f} ms, "
            f"page p50 {_page_share(draws, requests):.0f} ms; dot -Tsvg "
            f"{'> ' if layout is None else ''}{baseline:.2f} s (cap {cap:g} s)")
    title = f"browser Run click to drawn: {case.title} ({case.nodes} nodes)"
    return Row(f"browser.{case.key}", title, figure, "ms", baseline * 1e3,
               "Graphviz dot -Tsvg" + (" (> cap)" if layout is None else ""),
               f"<= {case.target_ms:g} ms", figure <= case.target_ms, draws.spread_ms(), note)


def _page_share(draws: Samples, requests: Samples) -> float:
    """Median over the clicks of the time the page spent beyond the trace request, in ms."""
    return Samples([d - r for d, r in zip(draws, requests, strict=True)]).median * 1e3


def measure(server: Server, quick: bool) -> list[Row]:
    """Every case in one Chromium; the quick run clicks 3 times on the chain rule and the
    24-layer encoder (under ~30 s), the full one 10 times on each of the three."""
    from playwright.sync_api import sync_playwright

    cap = 20.0 if quick else 60.0
    rounds = 3 if quick else 10
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            return [_case_row(browser, server, case, rounds, cap) for case in _cases(quick)]
        finally:
            browser.close()
