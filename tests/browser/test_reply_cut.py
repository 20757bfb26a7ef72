"""A trace the server cut to fit its byte cap: both readers read it alike, the Console says so.

The trace is cut here, in the test (gradtrace.tracing.budget with a small cap), and handed to
the page as the server's answer, so the test needs no program that makes megabytes.
"""

from __future__ import annotations

import json

import pytest

from gradtrace.tracing import trace_source
from gradtrace.tracing.budget import fit
from gradtrace.tracing.wire import expand
from tests.browser.helpers import wait_drawn

pytestmark = pytest.mark.browser

PROGRAM = """import torch
x = torch.zeros(4, 4, requires_grad=True)
y = x
for i in range(600):
    y = y + 1
    print('step', i)
y.sum().backward()
"""


def test_the_console_says_what_was_cut(page, server_url) -> None:  # type: ignore[no-untyped-def]
    body = fit(trace_source(PROGRAM), 40_000)
    compact = json.loads(body)
    cut = {part["part"]: part for part in compact["reply_cut"]["parts"]}
    assert {"stdout", "nodes"} <= set(cut)
    page.route("**/api/v1/trace", lambda route: route.fulfill(
        status=200, content_type="application/json", body=body))
    page.goto(f"{server_url}/?example=per-sample-gradients")
    wait_drawn(page, 0)
    by_js = page.evaluate(
        "async (t) => JSON.stringify((await import('/static/js/wire.js')).expandTrace(t))", compact)
    assert json.loads(by_js) == json.loads(json.dumps(expand(compact)))  # the readers agree
    lines = page.locator('#console [data-role="warnings"] li').all_text_contents()
    assert lines[0] == (f"The trace was cut to fit a reply ({compact['reply_cut']['size']:,} "
                        f"bytes, at most 40,000):")
    nodes = cut["nodes"]
    assert f"graph nodes: {nodes['dropped']:,} nodes left out, {nodes['kept']:,} kept" in lines
    assert any(line.startswith("output: ") for line in lines)
    assert page.locator('#console [data-role="stdout"]').text_content().startswith("step 0\n")
