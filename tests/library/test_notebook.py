"""A real notebook executed headless (nbclient + ipykernel): ``t`` as a cell's value shows
the viewer, with the trace of that cell inside, and the gradients plain PyTorch computes.

The kernel is this venv's Python, through a kernelspec written into a temporary
``JUPYTER_PATH`` (so no kernel installed on the machine is used).
"""

from __future__ import annotations

import html
import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest
import torch

nbformat = pytest.importorskip("nbformat", reason="needs nbformat (pinned in the test extras)")
nbclient = pytest.importorskip("nbclient", reason="needs nbclient and ipykernel")
pytest.importorskip("ipykernel", reason="needs ipykernel")

pytestmark = pytest.mark.slow

SETUP = """\
import json
import torch
from torch import nn
import gradtrace

torch.manual_seed(0)
net = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1))
batch = torch.randn(5, 3)
"""
TRACED = """\
with gradtrace.trace(max_values=64) as t:
    loss = net(batch).pow(2).mean()
    loss.backward()
print(json.dumps({"trace": t.to_dict(), "repr": t._repr_html_()}))
"""
SRCDOC = re.compile(r'<iframe srcdoc="([^"]*)"')
SLOT = re.compile(r'<script type="application/json" id="gradtrace-trace">(.*?)</script>', re.S)


def _kernelspec(root: Path) -> str:
    """A kernelspec running ipykernel with this interpreter; its name."""
    spec = root / "kernels" / "gradtrace-venv"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "gradtrace venv", "language": "python"}))
    return spec.name


def _run_notebook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    name = _kernelspec(tmp_path / "jupyter")
    cells = [nbformat.v4.new_code_cell(source) for source in (SETUP, TRACED, "t")]
    notebook = nbformat.v4.new_notebook(cells=cells)
    client = nbclient.NotebookClient(notebook, kernel_name=name, timeout=180,
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    return list(notebook.cells)


def _plain_grads() -> dict[str, torch.Tensor]:
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 1))
    batch = torch.randn(5, 3)
    net(batch).pow(2).mean().backward()
    return {name: p.grad for name, p in net.named_parameters() if p.grad is not None}


def test_a_cell_whose_value_is_the_trace_shows_the_viewer(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    cells = _run_notebook(tmp_path, monkeypatch)
    printed = json.loads("".join(out["text"] for out in cells[1].outputs
                                 if out["output_type"] == "stream" and out["name"] == "stdout"))
    trace = printed["trace"]
    (shown,) = [out for out in cells[2].outputs if out["output_type"] == "execute_result"]
    page = shown["data"]["text/html"]
    assert page == printed["repr"]  # the display is what _repr_html_ gives
    (srcdoc,) = SRCDOC.findall(page)
    (embedded,) = SLOT.findall(html.unescape(srcdoc))
    assert json.loads(embedded) == trace
    assert trace["files"][0]["source"] == TRACED  # the cell that opened the block
    leaves = {n["label"]: n for n in trace["graph"]["nodes"] if n["op"] == "AccumulateGrad"}
    for name, grad in _plain_grads().items():
        entry = trace["tensors"][leaves[name]["grad"]]
        assert torch.allclose(torch.tensor(entry["values"]).reshape(entry["shape"]), grad), name
    mean = [n for n in trace["graph"]["nodes"] if n["op"] == "MeanBackward0"]
    assert [(n.get("label"), n.get("file", 0), n["line"]) for n in mean] == [("loss", 0, 2)]
    assert "text/plain" in shown["data"] and "backward calls" in shown["data"]["text/plain"]
