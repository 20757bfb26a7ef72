"""Every gallery text is true of the graph it explains (issue 20).

A learner reads the explanation next to the graph, so whatever it names must be there: the
grad_fn names it mentions (``SoftmaxBackward0``), the node count it states, the module boxes
(``layers.0.qkv``) and parameter labels (``fc.bias``) it points to, the ``.grad`` norm range
it promises, and "hundreds of nodes" only when there are. The trace is the tracer's, and the
node count is also checked against PyTorch's own graph.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import torch

from gradtrace.examples import Example, load_examples
from tests.long_form import trace_long

EXAMPLES = load_examples()
OP = re.compile(r"\b([A-Z][A-Za-z]*Backward\d*)\b")
COUNT = re.compile(r"\b(\d+) (?:grad_fn )?nodes\b")
BOX = re.compile(r"\b(layers\.\d+(?:\.[a-z_]\w*)?)\b")
PARAMETER = re.compile(r"\b([a-z_]\w*(?:\.\d+)?(?:\.[a-z_]\w*)*\.(?:weight|bias))\b")
NORMS = re.compile(r"norm between ([\d.]+) and ([\d.]+)")


def _traced(example: Example) -> dict[str, Any]:
    """The tracer's long-form trace (an example about an error has one too, up to the error)."""
    return trace_long(example.code)


def _graph_size(code: str) -> int | None:
    """grad_fn nodes PyTorch itself reaches from the program's loss (None: no `loss`)."""
    namespace: dict[str, Any] = {}
    exec(compile(code, "<example>", "exec"), namespace)  # our own gallery program
    loss = namespace.get("loss")
    if not isinstance(loss, torch.Tensor) or loss.grad_fn is None:
        return None
    seen: set[int] = set()
    stack = [loss.grad_fn]
    while stack:
        fn = stack.pop()
        if id(fn) not in seen:
            seen.add(id(fn))
            stack.extend(nxt for nxt, _ in fn.next_functions if nxt is not None)
    return len(seen)


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.id for e in EXAMPLES])
def test_the_ops_the_text_names_are_in_the_graph(example: Example) -> None:
    named = set(OP.findall(example.explanation))
    if not named:
        pytest.skip("the text names no grad_fn")
    ops = {n["op"] for n in _traced(example)["graph"]["nodes"]}
    assert named <= ops, f"named but not in the trace: {sorted(named - ops)}"


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.id for e in EXAMPLES])
def test_the_counts_boxes_and_labels_the_text_states_hold(example: Example) -> None:
    text = example.explanation
    counts = [int(c) for c in COUNT.findall(text)]
    boxes = set(BOX.findall(text))
    params = set(PARAMETER.findall(text))
    hundreds = "hundreds of" in text
    if not (counts or boxes or params or hundreds):
        pytest.skip("no countable claim")
    trace = _traced(example)
    nodes = trace["graph"]["nodes"]
    if counts:
        assert max(counts) == len(nodes), (counts, len(nodes))
        assert _graph_size(example.code) in (None, len(nodes))
    if hundreds:
        assert len(nodes) >= 200, len(nodes)
    modules = {call["module"] for call in trace["module_calls"]}
    assert boxes <= modules, f"boxes named but not drawn: {sorted(boxes - modules)}"
    labels = {n["label"] for n in nodes if n["label"]}
    assert params <= labels, f"parameters named but not labelled: {sorted(params - labels)}"


@pytest.mark.parametrize("example", [e for e in EXAMPLES if NORMS.search(e.explanation)],
                         ids=lambda e: e.id)
def test_the_gradient_sizes_the_text_promises(example: Example) -> None:
    match = NORMS.search(example.explanation)
    assert match is not None
    low, high = float(match.group(1)), float(match.group(2))
    namespace: dict[str, Any] = {}
    exec(compile(example.code, "<example>", "exec"), namespace)  # our own gallery program
    grads = [p.grad for m in namespace.values() if isinstance(m, torch.nn.Module)
             for p in m.parameters()]  # PyTorch's own .grad, not the trace's
    norms = [g.norm().item() for g in grads if g is not None]
    assert norms and low <= min(norms) and max(norms) <= high, (min(norms), max(norms))


def test_the_encoder_shows_softmax_and_not_a_fused_kernel() -> None:
    (encoder,) = [e for e in EXAMPLES if e.id == "transformer-encoder"]
    ops = {n["op"] for n in _traced(encoder)["graph"]["nodes"]}
    assert "softmax" in encoder.explanation.lower() and "SoftmaxBackward0" in ops
    assert not any("Attention" in op for op in ops)  # no fused scaled-dot-product node
