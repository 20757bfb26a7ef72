"""Each run of a tensor hook the program registered is an event: what it got and returned.

The oracle is plain PyTorch: the same program runs with ``Tensor.register_hook`` spied on,
so the test knows what PyTorch handed each hook and what the hook gave back, in order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import torch

from gradtrace.examples import get_example
from tests.long_form import trace_long

HOOKS = """import torch
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
x.register_hook(lambda g: g * 10)
y = x * 2
def show(grad):
    print(grad)
def clip(grad):
    return grad.clamp(max=5.0)
y.register_hook(show)
handle = y.register_hook(hook=clip)
loss = (y ** 2).sum()
loss.backward(retain_graph=True)
handle.remove()
loss.backward()
"""


@contextmanager
def _spied() -> Iterator[list[tuple[str, torch.Tensor, Any]]]:
    """Record (hook name, gradient in, result) for every hook PyTorch runs."""
    runs: list[tuple[str, torch.Tensor, Any]] = []
    original = torch.Tensor.register_hook

    def register(self: torch.Tensor, hook: Callable[..., Any]) -> Any:
        def spy(grad: torch.Tensor) -> Any:
            result = hook(grad)
            runs.append((getattr(hook, "__name__", "hook"), grad.clone(), result))
            return result
        return original(self, spy)

    torch.Tensor.register_hook = register  # type: ignore[method-assign,assignment]
    try:
        yield runs
    finally:
        torch.Tensor.register_hook = original  # type: ignore[method-assign]


def _plain_runs(source: str) -> list[tuple[str, torch.Tensor, Any]]:
    with _spied() as runs:
        exec(source.replace("register_hook(hook=", "register_hook("), {})
    return runs


def _values(view: dict[str, Any] | None) -> torch.Tensor | None:
    return None if view is None else torch.tensor(view["values"])


def _check(source: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The trace's hook events, checked against PyTorch's runs; and the whole trace."""
    result = trace_long(source)
    assert result["ok"], result["error"]
    events = [e for e in result["events"] if e["phase"] == "hook"]
    plain = _plain_runs(source)
    assert [e["name"] for e in events] == [name for name, _, _ in plain]
    for event, (_, grad, returned) in zip(events, plain, strict=True):
        torch.testing.assert_close(_values(event["grad"]), grad)
        if returned is None:
            assert event["result"] is None
        else:
            torch.testing.assert_close(_values(event["result"]), returned.detach())
    return events, result


def test_hooks_runs_are_events_with_what_pytorch_handed_them() -> None:
    events, result = _check(HOOKS)
    nodes = result["graph"]["nodes"]
    assert [(nodes[e["node"]]["label"], e["line"], e["call"]) for e in events] == [
        ("y", 9, 0), ("y", 10, 0), ("x", 3, 0),  # y's hooks, then the leaf's
        ("y", 9, 1), ("x", 3, 1),  # clip was removed before the second call
    ]
    # each run comes right before the visit of its tensor's node in that call
    for index, event in enumerate(result["events"]):
        if event["phase"] == "hook":
            after = next(e for e in result["events"][index:] if e["phase"] == "backward")
            assert after["node"] == event["node"]


@pytest.mark.filterwarnings("ignore:Full backward hook is firing")  # the CAM example's, plainly run
@pytest.mark.parametrize("example", ["tensor-hooks", "module-hooks-cam"])
def test_gallery_hooks_match_pytorch(example: str) -> None:
    """The gallery's hook programs; torch's own module hooks are not the program's."""
    found = get_example(example)
    assert found is not None
    source = found.code
    events, _ = _check(source)
    assert events or example == "module-hooks-cam"


def test_a_hook_that_breaks_the_rules_fails_as_in_plain_pytorch() -> None:
    """torch names the hook in its error: the program's hook, not the tracer's wrapper."""
    source = """import torch
x = torch.ones(2, requires_grad=True)
y = x * 3
def grow(grad):
    return torch.ones(3)
y.register_hook(grow)
y.sum().backward()
"""
    error = trace_long(source)["error"]
    with pytest.raises(RuntimeError) as plain:
        exec(source, {})
    assert (error["type"], error["message"]) == ("RuntimeError", str(plain.value))
    assert "'grow'" in error["message"]
