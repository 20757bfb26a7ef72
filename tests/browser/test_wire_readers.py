"""The two readers of the trace format agree: Python's ``expand`` and the page's ``expandTrace``.

``gradtrace/tracing/wire.py`` is the reference reader the tests use; the page reads the same
traces with ``gradtrace/static/js/wire.js``. Both are run here on the trace of every gallery
example (programs and expressions, as the server answers them) and on a trace of the user's
own code across two files (``files`` and ``file``), in Chromium, and must give the same long
form: first the events, then everything.
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

import gradtrace
from gradtrace.tracing.wire import expand

pytestmark = pytest.mark.browser

_EXPAND_ALL = """async (traces) => {
  const { expandTrace } = await import('/static/js/wire.js');
  return JSON.stringify(traces.map((t) => expandTrace(t)));
}"""


def _request(example: dict[str, Any]) -> dict[str, Any]:
    if example.get("expression") is not None:
        return {"expression": example["expression"], "inputs": example["inputs"]}
    return {"code": example["code"]}


@pytest.fixture(scope="module")
def gallery_traces(server_url: str) -> dict[str, Any]:
    """Every gallery example's trace, as the server sends it, by example id."""
    with httpx.Client(base_url=server_url, timeout=120) as client:
        examples = client.get("/api/v1/examples").json()["examples"]
        traces = {}
        for example in examples:
            response = client.post("/api/v1/trace", json=_request(example))
            assert response.status_code == 200, example["id"]
            traces[example["id"]] = response.json()
    return traces


def _first_difference(a: Any, b: Any, path: str = "") -> str | None:
    """Where two JSON values first differ (``events[3].grad.values``), or None."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            if key not in a or key not in b:
                return f"{path}.{key} (only in {'Python' if key in a else 'JS'})"
            found = _first_difference(a[key], b[key], f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return f"{path} (lengths {len(a)} and {len(b)})"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            found = _first_difference(x, y, f"{path}[{i}]")
            if found:
                return found
        return None
    return None if a == b else f"{path} ({a!r} in Python, {b!r} in JS)"


def _compare(page: Any, server_url: str, traces: dict[str, Any]) -> dict[str, str]:
    """Run both readers on each trace; the first difference of each that differs."""
    # a bare same-origin page for the module import (no icon: the server has none)
    page.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    page.goto(f"{server_url}/healthz")
    by_js = json.loads(page.evaluate(_EXPAND_ALL, list(traces.values())))
    differences = {}
    for (name, trace), js in zip(traces.items(), by_js, strict=True):
        python = json.loads(json.dumps(expand(trace)))
        events = _first_difference(python["events"], js["events"], "events")
        whole = _first_difference(python, js)
        if events or whole:
            differences[name] = events or whole or ""
    return differences


def test_both_readers_expand_every_gallery_example_alike(
        page: Any, server_url: str, gallery_traces: dict[str, Any]) -> None:
    assert len(gallery_traces) >= 20
    kinds = {next(iter(e)) if isinstance(e, dict) else "int" for t in gallery_traces.values()
             for e in t["events"]}
    assert {"int", "call", "hook", "grad_write"} <= kinds  # the gallery covers these kinds
    assert _compare(page, server_url, gallery_traces) == {}


def _own_code_trace(folder: Path) -> dict[str, Any]:
    """A trace of code in two of the user's files: nodes and calls there carry ``file``."""
    (folder / "wire_readers_helper.py").write_text(
        "def square(t):\n    return t * t\n\n\ndef backward(t):\n    t.sum().backward()\n",
        encoding="utf-8")
    sys.path.insert(0, str(folder))
    try:
        helper = importlib.import_module("wire_readers_helper")
        import torch

        with gradtrace.trace() as traced:
            x = torch.ones(2, requires_grad=True)
            helper.backward(helper.square(x) * 3)
    finally:
        sys.path.remove(str(folder))
        sys.modules.pop("wire_readers_helper", None)
    return traced.to_dict()


def test_both_readers_expand_a_trace_of_your_own_files_alike(
        page: Any, server_url: str, tmp_path: Path) -> None:
    trace = _own_code_trace(tmp_path)
    located = [n for n in trace["graph"]["nodes"] if "file" in n] + [
        c for c in trace["calls"] if "file" in c]
    assert len(trace["files"]) == 2 and located  # the readers see `files` and `file`
    assert _compare(page, server_url, {"own code": trace}) == {}


def test_the_comparison_names_the_first_difference() -> None:
    """What a failure of the tests above would say (the readers' agreement can fail)."""
    python = {"events": [{"phase": "hook", "grad": {"values": [1.0, 2.0]}}], "files": []}
    assert _first_difference(python, python) is None
    js = {"events": [{"phase": "hook", "grad": {"values": [1.0, 2.5]}}], "files": []}
    assert _first_difference(python, js) == ".events[0].grad.values[1] (2.0 in Python, 2.5 in JS)"
    assert _first_difference(python, {"events": python["events"]}) == ".files (only in Python)"
    assert _first_difference([1], [1, 2], "events") == "events (lengths 1 and 2)"
