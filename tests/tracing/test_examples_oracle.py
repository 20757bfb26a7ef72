"""Every gallery example, traced and compared with the same program run by plain PyTorch."""

from __future__ import annotations

import pytest

from gradtrace.examples import Example, load_examples
from gradtrace.tracing import TraceOptions
from tests.long_form import trace_long
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
    "Beyond backward(): forward mode, torch.func, checkpointing",
    "Why a gradient is None, NaN, tiny or huge",
)


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.id for e in EXAMPLES])
def test_trace_matches_plain_pytorch(example: Example) -> None:
    result = trace_long(example.code)  # first: C++ warn-once warnings go to the trace
    plain = run_plain(example.code)
    assert_matches_plain(result, plain)
    assert_parameter_grads(result, plain)


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.id for e in EXAMPLES])
def test_backward_events_match_plain_pytorch(example: Example) -> None:
    """Per-node gradients, with every value listed (no summaries) so sums can be checked."""
    plain = run_plain(example.code)
    result = trace_long(example.code, options=FULL_VALUES)
    assert_events(result, plain, example.code)


# Programs of the same kinds that are not in the gallery: shapes of graph the gallery lacks.
MORE = {
    "setitem-copyslices": "x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)\n"
    "y = x * 2\ny[0] = 5.0\nloss = (y * y).sum()\nloss.backward()\n",
    "chunk-multi-output": "x = torch.arange(4.0, requires_grad=True)\nfirst, second = "
    "(x * 3).chunk(2)\nloss = (first * second).sum()\nloss.backward()\n",
    "broadcast": "a = torch.randn(3, 1, requires_grad=True)\nb = torch.randn(1, 4, "
    "requires_grad=True)\nc = a + b\nloss = (c * a).expand(2, 3, 4).sum()\nloss.backward()\n",
    "backward-inputs": "a = torch.tensor([1.0, 2.0], requires_grad=True)\nb = a * 3\n"
    "loss = (a * b).sum()\nloss.backward(inputs=[a])\n",
    "backward-create-graph": "x = torch.tensor([1.0, 2.0], requires_grad=True)\n"
    "y = (x ** 3).sum()\ny.backward(create_graph=True)\ngx = x.grad\nx.grad = None\n"
    "gx.sum().backward()\n",
    "grad-allow-unused": "a = torch.tensor(2.0, requires_grad=True)\nb = torch.tensor(3.0, "
    "requires_grad=True)\nu = a * a\nga, gb = torch.autograd.grad(u, [a, b], "
    "allow_unused=True)\n",
    "module-backward-hook-replaces": "lin = nn.Linear(3, 2)\nlin.register_full_backward_hook("
    "lambda m, gi, go: (gi[0] * 2,))\nx = torch.randn(1, 3, requires_grad=True)\n"
    "y = lin(x)\ny.sum().backward()\n",
    "error-inside-function": "def f(t):\n    return t.sum().backward()\n\n"
    "x = torch.ones(3)\nf(x * 2)\n",
    "inplace-on-leaf": "w = torch.ones(2, requires_grad=True)\nw.add_(1)\n",
    "syntax-error": "x = torch.ones(2\n",
    "gru": "gru = nn.GRU(3, 4, batch_first=True)\nout, hidden = gru(torch.randn(2, 5, 3))\n"
    "loss = out.mean() + hidden.sum()\nloss.backward()\n",
}


@pytest.mark.parametrize("name", list(MORE))
def test_more_programs_match_plain_pytorch(name: str) -> None:
    source = "import torch\nimport torch.nn as nn\n" + MORE[name]
    result = trace_long(source)
    plain = run_plain(source)
    assert_matches_plain(result, plain)
    full = trace_long(source, options=FULL_VALUES)
    assert_events(full, plain, source)
    assert_parameter_grads(full, plain)


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.id for e in EXAMPLES])
def test_failing_examples_get_a_hint(example: Example) -> None:
    result = trace_long(example.code)
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
