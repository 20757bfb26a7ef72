"""The ``Trace`` a block gives: JSON that loads back, the viewer file, the summary."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
import torch

import gradtrace
from gradtrace.tracing.wire import expand

SLOT = re.compile(r'<script type="application/json" id="gradtrace-trace">(.*?)</script>', re.S)


def _small() -> tuple[gradtrace.Trace, torch.Tensor]:
    weights = torch.tensor([1.0, -2.0, 3.0], requires_grad=True)
    with gradtrace.trace() as recording:
        assert repr(recording) == "<gradtrace.Trace (recording)>"
        with pytest.raises(RuntimeError, match="after the block"):
            recording.to_dict()
        total = (weights * weights).sum()
        total.backward()
    assert weights.grad is not None
    return recording, weights.grad


def test_save_load_json_and_html_round_trip(tmp_path: Path) -> None:
    trace, grad = _small()
    data = trace.to_dict()
    assert gradtrace.load(trace.save(tmp_path / "t.json")).to_dict() == data
    assert json.loads(trace.to_json()) == data
    long = expand(data)  # the reference reader accepts it
    assert torch.equal(torch.tensor(long["variables"]["weights"]["grad"]["values"]), grad)
    page = trace.save_html(tmp_path / "t.html").read_text(encoding="utf-8")
    assert json.loads(SLOT.findall(page)[0]) == data
    frame = trace._repr_html_()
    assert frame.startswith("<iframe srcdoc=")
    srcdoc = re.findall(r'srcdoc="([^"]*)"', frame)[0]
    assert json.loads(SLOT.findall(html.unescape(srcdoc))[0]) == data
    with pytest.raises(ValueError, match="not a Gradtrace trace"):
        (tmp_path / "x.json").write_text("[1]")
        gradtrace.load(tmp_path / "x.json")


def test_summary_lists_nodes_calls_and_each_leaf_with_its_grad_norm() -> None:
    trace, grad = _small()
    lines = trace.summary().splitlines()
    assert lines[0] == "gradtrace: 3 nodes, 1 backward calls"
    assert lines[1].split() == ["weights", "(3)", "grad", "norm", f"{grad.norm().item():.4g}"]
    assert repr(trace) == trace.summary() and trace.ok
