"""nn models traced and compared with plain PyTorch: values, gradients, module names, lines.

Which module created a node, and on which line, is taken from PyTorch itself: a plain run
with global forward hooks notes, for every module call, the ``grad_fn`` of its output and the
innermost program line on the stack. The first hook to see a ``grad_fn`` is the innermost
module that made it, which is the module the trace must name.
"""

from __future__ import annotations

import builtins
import contextlib
import io
import traceback
from collections import Counter
from typing import Any

import pytest
import torch
from torch.nn.modules import module as nn_module

from gradtrace.tracing import TraceOptions
from tests.long_form import trace_long
from tests.tracing.oracle import PROGRAM, run_plain, walk_grad_fn
from tests.tracing.oracle_checks import (
    assert_events,
    assert_matches_plain,
    assert_parameter_grads,
)

CNN = """
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 3, 3, padding=1)
        self.conv2 = nn.Conv2d(3, 6, 3)
        self.pool = nn.MaxPool2d(2)
        self.fc1 = nn.Linear(6 * 2 * 2, 10)
        self.fc2 = nn.Linear(10, 4)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = F.relu(self.conv2(x))
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        return self.fc2(x)


model = Net()
criterion = nn.CrossEntropyLoss()
images = torch.randn(3, 1, 8, 8)
labels = torch.tensor([1, 0, 3])
logits = model(images)
loss = criterion(logits, labels)
loss.backward()
print(loss.item())
"""

TRANSFORMER = """
import torch
import torch.nn as nn
import torch.nn.functional as F


class Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Linear(4, 16)
        layer = nn.TransformerEncoderLayer(16, nhead=2, dim_feedforward=32, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False)
        self.head = nn.Linear(16, 3)

    def forward(self, x):
        return self.head(self.encoder(self.embed(x)))


model = Tagger()
tokens = torch.randn(2, 5, 4)
targets = torch.tensor([[0, 1, 2, 0, 1], [2, 2, 1, 0, 0]])
logits = model(tokens)
loss = F.cross_entropy(logits.reshape(-1, 3), targets.reshape(-1))
loss.backward()
"""

PROGRAMS = {"cnn": CNN, "transformer": TRANSFORMER}
FULL_VALUES = TraceOptions(max_values=1 << 16)


def _first_tensor(output: Any) -> torch.Tensor | None:
    if isinstance(output, torch.Tensor):
        return output
    if isinstance(output, tuple | list):
        return next((o for o in output if isinstance(o, torch.Tensor)), None)
    return None


def _module_origins(source: str, root: str) -> Counter[tuple[str, str, int | None]]:
    """(op, module qualified name, line) of each module call's output node, per PyTorch."""
    seen: list[tuple[Any, torch.nn.Module, int | None]] = []

    def note(module: torch.nn.Module, inputs: Any, output: Any) -> None:
        tensor = _first_tensor(output)
        if tensor is None or tensor.grad_fn is None:
            return
        if any(fn is tensor.grad_fn for fn, _, _ in seen):
            return  # an inner module already made this node
        lines = [f.lineno for f in traceback.extract_stack() if f.filename == PROGRAM]
        seen.append((tensor.grad_fn, module, lines[-1] if lines else None))

    namespace: dict[str, Any] = {"__builtins__": builtins}
    torch.manual_seed(0)
    handle = nn_module.register_module_forward_hook(note)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(source, PROGRAM, "exec"), namespace)
    finally:
        handle.remove()
    names = {module: name for name, module in namespace[root].named_modules() if name}
    return Counter((fn.name(), names[module], line) for fn, module, line in seen if module in names)


def _trace_origins(result: dict[str, Any]) -> Counter[tuple[str, str, int | None]]:
    return Counter(
        (n["op"], n["module"], n["line"]) for n in result["graph"]["nodes"] if n["kind"] == "op"
    )


@pytest.mark.parametrize("name", list(PROGRAMS))
def test_model_trace_matches_plain_pytorch(name: str) -> None:
    source = PROGRAMS[name]
    result = trace_long(source)  # first: C++ warn-once warnings go to the trace
    plain = run_plain(source)
    assert plain.error is None
    assert_matches_plain(result, plain)
    full = trace_long(source, options=FULL_VALUES)
    assert_events(full, plain, source)
    assert_parameter_grads(full, plain)


@pytest.mark.parametrize("name", list(PROGRAMS))
def test_nodes_name_the_module_and_line_that_created_them(name: str) -> None:
    source = PROGRAMS[name]
    result = trace_long(source)
    expected = _module_origins(source, "model")
    assert expected, "the oracle saw no module outputs"
    missing = expected - _trace_origins(result)
    assert not missing, f"(op, module, line) not in trace: {sorted(missing)[:5]}"
    last_line = len(source.splitlines())
    for node in result["graph"]["nodes"]:
        if node["kind"] == "op":
            assert isinstance(node["line"], int) and 1 <= node["line"] <= last_line, node


def test_cnn_convolutions_sit_in_their_modules() -> None:
    result = trace_long(CNN)
    convs = [n for n in result["graph"]["nodes"] if n["op"] == "ConvolutionBackward0"]
    assert sorted(n["module"] for n in convs) == ["conv1", "conv2"]


@pytest.mark.parametrize("name", list(PROGRAMS))
def test_parameters_are_labelled_with_their_qualified_names(name: str) -> None:
    source = PROGRAMS[name]
    plain = run_plain(source)
    model = plain.namespace["model"]
    names = [n for n, _ in model.named_parameters()]
    _, leaf_count = walk_grad_fn(plain.namespace["loss"].grad_fn)
    assert leaf_count == len(names)  # every parameter takes part in the loss
    labels = Counter(
        n["label"] for n in trace_long(source)["graph"]["nodes"] if n["kind"] == "leaf"
    )
    assert labels == Counter(names)
