"""``gradtrace run script.py args...`` and ``gradtrace view`` in a subprocess, on the project.

The script must run exactly as ``python train.py args`` would (its arguments, its folder on
``sys.path`` for ``from model import ...``, a real ``__main__`` for its dataclass, Python's
exit status), and the trace it writes must hold what plain PyTorch computed.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import torch

import gradtrace
from gradtrace.cli import main
from tests.library.helpers import (
    MODEL_PY,
    PARAMETERS,
    TRAIN_PY,
    assert_grads_equal,
    file_index,
    leaves_by_label,
    line_of,
    project_on_path,
    tensor_of,
)

GRADTRACE = str(Path(sys.executable).with_name("gradtrace"))
SLOT = re.compile(r'<script type="application/json" id="gradtrace-trace">(.*?)</script>', re.S)

pytestmark = pytest.mark.slow


def _gradtrace(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([GRADTRACE, *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120, check=False)


def _plain_grads(steps: int, lr: float) -> dict[str, torch.Tensor]:
    with project_on_path() as train:
        model, _ = train.train(train.Config(steps=steps, lr=lr))
    return {name: p.grad for name, p in model.named_parameters() if p.grad is not None}


def _trace_grads(data: dict[str, Any]) -> dict[str, torch.Tensor]:
    leaves = leaves_by_label(data)
    return {name: tensor_of(data, leaves[name]["grad"]) for name in PARAMETERS}


def _embedded(html_path: Path) -> Any:
    found = SLOT.findall(html_path.read_text(encoding="utf-8"))
    assert len(found) == 1, "one trace slot"
    return json.loads(found[0])


def test_run_passes_the_arguments_and_writes_pytorchs_gradients(tmp_path: Path) -> None:
    done = _gradtrace(tmp_path, "run", "--json", "run.json", "--html", "run.html",
                      "--max-values", "64", str(TRAIN_PY), "--steps", "2", "--lr", "0.05",
                      "--dump", "dump.json")
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.startswith("final loss ")  # the script's own output, untouched
    assert "gradtrace: 20 nodes, 2 backward calls" in done.stderr  # --steps 2 reached argparse
    assert all(name in done.stderr for name in PARAMETERS)
    assert "gradtrace: wrote run.json" in done.stderr
    data = json.loads((tmp_path / "run.json").read_text())
    assert data["ok"] and data["error"] is None
    plain = _plain_grads(2, 0.05)
    assert_grads_equal(_trace_grads(data), plain)
    dumped = json.loads((tmp_path / "dump.json").read_text())  # the traced run's own values
    assert_grads_equal({k: torch.tensor(v) for k, v in dumped["grads"].items()}, plain)
    assert data["files"][0]["source"] == TRAIN_PY.read_text()  # the script comes first
    model_file = file_index(data, MODEL_PY)
    tanh = [n for n in data["graph"]["nodes"] if n["op"] == "TanhBackward0"]
    assert [(n.get("file", 0), n["line"]) for n in tanh] == [
        (model_file, line_of(MODEL_PY, "torch.tanh(hidden)"))] * 2
    assert _embedded(tmp_path / "run.html") == data
    assert not (tmp_path / "train.gradtrace.html").exists()


def test_an_exception_in_model_code_exits_1_and_keeps_the_trace(tmp_path: Path) -> None:
    done = _gradtrace(tmp_path, "run", "--json", "err.json", str(TRAIN_PY), "--bad-input")
    assert done.returncode == 1, done.stderr[-3000:]
    assert "Traceback (most recent call last)" in done.stderr
    assert "RuntimeError: mat1 and mat2 shapes cannot be multiplied" in done.stderr
    data = json.loads((tmp_path / "err.json").read_text())
    error = data["error"]
    assert not data["ok"] and error["type"] == "RuntimeError"
    assert error.get("file", 0) == file_index(data, MODEL_PY)
    assert error["line"] == line_of(MODEL_PY, "self.fc1(x)")
    assert f"model.py:{error['line']}" in done.stderr  # the summary's "stopped at"


def test_sys_exit_code_is_the_exit_status_and_the_viewer_is_written(tmp_path: Path) -> None:
    done = _gradtrace(tmp_path, "run", str(TRAIN_PY), "--steps", "1", "--exit-code", "3")
    assert done.returncode == 3, done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    written = tmp_path / "train.gradtrace.html"  # the default: <stem>.gradtrace.html in cwd
    data = _embedded(written)
    assert len(data["calls"]) == 1
    assert data["error"]["type"] == "SystemExit"


def test_steps_records_only_the_second_step(tmp_path: Path) -> None:
    done = _gradtrace(tmp_path, "run", "--steps", "1", "--json", "one.json", "--max-values",
                      "64", str(TRAIN_PY), "--steps", "3")
    assert done.returncode == 0, done.stderr[-3000:]
    data = json.loads((tmp_path / "one.json").read_text())
    assert [call["kind"] for call in data["calls"]] == ["backward"]
    assert len(data["graph"]["nodes"]) == 8 + 4
    # a leaf's grad in the trace is what the last recorded step left (step 1 of 0..2), not
    # what later, unrecorded steps wrote into .grad
    assert_grads_equal(_trace_grads(data), _plain_grads(2, 0.1))
    second = {data["graph"]["nodes"][e["node"]]["label"]: tensor_of(data, e["leaf_grad"])
              for e in data["events"] if isinstance(e, dict) and "leaf_grad" in e}
    assert_grads_equal(second, _plain_grads(2, 0.1))  # what step 1's backward left


def test_view_writes_the_viewer_of_a_saved_trace(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    with project_on_path() as train, gradtrace.trace() as recording:
        train.train(train.Config(steps=1))
    saved = recording.save(tmp_path / "saved.json")
    assert gradtrace.load(saved).to_dict() == recording.to_dict()
    done = _gradtrace(tmp_path, "view", str(saved), "--no-open")
    assert done.returncode == 0, done.stderr
    assert _embedded(tmp_path / "saved.html") == json.loads(saved.read_text())
    other = tmp_path / "elsewhere.html"
    assert main(["view", str(saved), "--no-open", "--html", str(other)]) == 0
    assert _embedded(other) == recording.to_dict()
    (tmp_path / "not.json").write_text('{"hello": 1}')
    assert main(["view", str(tmp_path / "not.json"), "--no-open"]) == 2
    assert "not a Gradtrace trace" in capsys.readouterr().err
