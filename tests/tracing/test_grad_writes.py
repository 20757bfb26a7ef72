"""Writes into a leaf's ``.grad`` are timeline events, with the value PyTorch left there.

The oracle is plain PyTorch: the program is run up to and including the line of each write,
and the event must carry the ``.grad`` the leaf had at that point.
"""

from __future__ import annotations

from typing import Any

import torch

from tests.long_form import trace_long
from tests.programs import ACCUMULATE_THEN_ZERO as ZEROED
from tests.programs import ZERO_LINE

OPTIMIZER = """import torch
torch.manual_seed(0)
lin = torch.nn.Linear(2, 1)
opt = torch.optim.SGD(lin.parameters(), lr=0.1)
x = torch.ones(3, 2)
untouched = torch.ones(2, requires_grad=True)
lin(x).sum().backward()
opt.step()
opt.zero_grad()
lin.bias.grad = torch.full((1,), 2.0)
lin.bias.grad.mul_(3)
lin.bias.grad[0] = 7.0
lin(x).sum().backward()
lin.weight.grad.data.mul_(10)
lin.weight.grad[0, 1:].zero_()
kept = lin.weight.grad
lin.weight.grad = None
kept.add_(1)
"""


def _plain_until(source: str, line: int) -> dict[str, Any]:
    """Plain PyTorch namespace after running the program's first ``line`` lines."""
    namespace: dict[str, Any] = {}
    torch.manual_seed(0)
    exec("\n".join(source.splitlines()[:line]), namespace)
    return namespace


def _writes(result: dict[str, Any]) -> list[dict[str, Any]]:
    assert result["ok"], result["error"]
    return [e for e in result["events"] if e["phase"] == "grad"]


def _label(result: dict[str, Any], node: int) -> str | None:
    label: str | None = result["graph"]["nodes"][node]["label"]
    return label


def _grad_in_plain(namespace: dict[str, Any], path: str) -> torch.Tensor | None:
    """``.grad`` of the tensor at ``path`` ("x", "lin.bias") in a plain run's namespace."""
    head, *attributes = path.split(".")
    tensor = namespace[head]
    for attribute in attributes:
        tensor = getattr(tensor, attribute)
    assert isinstance(tensor, torch.Tensor)
    return tensor.grad


def _check_against_pytorch(source: str, result: dict[str, Any]) -> None:
    """Each write's .grad equals the plain run's, read after the write's line.

    A leaf's label is its name in the program ("x", "lin.bias"), so it finds the tensor.
    """
    for event in _writes(result):
        plain = _plain_until(source, event["line"])
        expected = _grad_in_plain(plain, str(_label(result, event["node"])))
        if expected is None:
            assert event["grad"] is None, event
        else:
            assert event["grad"] is not None, event
            got = torch.tensor(event["grad"]["values"])
            torch.testing.assert_close(got, expected.detach())


def test_zero_in_place_is_an_event_between_the_calls() -> None:
    result = trace_long(ZEROED)
    (write,) = _writes(result)
    assert (write["op"], write["line"], _label(result, write["node"])) == ("zero_", ZERO_LINE, "x")
    _check_against_pytorch(ZEROED, result)
    # it sits between the second and the third call: the timeline shows [0, 0] there
    position = result["events"].index(write)
    calls = [e.get("call") for e in result["events"] if e["phase"] == "backward"]
    before = {e["call"] for e in result["events"][:position] if e["phase"] == "backward"}
    assert before == {0, 1} and calls[-1] == 2


def test_optimizer_zero_grad_and_assignments_are_events() -> None:
    result = trace_long(OPTIMIZER)
    writes = [(e["line"], e["op"], _label(result, e["node"])) for e in _writes(result)]
    # zero_grad() sets every parameter's .grad to None; a leaf never used makes no event
    assert sorted(writes[:2]) == [(9, "set", "lin.bias"), (9, "set", "lin.weight")]
    assert writes[2:] == [(10, "set", "lin.bias"), (11, "mul_", "lin.bias"),
                          (12, "__setitem__", "lin.bias"), (14, "mul_", "lin.weight"),
                          (15, "zero_", "lin.weight"), (17, "set", "lin.weight")]
    # line 18 writes into the old gradient, which is no longer anyone's .grad: no event
    _check_against_pytorch(OPTIMIZER, result)


FOREACH = """import torch
torch.manual_seed(0)
lin = torch.nn.Linear(2, 1)
opt = torch.optim.SGD(lin.parameters(), lr=0.1, foreach=True)
lin(torch.ones(3, 2)).sum().backward()
opt.zero_grad(set_to_none=False)
print(lin.bias.grad.numpy())
"""


def test_a_foreach_zero_grad_writes_every_gradient() -> None:
    """zero_grad(set_to_none=False) also calls requires_grad_(False): flags, not a write;
    numpy() shares the memory but writes nothing by itself."""
    result = trace_long(FOREACH)
    writes = sorted((e["line"], e["op"], _label(result, e["node"])) for e in _writes(result))
    assert writes == [(6, "zero_", "lin.bias"), (6, "zero_", "lin.weight")]
    _check_against_pytorch(FOREACH, result)
