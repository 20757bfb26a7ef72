"""Issue 16 item 4: ``POST /api/v1/trace`` with an expression and its inputs, no program.

The oracle is plain PyTorch evaluating the same expression over the same inputs in this
process (leaves built with ``torch.tensor(value, requires_grad=True)``, backward on the
result or, when it holds more than one value, on its sum). It never looks at the program
the server wrote, so a wrong program fails here; the echoed program is then also run with
``run_plain`` and compared with the trace as any program is.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import torch
from torch.nn import functional

from gradtrace.api.schemas import ExampleList, ProblemDetail, TraceResponse
from tests.api.live_server import LiveServer
from tests.long_form import long_json
from tests.tracing.oracle import run_plain
from tests.tracing.oracle_checks import assert_matches_plain, assert_view

TRACE = "/api/v1/trace"


@dataclass
class Plain:
    leaves: dict[str, torch.Tensor]
    result: Any
    summed: bool | None
    error: BaseException | None


def plain(expression: str, inputs: dict[str, Any]) -> Plain:
    """The expression in plain PyTorch: leaves, result, their grads, or what it raised."""
    leaves = {name: torch.tensor(value, dtype=torch.float32, requires_grad=True)
              for name, value in inputs.items()}
    scope: dict[str, Any] = {"torch": torch, "math": math, "F": functional, **leaves}
    result: Any = None
    summed: bool | None = None
    try:
        result = eval(expression, scope)
        summed = result.numel() != 1
        (result.sum() if summed else result).backward()
    except Exception as exc:
        return Plain(leaves, result, None, exc)
    return Plain(leaves, result, summed, None)


def post(http: httpx.Client, expression: str, inputs: dict[str, Any]) -> dict[str, Any]:
    response = http.post(TRACE, json={"expression": expression, "inputs": inputs})
    assert response.status_code == 200, response.text[:400]
    TraceResponse.model_validate(response.json())
    return long_json(response)


CASES: list[tuple[str, dict[str, Any]]] = [
    ("x * y + torch.sin(z)", {"x": 2.0, "y": [1.0, 2.0], "z": [[0.5, 1.0], [1.5, 2.0]]}),
    ("x * y", {"x": 3, "y": -1.5}),  # ints become float leaves; a scalar needs no sum
    ("(w @ v).tanh() * a", {"w": [[1, 2, 3], [0.5, -1, 2]], "v": [0.1, 0.2, -0.3], "a": 1.5}),
    ("torch.exp(-x ** 2 / 2) / math.sqrt(2 * math.pi)", {"x": [-1.0, 0.0, 0.5, 2.0]}),
    ("F.softmax(logits, dim=0)[1]", {"logits": [1.0, 2.0, 0.5]}),
    ("(p * p.log()).sum()", {"p": [[0.2, 0.3], [0.1, 0.4]]}),
    ("u * 2", {"u": [4.0]}),  # one element, shape [1]: backward() takes it as it is
    ("(a - b).abs().max() + c.sum()", {"a": [1.0, 5.0], "b": [2.0, 1.0], "c": []}),
]


@pytest.mark.parametrize(("expression", "inputs"), CASES)
def test_values_and_grads_match_plain_pytorch(
    http: httpx.Client, expression: str, inputs: dict[str, Any]
) -> None:
    body = post(http, expression, inputs)
    want = plain(expression, inputs)
    assert want.error is None or isinstance(want.error, RuntimeError)
    if want.error is None:
        assert body["ok"] and body["error"] is None, body["error"]
        assert_view(body["variables"]["result"]["value"], want.result, "result")
    for name, leaf in want.leaves.items():
        got = body["variables"][name]
        assert got["is_leaf"] and got["requires_grad"], name
        assert_view(got["value"], leaf, f"{name}.value")
        assert_view(got["grad"], leaf.grad, f"{name}.grad")
    echo = body["expression"]
    assert echo["expression"] == expression
    assert echo["backward_on"] == {True: "result.sum()", False: "result", None: None}[want.summed]
    line = echo["program"].splitlines()[echo["line"] - 1]
    assert line[echo["col"]:] == expression
    assert_matches_plain(body, run_plain(echo["program"]))


def test_gallery_expression_example_opens_as_an_expression(http: httpx.Client) -> None:
    """The gallery entry's program is the one the server writes, and both trace the same."""
    examples = ExampleList.model_validate(http.get("/api/v1/examples").json()).examples
    entries = [e for e in examples if e.expression is not None]
    assert entries, "no expression example in the gallery"
    for entry in entries:
        assert entry.inputs is not None
        body = post(http, entry.expression or "", entry.inputs)
        assert body["expression"]["program"] == entry.code
        want = plain(entry.expression or "", entry.inputs)
        assert want.error is None
        for name, leaf in want.leaves.items():
            assert_view(body["variables"][name]["grad"], leaf.grad, f"{entry.id}: {name}.grad")


