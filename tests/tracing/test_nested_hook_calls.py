"""A ``torch.autograd.grad`` made inside a program's hook, while backward runs, is a call too.

PyTorch runs it (a reentrant backward); the trace lists it, in the order plain PyTorch makes
the calls, and still files the hook's own event (and the outer call's nodes) under the outer
call, though the nested calls were listed after it.
"""

from __future__ import annotations

from typing import Any

from tests.long_form import trace_long
from tests.tracing.oracle import run_plain
from tests.tracing.oracle_checks import assert_matches_plain

IN_HOOKS = """import torch
x = torch.tensor([1.0, 2.0], requires_grad=True)
aux = torch.tensor([3.0], requires_grad=True)
y = x * 2
def tensor_hook(grad):
    with torch.enable_grad():
        (ga,) = torch.autograd.grad((aux ** 2).sum(), aux)
    return grad * ga
def node_hook(grad_inputs, grad_outputs):
    with torch.enable_grad():
        (gb,) = torch.autograd.grad((aux * 5).sum(), aux)
    print(gb)
y.register_hook(tensor_hook)
y.grad_fn.register_hook(node_hook)
y.sum().backward()
print(x.grad)
"""


def _events(trace: dict[str, Any], phase: str) -> list[dict[str, Any]]:
    return [e for e in trace["events"] if e["phase"] == phase]


def test_grad_calls_inside_hooks_are_listed_as_plain_pytorch_makes_them() -> None:
    trace, plain = trace_long(IN_HOOKS), run_plain(IN_HOOKS)
    assert_matches_plain(trace, plain)
    assert [(c["kind"], c["line"]) for c in trace["calls"]] == [
        ("backward", 15), ("grad", 7), ("grad", 11)]


def test_the_hooks_own_events_stay_with_the_outer_call() -> None:
    trace = trace_long(IN_HOOKS)
    assert [(e["name"], e["call"]) for e in _events(trace, "hook")] == [("tensor_hook", 0)]
    assert [(e["name"], e["call"]) for e in _events(trace, "node_hook")] == [("node_hook", 0)]
    assert {e["call"] for e in _events(trace, "backward")} == {0}


IN_MODULE_HOOK_AND_FUNCTION = """import torch
class Recompute(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x.detach().tanh()
    @staticmethod
    def backward(ctx, grad_out):
        (x,) = ctx.saved_tensors
        with torch.enable_grad():
            x_ = x.detach().requires_grad_()
            (gx,) = torch.autograd.grad(x_.tanh(), x_, grad_out)
        return gx
layer = torch.nn.Linear(2, 2)
scale = torch.tensor(2.0, requires_grad=True)
def hook(module, grad_input, grad_output):
    with torch.enable_grad():
        (g,) = torch.autograd.grad(scale ** 3, scale)
    return (grad_input[0] * g,)
layer.register_full_backward_hook(hook)
x = torch.ones(1, 2, requires_grad=True)
Recompute.apply(layer(x)).sum().backward()
print(x.grad)
"""


def test_grad_calls_in_module_hooks_and_custom_backwards_are_listed() -> None:
    trace, plain = trace_long(IN_MODULE_HOOK_AND_FUNCTION), run_plain(IN_MODULE_HOOK_AND_FUNCTION)
    assert_matches_plain(trace, plain)
    assert [(c["kind"], c["line"]) for c in trace["calls"]] == [
        ("backward", 22), ("grad", 12), ("grad", 18)]
    assert {e["call"] for e in _events(trace, "backward")} == {0}
