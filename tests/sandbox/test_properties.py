"""Property-based tests against a real server: whatever the program, never a 500.

Hypothesis writes programs from the playground's grammar (leaves, arithmetic, allowed tensor
methods, loops, ``no_grad`` blocks, backward and ``autograd.grad`` calls) and mutates them
(flipped characters, deleted tokens, random unicode, deep nesting). Every answer must be an
HTTP 200 carrying a valid TraceResponse, or a structured 4xx. Grammar programs are also run
by plain PyTorch, whose leaf gradients and error type the trace must reproduce.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gradtrace.api.schemas import ProblemDetail, TraceResponse
from gradtrace.tracing.wire import expand
from tests.tracing.oracle import run_plain

TRACE = "/api/v1/trace"
PROPERTY = settings(max_examples=40, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


UNARY = ["sin()", "cos()", "exp()", "tanh()", "sigmoid()", "relu()", "abs()", "pow(2)",
         "clamp(-1.0, 1.0)", "neg()", "sqrt()", "log()", "square()", "mean()", "sum()"]
BINARY = ["+", "-", "*", "/"]
LEAVES = ["a", "b"]


@st.composite
def expressions(draw: st.DrawFn, names: list[str]) -> str:
    """A tensor expression over the names bound so far."""
    left = draw(st.sampled_from(names))
    kind = draw(st.sampled_from(["unary", "binary", "scalar", "torch"]))
    if kind == "unary":
        return f"{left}.{draw(st.sampled_from(UNARY))}"
    if kind == "binary":
        return f"{left} {draw(st.sampled_from(BINARY))} {draw(st.sampled_from(names))}"
    if kind == "scalar":
        value = draw(st.floats(-3, 3, allow_nan=False).map(lambda v: round(v, 2)))
        return f"{left} {draw(st.sampled_from(BINARY))} {value}"
    fn = draw(st.sampled_from(["torch.sin", "torch.exp", "torch.tanh", "torch.sigmoid"]))
    return f"{fn}({left})"


@st.composite
def programs(draw: st.DrawFn) -> str:
    """A tutorial-style program: two leaves, a few steps, then backward or autograd.grad."""
    lines = ["import torch",
             "a = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)",
             "b = torch.tensor([1.5, 0.25, -0.75], requires_grad=True)"]
    names = list(LEAVES)
    for i in range(draw(st.integers(1, 6))):
        name = f"v{i}"
        form = draw(st.sampled_from(["assign", "assign", "loop", "no_grad", "print"]))
        expr = draw(expressions(names))
        if form == "loop":
            lines += [f"{name} = {names[-1]}", f"for i in range({draw(st.integers(1, 4))}):",
                      f"    {name} = {name} * 0.5 + {draw(st.sampled_from(names))}"]
        elif form == "no_grad":
            lines += ["with torch.no_grad():", f"    {name} = {expr}"]
        elif form == "print":
            lines += [f"{name} = {expr}", f"print({name})"]
        else:
            lines.append(f"{name} = {expr}")
        names.append(name)
    final = names[-1]
    ending = draw(st.sampled_from(["backward", "backward_twice", "grad", "grad_create"]))
    if ending == "backward":
        lines.append(f"{final}.sum().backward()")
    elif ending == "backward_twice":
        lines += [f"out = {final}.sum()", "out.backward(retain_graph=True)", "out.backward()"]
    elif ending == "grad":
        lines.append(f"ga, gb = torch.autograd.grad({final}.sum(), [a, b], allow_unused=True)")
    else:
        lines += [f"(g,) = torch.autograd.grad({final}.sum(), a, create_graph=True)",
                  "g.sum().backward()"]
    return "\n".join(lines) + "\n"


def _check_answer(response: httpx.Response) -> dict[str, Any] | None:
    """200 with a valid TraceResponse (returned) or a structured 4xx (None)."""
    assert response.status_code < 500, response.text[:500]
    if response.status_code == 200:
        body: dict[str, Any] = response.json()
        TraceResponse.model_validate(body)
        assert body["ok"] == (body["error"] is None)
        return expand(body)
    assert 400 <= response.status_code < 500, response.status_code
    ProblemDetail.model_validate(response.json())
    return None


@pytest.mark.slow
@PROPERTY
@given(source=programs())
def test_grammar_programs_trace_like_pytorch(http: httpx.Client, source: str) -> None:
    body = _check_answer(http.post(TRACE, json={"code": source}))
    assert body is not None
    plain = run_plain(source)
    if plain.error is not None:
        assert body["error"] is not None and body["error"]["kind"] == "runtime", body["error"]
        assert body["error"]["type"] == plain.error.type
        return
    assert body["ok"], body["error"]
    for leaf in LEAVES:
        expected = plain.variables[leaf].grad
        view = body["variables"][leaf]["grad"]
        if expected is None:
            assert view is None, leaf
            continue
        got = torch.tensor(_floats(view["values"]), dtype=torch.float64)
        assert torch.allclose(got, expected.double(), rtol=1e-4, atol=1e-5, equal_nan=True), (
            leaf, view["values"], expected)


def _floats(values: Any) -> Any:
    """TensorView values with non-finite numbers (sent as "inf", "-inf", "nan") as floats."""
    if isinstance(values, list):
        return [_floats(v) for v in values]
    return float(values)


@st.composite
def mutated(draw: st.DrawFn) -> str:
    """A grammar program damaged in one of several ways."""
    source = draw(programs())
    how = draw(st.sampled_from(["flip", "delete", "unicode", "nest", "insert"]))
    if how == "flip":
        at = draw(st.integers(0, len(source) - 1))
        char = draw(st.characters(codec="utf-8"))
        return source[:at] + char + source[at + 1:]
    if how == "delete":
        tokens = source.replace("(", " ( ").replace(")", " ) ").split(" ")
        at = draw(st.integers(0, len(tokens) - 1))
        return " ".join(tokens[:at] + tokens[at + 1:])
    if how == "unicode":
        return draw(st.text(min_size=1, max_size=200))
    if how == "nest":
        depth = draw(st.integers(50, 3000))
        opener, closer = draw(st.sampled_from([("(", ")"), ("[", "]"), ("-(", ")"),
                                               ("f(", ")"), ("not (", ")")]))
        return f"{source}x = {opener * depth}1{closer * depth}\n"
    lines = source.splitlines()
    at = draw(st.integers(0, len(lines)))
    junk = draw(st.text(alphabet=st.sampled_from(list("()[]{}:.,=+-*/%@'\"\\#_ \tab1\n")),
                        max_size=40))
    return "\n".join([*lines[:at], junk, *lines[at:]]) + "\n"


@pytest.mark.slow
@settings(PROPERTY, max_examples=60)
@given(source=mutated())
def test_mutated_programs_never_break_the_server(http: httpx.Client, source: str) -> None:
    _check_answer(http.post(TRACE, json={"code": source}))


ODD_BODIES = [
    '{"code": "\\ud800"}',  # a lone surrogate: valid JSON, not valid UTF-8
    '{"code": "print(\'\\ud83d\')"}',
    '{"code": "x = 1\\u0000"}',
    '{"code": "\\ufeffimport torch"}',
    '{"code": "print(\'\\u202e\')"}',
]


@pytest.mark.parametrize("raw", ODD_BODIES)
def test_odd_strings_never_break_the_server(http: httpx.Client, raw: str) -> None:
    response = http.post(TRACE, content=raw.encode(), headers={"Content-Type": "application/json"})
    _check_answer(response)
