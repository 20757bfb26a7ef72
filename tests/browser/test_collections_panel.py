"""The Gradients panel's "Other tensors": torch.func's per-sample gradients, which live in a
dict and so in no variable, shown with their shape and the values plain PyTorch computes.
"""

from __future__ import annotations

import json

import pytest
import torch

from gradtrace.examples import get_example
from gradtrace.tracing.wire import expand
from tests.browser.helpers import NUMBER, torch_run, wait_drawn

pytestmark = pytest.mark.browser


def test_per_sample_gradients_are_in_the_panel(page, server_url) -> None:  # type: ignore[no-untyped-def]
    example = get_example("per-sample-gradients")
    assert example is not None
    with page.expect_response(lambda r: r.url.endswith("/api/v1/trace"), timeout=60_000) as resp:
        page.goto(f"{server_url}/?example=per-sample-gradients")
    wait_drawn(page, 0)
    compact = resp.value.json()
    assert "per_sample" in compact["collections"]
    by_js = page.evaluate(
        "async (t) => JSON.stringify((await import('/static/js/wire.js')).expandTrace(t))", compact)
    assert json.loads(by_js) == json.loads(json.dumps(expand(compact)))  # the readers agree

    panel = page.get_by_role("region", name="Gradients")
    assert panel.get_by_role("heading", name="Other tensors").is_visible()
    row = panel.locator("li", has_text='per_sample["weight"]')
    text = row.inner_text()
    assert "(4, 1, 3)" in text
    plain = torch_run(example.code)["per_sample"]
    assert isinstance(plain, dict)
    expected = plain["weight"]
    shown = [float(v) for v in NUMBER.findall(text.split("(4, 1, 3)", 1)[1])]
    # 12 values: listed, not summarised (as numbers read, to 4 significant digits)
    assert torch.allclose(torch.tensor(shown), expected.flatten(), rtol=1e-3, atol=1e-4), text
