"""The acceptance corpus: programs written as the autograd tutorials, docs and blog posts
write them, each traced in the sandbox and compared with plain PyTorch on the same text.

Each program in ``programs/`` must not be refused by the policy or the facade, and its trace
must agree with PyTorch: every variable's value and requires_grad/is_leaf, every leaf's and
every retained non-leaf's ``.grad``, the graph from every named tensor, module parameter
gradients, stdout, warnings, the backward()/grad() calls, and any error's type, message and
line. ``KNOWN_GAPS`` lists programs that still differ, with why; they are strict xfails, so
a fix makes the suite fail until its entry is removed.
"""

from __future__ import annotations

from typing import Any

import httpx
import orjson
import pytest

from gradtrace.tracing.wire import expand
from tests.corpus.compare import (
    PROGRAMS,
    compare,
    refusal,
    run_and_compare,
    source_of,
    trace_sandboxed,
    with_float_specials,
)
from tests.corpus.plain import plain_run
from tests.tracing import oracle
from tests.tracing.oracle_checks import assert_error, assert_view

KNOWN_GAPS: dict[str, str] = {
    # Refused by the policy or the facade (the name it refuses).
    "func_linearize_chunked": "policy: torch.func.linearize (kept out on purpose: it "
    "generates Python code with make_fx; the refusal says so and points to jvp)",
    "amp_grad_scaler_cpu": "policy: torch.amp.GradScaler (its internals _scale/_enabled "
    "would become reserved names, which programs use for their own attributes; offering it "
    "needs a run-time check that underscore attributes are read only on the program's objects)",
    "profiler_record_function": "policy: torch.profiler (kept out on purpose: its schedules and "
    "trace handlers write files; the refusal names torch.autograd.profiler.profile, which "
    "autograd_profiler_record_function shows with record_function)",
    "gradient_edge_grad": "policy: torch.autograd.graph.get_gradient_edge (kept out on purpose: "
    "torch's C++ trusts an edge's output_nr, and a forged one read outside memory; the refusal "
    "says to pass the tensors themselves to autograd.grad)",
    "raw_saved_register_hooks": "policy: grad_fn._raw_saved_self.register_hooks (kept out on "
    "purpose: the SavedTensor's hooks change what backward unpacks, unchecked; the refusal "
    "names .register_hooks as unknown instead of saying so: the attribute chain is checked "
    "outermost first)",
    # Traced differently from PyTorch (the field that differs).
    "detach_vs_data": "tracer: saved result shown as at forward, PyTorch's was zeroed via .data",
}

# Programs ending in an error PyTorch raises whose trace still lacks a learner's hint.
KNOWN_HINT_GAPS: dict[str, str] = {}
GENERIC_HINT = "this construct is not allowed"
INPLACE_MARK = "# in-place write"

# Representative programs also sent through a real server (hardened worker, seccomp).
THROUGH_SERVER = (
    "basics_autograd_w_b",
    "examples_legendre_function",
    "retain_grad_intermediate",
    "hooks_backward_class_name",
    "func_per_sample_grads",
    "checkpoint_basic",
    "saved_tensors_hooks_print",
    "error_backward_twice",
    "forward_ad_basic",
    "distributions_vae_reparam",
)


def _cases(names: list[str] | tuple[str, ...], gaps: dict[str, str] = KNOWN_GAPS) -> list[Any]:
    return [
        pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=gaps[n])) if n in gaps else n
        for n in names
    ]


def test_the_corpus_is_large_and_its_gaps_are_real_programs() -> None:
    assert len(PROGRAMS) >= 90
    assert set(KNOWN_GAPS) <= set(PROGRAMS), "a gap names a program that does not exist"
    assert set(KNOWN_HINT_GAPS) <= set(PROGRAMS), "a hint gap names no program"
    assert set(THROUGH_SERVER) <= set(PROGRAMS)


@pytest.mark.parametrize("name", _cases(PROGRAMS))
def test_program_traces_as_plain_pytorch_runs_it(name: str) -> None:
    run_and_compare(name)


def _failing_programs() -> list[str]:
    """Programs whose plain run ends in an error (one bare run each, at collection)."""
    return [name for name in PROGRAMS if oracle._execute(source_of(name))[3] is not None]


REFUSED = {name: why for name, why in KNOWN_GAPS.items() if why.startswith("policy")}


@pytest.mark.parametrize("name", _cases(_failing_programs(), {**REFUSED, **KNOWN_HINT_GAPS}))
def test_program_ending_in_an_error_gets_a_hint(name: str) -> None:
    """Every error the tutorials demonstrate gets a hint; for a modified saved tensor, the
    hint names the line of the in-place write (marked in the program with INPLACE_MARK)."""
    source = source_of(name)
    error = trace_sandboxed(source)["error"]
    assert error is not None and error["kind"] == "runtime", error
    assert error["hint"] and GENERIC_HINT not in error["hint"], f"hint: {error['hint']}"
    lines = source.splitlines()
    marked = [n for n, line in enumerate(lines, 1) if INPLACE_MARK in line and n > 1]
    for line in marked:
        assert f"line {line}" in error["hint"], f"hint does not name line {line}"


def _through_server(http: httpx.Client, source: str) -> dict[str, Any]:
    response = http.post("/api/v1/trace", json={"code": source})
    assert response.status_code == 200, response.text
    result: dict[str, Any] = with_float_specials(expand(orjson.loads(response.content)))
    return result


@pytest.mark.slow
@pytest.mark.parametrize("name", THROUGH_SERVER)
def test_program_runs_in_the_hardened_worker_as_in_plain_pytorch(
    name: str, http: httpx.Client
) -> None:
    """The worker's seccomp filter and limits do not change what the program does: not
    refused, same stdout, same error, same values and leaf gradients (even for a program
    whose graph still differs in some field, which the next test measures)."""
    source = source_of(name)
    result, plain = _through_server(http, source), plain_run(source)
    assert refusal(result) is None, refusal(result)
    assert result["stdout"] == plain.stdout, "stdout"
    assert_error(result, plain)
    for var_name, expected in plain.variables.items():
        got = result["variables"][var_name]
        assert_view(got["value"], expected.value, f"variables[{var_name}].value")
        if expected.is_leaf:
            assert_view(got["grad"], expected.grad, f"variables[{var_name}].grad")


@pytest.mark.slow
@pytest.mark.parametrize("name", _cases(THROUGH_SERVER))
def test_program_through_the_server_matches_plain_pytorch(name: str, http: httpx.Client) -> None:
    source = source_of(name)
    compare(_through_server(http, source), plain_run(source))
