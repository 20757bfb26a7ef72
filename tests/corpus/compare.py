"""One comparison of a corpus program's trace with its plain-PyTorch run, and its diagnosis.

Kept apart from the tests so the same comparison serves the in-process test, the live-server
test and ``python -m tests.corpus.classify`` (which helpers run to see what is left).
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

import orjson
import torch

from gradtrace.sandbox.local import trace_file
from gradtrace.tracing.wire import dumps, expand
from tests.corpus.plain import plain_run, program_retained
from tests.tracing.oracle import PlainRun
from tests.tracing.oracle_checks import assert_matches_plain, assert_view

__all__ = [
    "PROGRAMS",
    "PROGRAM_DIR",
    "compare",
    "refusal",
    "run_and_compare",
    "source_of",
    "trace_sandboxed",
    "with_float_specials",
]

PROGRAM_DIR = Path(__file__).resolve().parent / "programs"
PROGRAMS = sorted(path.stem for path in PROGRAM_DIR.glob("*.py"))
PLAYGROUND_MARKS = ("in the playground", "not part of the playground")
# ``print(loss.grad_fn)`` shows ``<MseLossBackward0 object at 0x7f...>``: the address differs
# between any two runs, plain PyTorch's own included, so it is not compared.
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+>")


def source_of(name: str) -> str:
    """The text of one corpus program."""
    return (PROGRAM_DIR / f"{name}.py").read_text()


def trace_sandboxed(source: str) -> dict[str, Any]:
    """Policy + facade + tracer in this process, read back through the wire format."""
    result, _ = trace_file(source)
    expanded: dict[str, Any] = with_float_specials(expand(orjson.loads(dumps(result))))
    return expanded


_SPECIAL = {"nan": float("nan"), "inf": float("inf"), "-inf": float("-inf")}
_STATS = ("min", "max", "mean", "std", "norm")


def _floats(values: Any) -> Any:
    if isinstance(values, list):
        return [_floats(v) for v in values]
    return _SPECIAL.get(values, values) if isinstance(values, str) else values


def with_float_specials(node: Any) -> Any:
    """The wire format writes NaN and infinities as strings; the shared checks read numbers,
    so every tensor view (a dict with ``values`` and ``dtype``) gets floats back."""
    if isinstance(node, list):
        return [with_float_specials(item) for item in node]
    if not isinstance(node, dict):
        return node
    if "values" in node and "dtype" in node:
        node = {**node, "values": _floats(node["values"])}
        node.update({k: _floats(node[k]) for k in _STATS if k in node})
        return node
    return {key: with_float_specials(value) for key, value in node.items()}


def refusal(result: dict[str, Any]) -> str | None:
    """Why the sandbox (not PyTorch) refused the program, or None."""
    error = result.get("error")
    if not error:
        return None
    if error["kind"] == "forbidden":
        return f"policy (line {error['line']}): {error['message']}"
    if any(mark in str(error["message"]) for mark in PLAYGROUND_MARKS):
        return f"facade (line {error['line']}): {error['message']}"
    return None


def compare(result: dict[str, Any], plain: PlainRun) -> None:
    """Everything PyTorch observed, field by field; a sandbox refusal fails first, by name."""
    refused = refusal(result)
    assert refused is None, f"refused by the sandbox: {refused}"
    result = {**result, "stdout": _ADDRESS.sub(" at 0x…>", result["stdout"])}
    plain = dataclasses.replace(plain, stdout=_ADDRESS.sub(" at 0x…>", plain.stdout))
    assert_matches_plain(result, plain)
    assert_parameter_grads_shown(result, plain)
    assert_sparse_marked(result, plain)
    for name, grad in program_retained(plain).items():
        assert_view(result["variables"][name]["grad"], grad, f"variables[{name}].grad (retained)")


def _shows(node: dict[str, Any], grad: torch.Tensor) -> bool:
    try:
        assert_view(node["grad"], grad, "grad")
    except AssertionError:
        return False
    return True


def assert_parameter_grads_shown(result: dict[str, Any], plain: PlainRun) -> None:
    """Each module parameter's final .grad is on some leaf of the trace. Which name labels
    the leaf is the tracer's choice (a loop variable such as ``param`` may win over
    ``0.bias``), so the leaf is found by its gradient, preferring one labelled by name."""
    leaves = [n for n in result["graph"]["nodes"] if n["kind"] == "leaf"]
    for name, grads in plain.parameter_grads.items():
        for grad in grads:
            if grad is None:
                continue
            named = [n for n in leaves if n["label"] and n["label"].endswith(name)]
            assert any(_shows(n, grad) for n in named + leaves), f"parameter {name}: grad"


def _sparse_grads(plain: PlainRun) -> dict[str, str]:
    """Name (variable, or parameter as named_parameters gives it) -> layout of a non-dense
    .grad in the plain run (``nn.Embedding(sparse=True)``)."""
    found: dict[str, str] = {}
    for name, value in plain.namespace.items():
        tensors = (
            value.named_parameters() if isinstance(value, torch.nn.Module)
            else [(name, value)] if isinstance(value, torch.Tensor) and value.is_leaf
            else []
        )
        for label, tensor in tensors:
            if tensor.grad is not None and tensor.grad.layout != torch.strided:
                found[label] = str(tensor.grad.layout).removeprefix("torch.")
    return found


def assert_sparse_marked(result: dict[str, Any], plain: PlainRun) -> None:
    """A sparse .grad is compared by its dense values; the trace must also say it is sparse."""
    leaves = [n for n in result["graph"]["nodes"] if n["kind"] == "leaf" and n["grad"]]
    for name, layout in _sparse_grads(plain).items():
        labelled = [n for n in leaves if n["label"] and n["label"].endswith(name)]
        assert labelled, f"no leaf labelled {name} shows its sparse grad"
        assert all(n["grad"].get("layout") == layout for n in labelled), f"{name}.grad layout"


def run_and_compare(name: str) -> None:
    """Trace one corpus program in the sandbox, run it plainly, compare."""
    source = source_of(name)
    result = trace_sandboxed(source)  # first: C++ warn-once warnings go to the trace
    compare(result, plain_run(source))
