"""The ``hasattr``/``dir``/``id`` stand-ins answer as the builtins do, without their reach."""

from __future__ import annotations

from typing import Any

import pytest
import torch

from gradtrace.sandbox.facade import build_globals
from gradtrace.sandbox.facade_introspect import ObjectCounter, checked_dir, checked_hasattr
from gradtrace.sandbox.local import trace_file


def _graph() -> tuple[torch.Tensor, torch.Tensor]:
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    return x, (x * x).sum()


def test_hasattr_answers_as_the_builtin_for_readable_names() -> None:
    x, y = _graph()
    leaf_node = y.grad_fn.next_functions[0][0].next_functions[0][0]  # type: ignore[union-attr]
    for obj in (x, y.grad_fn, leaf_node):
        for name in ("variable", "next_functions", "grad", "_saved_self", "_version", "nope"):
            assert checked_hasattr(obj, name) == hasattr(obj, name), (obj, name)
    assert checked_hasattr(leaf_node, "variable") is True
    assert checked_hasattr(y.grad_fn, "variable") is False


@pytest.mark.parametrize("name", ["__class__", "__globals__", "_raw_saved_self", "_base2"])
def test_hasattr_refuses_underscore_names_the_rules_refuse(name: str) -> None:
    with pytest.raises(AttributeError, match="not allowed"):
        checked_hasattr(torch.ones(1), name)


def test_hasattr_takes_only_a_plain_string() -> None:
    class Sneaky(str):
        pass

    with pytest.raises(TypeError):
        checked_hasattr(torch.ones(1), Sneaky("grad"))


def test_dir_lists_what_the_builtin_lists_and_needs_an_object() -> None:
    _, y = _graph()
    assert checked_dir(y.grad_fn) == dir(y.grad_fn)
    assert "_saved_self" in checked_dir(y.grad_fn.next_functions[0][0])  # type: ignore[union-attr]
    assert all(type(name) is str for name in checked_dir(torch.ones(1)))
    with pytest.raises(TypeError):
        checked_dir()  # type: ignore[call-arg]


def test_id_is_a_stable_counter_distinct_per_object_never_an_address() -> None:
    counter = ObjectCounter()
    a, b = torch.ones(1), torch.ones(1)
    assert [counter(a), counter(b), counter(a)] == [1, 2, 1]
    for _ in range(3):
        counter(torch.zeros(1))  # temporaries: kept alive, so never a reused number
    assert counter(torch.zeros(1)) == 6
    assert counter(a) != id(a)
    assert ObjectCounter()(a) == 1, "each program starts its own count"


def _run(source: str) -> dict[str, Any]:
    result, _ = trace_file(source)
    return result


def test_a_program_gets_the_stand_ins_never_the_real_builtins() -> None:
    table = build_globals()["__builtins__"]
    assert table["hasattr"] is checked_hasattr and table["dir"] is checked_dir
    assert isinstance(table["id"], ObjectCounter)
    assert build_globals()["__builtins__"]["id"] is not table["id"], "a count per program"


def test_a_graph_walk_with_hasattr_dir_and_id_runs_in_the_sandbox() -> None:
    result = _run(
        "import torch\n"
        "x = torch.ones(2, requires_grad=True)\n"
        "y = (x * x).sum()\n"
        "acc = y.grad_fn.next_functions[0][0].next_functions[0][0]\n"
        "print(hasattr(acc, 'variable'), hasattr(y.grad_fn, 'variable'))\n"
        "print([n for n in dir(y.grad_fn.next_functions[0][0]) if n.startswith('_saved')])\n"
        "print(id(x), id(acc), id(x))\n"
    )
    assert result["error"] is None, result["error"]
    assert result["stdout"] == "True False\n['_saved_other', '_saved_self']\n1 2 1\n"


@pytest.mark.parametrize(
    ("line", "kind"),
    [("hasattr(x, '__cla' + 'ss__')", "AttributeError"), ("dir()", "TypeError"),
     ("hasattr(x, 1)", "TypeError")],
)
def test_what_the_stand_ins_refuse_at_run_time(line: str, kind: str) -> None:
    result = _run(f"import torch\nx = torch.ones(1)\n{line}\n")
    assert result["error"] is not None and result["error"]["type"] == kind, result["error"]
