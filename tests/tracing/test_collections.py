"""Tensors inside top-level dicts, lists and tuples (the trace's ``collections``).

torch.func's per-sample gradients come back as a dict of tensors, which ``variables``
(tensors bound to names) cannot show; ``collections`` lists them. Each one is compared with
what plain PyTorch leaves in the same program's namespace.
"""

from __future__ import annotations

from typing import Any

import orjson
import torch

from gradtrace.examples import get_example
from gradtrace.tracing import TraceOptions, trace_source
from gradtrace.tracing.wire import dumps, expand
from tests.long_form import trace_long
from tests.tracing.oracle import run_plain
from tests.tracing.oracle_checks import assert_view

FULL_VALUES = TraceOptions(max_values=1 << 16)

CONTAINERS = """\
import torch
torch.manual_seed(0)
w = torch.randn(3, requires_grad=True)
pieces = [w * 2, torch.ones(2), "not a tensor", w.sum()]
pair = (w.exp(), 7)
_hidden = [w * 3]
names = {"a": 1, "b": "text"}
mixed_keys = {1: w, "x": w}
nested = [[w]]
loss = sum(p.sum() for p in pieces if isinstance(p, torch.Tensor)) + pair[0].sum()
loss.backward()
"""


def _expected(namespace: dict[str, Any], name: str) -> dict[str, torch.Tensor]:
    """What a learner would read: every tensor one level inside ``namespace[name]``."""
    value = namespace[name]
    items = value.items() if isinstance(value, dict) else enumerate(value)
    return {str(key): item for key, item in items if isinstance(item, torch.Tensor)}


def _assert_collections(source: str, names: set[str]) -> dict[str, Any]:
    result = trace_long(source, options=FULL_VALUES)
    assert result["ok"], result["error"]
    plain = run_plain(source)
    assert set(result["collections"]) == names
    for name in names:
        expected = _expected(plain.namespace, name)
        assert set(result["collections"][name]) == set(expected), name
        for key, tensor in expected.items():
            assert_view(result["collections"][name][key], tensor, f"{name}[{key}]")
    return result


def test_per_sample_gradients_are_listed() -> None:
    example = get_example("per-sample-gradients")
    assert example is not None
    result = _assert_collections(example.code, {"params", "per_sample"})
    assert result["collections"]["per_sample"]["weight"]["shape"] == [4, 1, 3]
    assert "per_sample" not in result["variables"]  # variables stay top-level tensors only


def test_lists_and_tuples_by_index_and_what_is_left_out() -> None:
    # `_hidden` (underscore), `names` (no tensors), `mixed_keys` (a non-string key) and
    # `nested` (tensors two levels down) are not listed
    _assert_collections(CONTAINERS, {"pieces", "pair"})


def test_left_out_of_the_wire_when_empty() -> None:
    compact = orjson.loads(dumps(trace_source("import torch\nx = [1, 2]\ny = torch.ones(2)\n")))
    assert "collections" not in compact
    assert expand(compact)["collections"] == {}  # the long form has every field


def test_container_subclasses_run_no_program_code_while_the_result_is_built() -> None:
    """A subclass's own ``__iter__``/``items`` would run after the program ended; they are not."""
    source = (
        "import torch\n"
        "class L(list):\n    def __iter__(self):\n        raise ValueError('ran')\n"
        "class D(dict):\n    def items(self):\n        raise ValueError('ran')\n"
        "a = L([torch.ones(2)])\nb = D(w=torch.zeros(1))\n"
    )
    result = trace_long(source)
    assert result["error"] is None
    assert set(result["collections"]) == {"a", "b"}
