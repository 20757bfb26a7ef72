"""`gradtrace trace FILE --format json|dot`: the CLI traces a file locally (issue 2)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from gradtrace.api.schemas import TraceResponse
from gradtrace.tracing.wire import expand
from tests.tracing.oracle import run_plain

PROGRAM = """\
import torch
import torch.nn as nn

torch.manual_seed(0)
net = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1))
x = torch.randn(2, 3, requires_grad=True)
loss = (net(x) ** 2).mean()
loss.backward()
print(loss.item() > 0)
"""

GRADTRACE = str(Path(sys.executable).with_name("gradtrace"))


def _run(tmp_path: Path, fmt: str, source: str = PROGRAM) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "program.py"
    path.write_text(source)
    return subprocess.run([GRADTRACE, "trace", str(path), "--format", fmt],
                          capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.slow
def test_trace_json_is_a_trace_response_with_pytorch_gradients(tmp_path: Path) -> None:
    done = _run(tmp_path, "json")
    assert done.returncode == 0, done.stderr[-2000:]
    body = json.loads(done.stdout)
    TraceResponse.model_validate(body)
    body = expand(body)
    plain = run_plain(PROGRAM)
    expected = plain.variables["x"].grad
    assert expected is not None
    got = torch.tensor(body["variables"]["x"]["grad"]["values"], dtype=torch.float32)
    assert torch.allclose(got, expected, atol=1e-6)
    assert body["stdout"] == plain.stdout == "True\n"
    labels = {n["label"] for n in body["graph"]["nodes"]}
    assert {"0.weight", "0.bias", "2.weight", "x"} <= labels


@pytest.mark.slow
@pytest.mark.parametrize("retain", [True, False], ids=["retain_graph", "after_backward"])
def test_trace_dot_names_ops_and_parameters(tmp_path: Path, retain: bool) -> None:
    """torchviz's DOT, also after a plain backward() freed the saved tensors."""
    source = PROGRAM.replace("loss.backward()", f"loss.backward(retain_graph={retain})")
    done = _run(tmp_path, "dot", source)
    assert done.returncode == 0, done.stderr[-2000:]
    dot = done.stdout
    assert dot.lstrip().startswith("digraph")
    for op in ("MeanBackward0", "PowBackward0", "AddmmBackward0", "TanhBackward0"):
        assert op in dot, op
    for name in ("0.weight", "0.bias", "2.weight", "2.bias"):
        assert name in dot, name
    assert "(2, 3)" in dot or "2, 3" in dot  # x's shape, as torchviz labels leaves


@pytest.mark.slow
def test_trace_of_a_forbidden_program_fails_with_exit_code_1(tmp_path: Path) -> None:
    done = _run(tmp_path, "json", "import os\nos.system('id')\n")
    assert done.returncode == 1
    assert json.loads(done.stdout)["error"]["kind"] == "forbidden"