def test_runtime_error_is_pytorchs_and_points_into_the_expression(http: httpx.Client) -> None:
    expression, inputs = "x @ y", {"x": [1.0, 2.0], "y": [[1.0, 2.0, 3.0]]}
    body = post(http, expression, inputs)
    want = plain(expression, inputs)
    assert want.error is not None
    error = body["error"]
    assert (error["kind"], error["type"]) == ("runtime", type(want.error).__name__)
    assert str(want.error).splitlines()[0] in error["message"]
    assert error["line"] == body["expression"]["line"] and error["expression_line"] == 1
    assert body["expression"]["backward_on"] is None


def test_an_expression_without_inputs_fails_like_pytorch(http: httpx.Client) -> None:
    body = post(http, "torch.ones(3) * 2", {})
    want = plain("torch.ones(3) * 2", {})
    assert want.error is not None and body["error"] is not None
    assert body["error"]["type"] == type(want.error).__name__
    assert str(want.error).splitlines()[0] in body["error"]["message"]
    program = body["expression"]["program"].splitlines()
    assert program[body["error"]["line"] - 1].strip() == "result.sum().backward()"
    assert "expression_line" not in body["error"]  # raised by backward, not the expression


@pytest.mark.parametrize(("expression", "needle"), [
    ("x.__class__", "__class__"),
    ("x + open('secrets')", "open"),
    ("(x * 2).sum() + __import__('os').getpid()", "getpid"),  # the outermost offence first
])
def test_refused_expression_names_the_column_within_it(
    http: httpx.Client, expression: str, needle: str
) -> None:
    body = post(http, expression, {"x": [1.0, 2.0]})
    error = body["error"]
    assert error["kind"] == "forbidden" and error["type"] == "PolicyError", error
    assert error["line"] == body["expression"]["line"]
    assert error["expression_line"] == 1
    assert error["expression_col"] == expression.index(needle)
    assert needle in error["message"]
    assert body["graph"]["nodes"] == []


def test_syntax_error_is_located_in_the_expression(http: httpx.Client) -> None:
    expression = "x * (y + 2"
    body = post(http, expression, {"x": 1.0, "y": 2.0})
    try:
        compile(expression, "<expression>", "eval")
    except SyntaxError as exc:
        expected = exc
    error = body["error"]
    assert error["kind"] == "syntax" and error["type"] == "SyntaxError"
    assert expected.msg in error["message"]
    assert error["expression_col"] == (expected.offset or 1) - 1
    program_line = body["expression"]["program"].splitlines()[error["line"] - 1]
    assert program_line == "result = " + expression
    # a statement is not an expression, even if it would run as a program line
    assert post(http, "x; import os", {"x": 1.0})["error"]["kind"] == "syntax"


def _details(http: httpx.Client, payload: dict[str, Any]) -> list[dict[str, Any]]:
    response = http.post(TRACE, json=payload)
    assert response.status_code == 422, response.text[:300]
    problem = ProblemDetail.model_validate(response.json())
    assert problem.error == "invalid_request"
    assert isinstance(problem.detail, list) and problem.detail
    return problem.detail


def _problem(http: httpx.Client, payload: dict[str, Any]) -> str:
    return " ".join(d["msg"] for d in _details(http, payload))


