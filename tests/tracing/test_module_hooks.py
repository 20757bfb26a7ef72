"""Each run of an ``nn.Module`` hook the program registered is an event.

The oracle is plain PyTorch: the same program runs with the ``register_*`` methods spied on,
so the test knows which hooks PyTorch ran, in which order, with which tensors.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import torch

from gradtrace.examples import get_example
from gradtrace.tracing.module_hooks import KINDS, tensors_in
from tests.long_form import trace_long

RETURNS = """import torch
torch.manual_seed(0)
net = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.Tanh())
def double(module, inputs, output):
    return output * 2
def halve_grad(module, grad_input, grad_output):
    return (grad_input[0] / 2,)
net[0].register_forward_hook(double)
net[1].register_full_backward_hook(halve_grad)
x = torch.ones(4, 3, requires_grad=True)
net(x).sum().backward()
"""


@contextmanager
def _spied() -> Iterator[list[tuple[str, list[torch.Tensor], Any]]]:
    """(kind, tensors handed, tensors returned or None) for every module hook PyTorch runs."""
    runs: list[tuple[str, list[torch.Tensor], Any]] = []
    originals = {method: torch.nn.Module.__dict__[method] for method in KINDS}

    def spying(method: str, original: Callable[..., Any]) -> Callable[..., Any]:
        def register(module: torch.nn.Module, hook: Callable[..., Any]) -> Any:
            def spy(*args: Any) -> Any:
                result = hook(*args)
                got = [t.detach().clone() for arg in args[1:] for t in tensors_in(arg)]
                back = None if result is None else [t.detach() for t in tensors_in(result)]
                runs.append((KINDS[method], got, back))
                return result
            return original(module, spy)
        return register

    for method, original in originals.items():
        setattr(torch.nn.Module, method, spying(method, original))
    try:
        yield runs
    finally:
        for method, original in originals.items():
            setattr(torch.nn.Module, method, original)


def _check(source: str) -> list[dict[str, Any]]:
    result = trace_long(source)
    assert result["ok"], result["error"]
    events = [e for e in result["events"] if e["phase"] == "module_hook"]
    with _spied() as runs:
        torch.manual_seed(0)
        exec(source, {})
    assert [e["kind"] for e in events] == [kind for kind, _, _ in runs]
    for event, (_, got, back) in zip(events, runs, strict=True):
        assert [t["shape"] for t in event["got"]] == [list(t.shape) for t in got]
        for view, tensor in zip(event["got"], got, strict=True):
            assert abs(view["norm"] - float(tensor.norm())) < 1e-4
        if back is None:
            assert event["result"] is None
        else:
            assert [t["shape"] for t in event["result"]] == [list(t.shape) for t in back]
    return events


@pytest.mark.filterwarnings("ignore:Full backward hook is firing")  # the plain run's
def test_the_cam_example_shows_each_hook_run_and_not_after_remove() -> None:
    example = get_example("module-hooks-cam")
    assert example is not None
    events = _check(example.code)
    # three hooks ran once each; the last forward pass, after remove(), made no events
    assert [(e["module"], e["kind"]) for e in events] == [
        ("conv", "forward pre-hook"), ("conv", "forward hook"), ("conv", "backward hook")]
    assert [e["call"] for e in events] == [None, None, 0]


def test_hooks_that_return_replacements() -> None:
    events = _check(RETURNS)
    assert [(e["module"], e["name"]) for e in events] == [("0", "double"), ("1", "halve_grad")]
    assert all(e["result"] for e in events)


def test_the_register_methods_are_restored_after_a_trace() -> None:
    before = {method: torch.nn.Module.__dict__[method] for method in KINDS}
    trace_long(RETURNS)
    assert {method: torch.nn.Module.__dict__[method] for method in KINDS} == before
