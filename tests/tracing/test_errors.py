"""Failing programs keep their trace and get PyTorch's message, the line and a hint."""

from __future__ import annotations

import pytest
import torch

from gradtrace.api.schemas import ErrorInfo
from gradtrace.sandbox.errors import PolicyError
from gradtrace.tracing import TraceOptions
from gradtrace.tracing.errors import (
    ERROR_KINDS,
    OutputLimitError,
    ProgramTimeout,
    TraceLimitError,
    describe_error,
    error_object,
    hint_for,
)
from gradtrace.tracing.hints import FIXED_HINTS
from tests.long_form import trace_long


def _plain_error(source: str) -> BaseException:
    try:
        exec(source, {})
    except Exception as exc:
        return exc
    raise AssertionError("the program did not fail in plain PyTorch")


SECOND_TIME = """
import torch
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = (x * x).sum()
y.backward()
y.backward()
"""

CASES = [
    (SECOND_TIME, 6, "retain_graph"),
    ("import torch\nx = torch.ones(2)\ny = x * 2\ny.sum().backward()\n", 4, "requires_grad=True"),
    ("import torch\nx = torch.tensor([1, 2], requires_grad=True)\n", 2, "float"),
    ("import torch\nx = torch.ones(2, requires_grad=True)\n(x * 2).backward()\n", 3, "scalar"),
    (
        "import torch\na = torch.ones(2, requires_grad=True)\nb = a.sigmoid()\nb.mul_(2)\n"
        "b.sum().backward()\n",
        5,
        "in place",
    ),
]


@pytest.mark.parametrize(("source", "line", "hint_word"), CASES)
def test_runtime_errors_match_pytorch(source: str, line: int, hint_word: str) -> None:
    result = trace_long(source)
    expected = _plain_error(source)
    error = result["error"]
    assert result["ok"] is False
    assert error["kind"] == "runtime"
    assert error["type"] == type(expected).__name__
    assert error["message"] == str(expected)
    assert error["line"] == line
    assert hint_word in error["hint"]


def test_trace_up_to_the_error_is_kept() -> None:
    result = trace_long(SECOND_TIME)
    assert [n["op"] for n in result["graph"]["nodes"]] == [
        "AccumulateGrad",
        "MulBackward0",
        "SumBackward0",
    ]
    assert result["variables"]["x"]["grad"]["values"] == [2.0, 4.0]


def test_non_leaf_grad_prints_none_and_warns() -> None:
    result = trace_long(
        "import torch\nx = torch.ones(1, requires_grad=True)\ny = x * 2\n"
        "y.sum().backward()\nprint(y.grad)\n"
    )
    assert result["stdout"] == "None\n"
    assert any("not a leaf Tensor" in w for w in result["warnings"])


def test_syntax_error_has_line() -> None:
    result = trace_long("import torch\nx = (1 +\n")
    assert result["error"]["kind"] == "syntax" and result["error"]["line"] == 2


def test_stdout_cap_stops_the_program() -> None:
    result = trace_long(
        "while True:\n    print('spam')\n", options=TraceOptions(max_stdout_bytes=1000)
    )
    assert result["error"]["kind"] == "output_limit"
    assert len(result["stdout"].encode()) <= 1000


def test_node_cap_stops_the_program_even_if_it_catches_exceptions() -> None:
    source = (
        "import torch\nx = torch.ones(1, requires_grad=True)\n"
        "for i in range(1000):\n    try:\n        x = x * 1\n    except Exception:\n"
        "        pass\n"
    )
    result = trace_long(source, options=TraceOptions(max_nodes=100))
    assert result["error"]["kind"] == "output_limit"
    assert "graph nodes" in result["error"]["message"]
    assert len(result["graph"]["nodes"]) == 100


def test_every_hint_is_reachable_from_a_real_pytorch_message() -> None:
    x = torch.ones(2, requires_grad=True)
    try:
        x.add_(1)
    except RuntimeError as exc:
        assert hint_for(str(exc)) is not None


def test_import_error_hint_lists_no_modules() -> None:
    """What may be imported is the sandbox's to say (from its allow-list); the tracer only
    points at the spelling, and keeps Python's message and line."""
    source = "import torch\nfrom torch import tensr\n"
    result = trace_long(source)
    expected = _plain_error(source)
    error = result["error"]
    assert (error["type"], error["message"], error["line"]) == (
        type(expected).__name__, str(expected), 2)
    assert error["hint"] == "Check the spelling of the module, and of each name imported from it."


# --- the error tree: one kind list, one constructor (issue 18) ---


@pytest.mark.parametrize(("exc", "kind"), [
    (ProgramTimeout(2.0), "timeout"),
    (TraceLimitError("graph nodes", 10), "output_limit"),
    (OutputLimitError("stdout bytes", 10), "output_limit"),
    (MemoryError(), "memory"),
    (RuntimeError("DefaultCPUAllocator: can't allocate memory: you tried 9 GB"), "memory"),
    (SyntaxError("invalid syntax", ("<program>", 3, 1, "x = (", 3, 1)), "syntax"),
    (NameError("name 'y' is not defined"), "runtime"),
    (ImportError("No module named 'tourch'"), "runtime"),
])
def test_each_exception_of_the_tree_maps_to_its_kind(exc: BaseException, kind: str) -> None:
    error = describe_error(exc)
    assert error["kind"] == kind
    assert error["kind"] in ERROR_KINDS
    assert error["type"] == type(exc).__name__
    assert error["hint"]


def test_a_refusal_maps_to_its_kind_through_the_same_constructor() -> None:
    refused = PolicyError("forbidden", "`open` is not part of the playground", 4, 2).to_dict()
    unreadable = PolicyError("syntax", "too deeply nested", 1, 0, "Flatten it.").to_dict()
    assert list(refused) == ["kind", "type", "message", "line", "col", "hint"]
    assert (refused["kind"], refused["type"], refused["line"], refused["col"]) == (
        "forbidden", "PolicyError", 4, 2)
    assert refused["hint"] == FIXED_HINTS["forbidden"]
    assert (unreadable["type"], unreadable["hint"]) == ("SyntaxError", "Flatten it.")


def test_error_object_names_the_fields_once() -> None:
    assert error_object("crash", "CrashError", "died") == {
        "kind": "crash", "type": "CrashError", "message": "died", "line": None, "hint": None}
    assert error_object("runtime", "ValueError", "bad", 3, "h", file=1)["file"] == 1


def test_the_api_schema_takes_its_kinds_from_the_tracer() -> None:
    schema = ErrorInfo.model_json_schema()
    assert tuple(schema["properties"]["kind"]["enum"]) == ERROR_KINDS


def test_a_cap_and_a_timeout_get_their_fixed_hints() -> None:
    assert describe_error(TraceLimitError("graph nodes", 10))["hint"] == (
        "Make the program smaller: it is capped at 10 graph nodes.")
    assert describe_error(ProgramTimeout(1.0))["hint"] == FIXED_HINTS["timeout"]