@pytest.mark.parametrize(("inputs", "named", "says"), [
    ({"x": 1.0, "y": [[1.0, 2.0], [3.0]]}, "inputs.y", "ragged"),
    ({"y": [1.0, [2.0]]}, "inputs.y", "ragged"),
    ({"s": "1.5"}, "inputs.s", "not a number"),
    ({"s": [1.0, "2"]}, "inputs.s", "not a number"),
    ({"b": True}, "inputs.b", "not a number"),
    ({"n": None}, "inputs.n", "not a number"),
    ({"d": {"a": 1}}, "inputs.d", "not a number"),
    ({"big": 10**400}, "inputs.big", "too large"),
    ({"1x": 1.0}, "inputs['1x']", "identifier"),
    ({"a b": 1.0}, "inputs['a b']", "identifier"),
    ({"lambda": 1.0}, "inputs.lambda", "keyword"),
    ({"torch": 1.0}, "inputs.torch", "the program uses"),
    ({"math": 1.0}, "inputs.math", "the program uses"),
    ({"result": 1.0}, "inputs.result", "the program uses"),
    ({"_x": 1.0}, "inputs._x", "underscore"),
    ({"t": [[[[[[[1.0]]]]]]]}, "inputs.t", "nested"),
    ({"a": [0.0] * 500, "b": [0.0] * 13}, "inputs.b", "too many elements"),
])
def test_bad_inputs_get_a_422_naming_the_input(
    http: httpx.Client, inputs: dict[str, Any], named: str, says: str
) -> None:
    details = _details(http, {"expression": "x", "inputs": inputs})
    message = " ".join(d["msg"] for d in details)
    assert f"{named}:" in message and says in message, message
    name = named.removeprefix("inputs.").removeprefix("inputs['").removesuffix("']")
    assert details[0]["loc"] == ["body", "inputs", name]


def test_non_finite_numbers_get_a_422_naming_the_input(http: httpx.Client) -> None:
    for text in ("NaN", "Infinity", "-Infinity"):
        raw = '{"expression": "x * w", "inputs": {"x": 1.0, "w": [1.0, ' + text + "]}}"
        response = http.post(TRACE, content=raw, headers={"Content-Type": "application/json"})
        assert response.status_code == 422, (text, response.text[:200])
        message = " ".join(d["msg"] for d in response.json()["detail"])
        assert "inputs.w:" in message and "finite" in message, message


@pytest.mark.parametrize(("payload", "field"), [
    ({}, "code"),
    ({"code": "import torch\n", "expression": "x", "inputs": {"x": 1.0}}, "expression"),
    ({"code": "import torch\n", "inputs": {"x": 1.0}}, "inputs"),
    ({"expression": "   ", "inputs": {}}, "expression"),
    ({"expression": "x + " * 600 + "x", "inputs": {"x": 1.0}}, "expression"),
    ({"expression": "x", "inputs": {f"x{i}": 1.0 for i in range(17)}}, "inputs"),
])
def test_malformed_requests_are_422(
    http: httpx.Client, payload: dict[str, Any], field: str
) -> None:
    assert _details(http, payload)[0]["loc"] == ["body", field]


def test_program_over_the_code_limit_is_413(live: LiveServer, http: httpx.Client) -> None:
    limit = int(live.setting("max_code_chars"))
    value = [1.0 / 3.0 + i for i in range(500)]  # 18-character floats
    response = http.post(TRACE, json={"expression": "v.sum()", "inputs": {"v": value}})
    assert sum(len(repr(v)) + 2 for v in value) > limit  # the test server's limit is small
    assert response.status_code == 413
    problem = ProblemDetail.model_validate(response.json())
    assert problem.error == "code_too_large" and str(limit) in problem.message


def test_programs_still_work_and_code_is_unchanged(http: httpx.Client) -> None:
    code = "import torch\nx = torch.ones(2, requires_grad=True)\n(x * 3).sum().backward()\n"
    body = long_json(http.post(TRACE, json={"code": code}))
    assert "expression" not in body
    assert_matches_plain(body, run_plain(code))
