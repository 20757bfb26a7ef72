"""The gallery's diagnostics topic: each example, run as the playground runs it (policy,
facade, tracer), shows the problem its text promises, and it is what plain PyTorch says."""

from __future__ import annotations

import contextlib

import pytest
import torch

from gradtrace.examples import load_examples
from gradtrace.sandbox import trace_file

TOPIC = "Why a gradient is None, NaN, tiny or huge"
# example id -> the diagnostic kind its text promises
PROMISED = {
    "grad-none": "grad_none",
    "unused-parameter": "unused_parameter",
    "nan-in-backward": "non_finite",
    "inplace-error": "inplace",  # the "Turning tracking off" topic's error example
    "vanishing-gradients": "vanishing_gradient",
    "exploding-gradients": "exploding_gradient",
}
EXAMPLES = {e.id: e for e in load_examples()}


def test_the_topic_has_an_example_for_every_other_diagnostic() -> None:
    in_topic = {e.id for e in EXAMPLES.values() if e.topic == TOPIC}
    assert in_topic == set(PROMISED) - {"inplace-error"}


@pytest.mark.parametrize("example_id", sorted(PROMISED))
def test_each_example_shows_its_diagnostic(example_id: str) -> None:
    result, _ = trace_file(EXAMPLES[example_id].code)
    kinds = {item["kind"] for item in result["diagnostics"]}
    assert PROMISED[example_id] in kinds, result["diagnostics"]
    for item in result["diagnostics"]:
        assert item["line"] is None or 1 <= item["line"] <= len(
            EXAMPLES[example_id].code.splitlines()), item


def _line_of(code: str, text: str) -> int:
    return next(i for i, line in enumerate(code.splitlines(), 1) if text in line)


def _plain(code: str) -> dict[str, object]:
    namespace: dict[str, object] = {"__name__": "__main__"}
    with contextlib.suppress(RuntimeError):  # the in-place example ends in its error
        exec(compile(code, "<plain>", "exec"), namespace)
    return namespace


def test_grad_none_names_exactly_the_tensors_plain_pytorch_leaves_without_grad() -> None:
    code = EXAMPLES["grad-none"].code
    result, _ = trace_file(code)
    named = {item.get("parameter") or item.get("tensor") for item in result["diagnostics"]
             if item["kind"] in ("grad_none", "unused_parameter")}
    cut = [item for item in result["diagnostics"] if item.get("reason") == "cut"]
    assert cut and all(item["line"] == _line_of(code, ".detach()") for item in cut)
    plain = _plain(code)
    expected = {name for name, value in plain.items()
                if isinstance(value, torch.Tensor) and value.requires_grad and value.is_leaf
                and value.grad is None}
    for module_name in ("encoder", "head"):
        module = plain[module_name]
        assert isinstance(module, torch.nn.Module)
        expected |= {f"{module_name}.{name}" for name, p in module.named_parameters()
                     if p.grad is None}
    assert named == expected


def test_nan_example_points_at_sqrt_and_plain_pytorch_has_nan() -> None:
    code = EXAMPLES["nan-in-backward"].code
    result, _ = trace_file(code)
    found = [item for item in result["diagnostics"] if item["kind"] == "non_finite"]
    assert found and found[0]["op"] == "SqrtBackward0"
    points = _plain(code)["points"]
    assert isinstance(points, torch.Tensor) and points.grad is not None
    assert torch.isnan(points.grad).any()
