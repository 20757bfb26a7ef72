"""Every gallery example, traced and compared with the same program run by plain PyTorch."""

from __future__ import annotations

import pytest

from app.examples import Example, load_examples
from app.tracing import TraceOptions, trace_source
from tests.tracing.oracle import run_plain
from tests.tracing.oracle_checks import (
    assert_events,
    assert_matches_plain,
    assert_parameter_grads,
)

EXAMPLES = load_examples()
FULL_VALUES = TraceOptions(max_values=1 << 16)
TOPICS = (
    "Leaves, requires_grad and the graph",
    "Vector-Jacobian products (the `gradient` argument)",
    "retain_graph and accumulation",
    "create_graph and higher-order derivatives",
    "Hooks",
    "Turning tracking off",
    "Models",
)


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.id for e in EXAMPLES])
def test_trace_matches_plain_pytorch(example: Example) -> None:
    result = trace_source(example.code)  # first: C++ warn-once warnings go to the trace
    plain = run_plain(example.code)
    assert_matches_plain(result, plain)
    assert_parameter_grads(result, plain)


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.id for e in EXAMPLES])
def test_backward_events_match_plain_pytorch(example: Example) -> None:
    """Per-node gradients, with every value listed (no summaries) so sums can be checked."""
    plain = run_plain(example.code)
    result = trace_source(example.code, options=FULL_VALUES)
    assert_events(result, plain, example.code)


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.id for e in EXAMPLES])
def test_failing_examples_get_a_hint(example: Example) -> None:
    result = trace_source(example.code)
    if result["error"] is not None:
        assert result["error"]["hint"], "every error in the gallery is one topics.md names"


def test_gallery_covers_every_topic_and_starts_with_chain_rule() -> None:
    assert {e.topic for e in EXAMPLES} == set(TOPICS)
    assert EXAMPLES[0].id == "chain-rule"
    assert len({e.id for e in EXAMPLES}) == len(EXAMPLES)
    for example in EXAMPLES:
        assert example.title and len(example.explanation) > 80
        assert not example.code.startswith('"""'), "metadata docstring must not be served"


def _plain_grad(example_id: str, name: str) -> list[float]:
    example = next(e for e in EXAMPLES if e.id == example_id)
    grad = run_plain(example.code).variables[name].grad
    assert grad is not None
    return [round(v, 4) for v in grad.flatten().tolist()]


def test_oracle_reproduces_the_numbers_in_topics() -> None:
    """Sanity check of the oracle itself against the figures topics.md quotes."""
    assert _plain_grad("chain-rule", "x") == [4.5] * 4
    assert _plain_grad("vector-jacobian-product", "x") == [300.0, 0.3]
    accumulation = run_plain(next(e for e in EXAMPLES if e.id == "retain-graph-accumulation").code)
    assert [round(v, 4) for v in accumulation.variables["first"].value.tolist()] == [300.0, 0.3]
    assert [round(v, 4) for v in accumulation.variables["second"].value.tolist()] == [600.0, 0.6]
    higher = run_plain(next(e for e in EXAMPLES if e.id == "higher-order-derivatives").code)
    values = [higher.variables[n].value.item() for n in ("f", "df", "d2f", "d3f")]
    assert values == [-16.0, 24.0, -24.0, 12.0]
    errors = {
        "backward-twice-error": "backward through the graph a second time",
        "inplace-error": "modified by an inplace operation",
        "does-not-require-grad-error": "does not require grad and does not have a grad_fn",
        "integer-requires-grad-error": "Only Tensors of floating point and complex dtype",
        "backward-needs-a-scalar": "grad can be implicitly created only for scalar outputs",
    }
    for example_id, message in errors.items():
        error = run_plain(next(e for e in EXAMPLES if e.id == example_id).code).error
        assert error is not None and message in error.message and error.line is not None
    retained = run_plain(next(e for e in EXAMPLES if e.id == "nonleaf-grad-retain-grad").code)
    assert any("not a leaf Tensor" in w for w in retained.warnings)
