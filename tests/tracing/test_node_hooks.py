"""Each run of a hook the program registered on a graph node is an event.

The oracle is plain PyTorch: the program's own hooks note what PyTorch handed them and what
they gave back (``runs``), and the same program runs once plainly and once traced. Graph
nodes are C++ objects, so this is also what the tracer cannot patch: it rewrites the
program's ``register_(pre)hook`` calls instead (``gradtrace.tracing.node_hooks``).
"""

from __future__ import annotations

import builtins
import gc
import weakref
from typing import Any

import pytest
import torch

from gradtrace.api.schemas import NodeHookEvent
from gradtrace.sandbox.facade import build_globals
from gradtrace.sandbox.policy import check
from gradtrace.tracing import TraceOptions, trace_source
from gradtrace.tracing.node_hooks import HELPER, rewrite
from gradtrace.tracing.runner import compile_program, run_traced
from tests.long_form import trace_long

NODE_HOOKS = """import torch
runs = []
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
w = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
y = x * w
z = y.exp()
out = z.sum()
def arrive(grad_outputs):
    runs.append(("arrive", grad_outputs, None, None))
def edges(grad_inputs, grad_outputs):
    runs.append(("edges", grad_outputs, grad_inputs, None))
def halve(grad_inputs, grad_outputs):
    result = (grad_inputs[0] / 2, grad_inputs[1] / 2)
    runs.append(("halve", grad_outputs, grad_inputs, result))
    return result
def boost(grad_outputs):
    result = (grad_outputs[0] * 3,)
    runs.append(("boost", grad_outputs, None, result))
    return result
pre = out.grad_fn.register_prehook(arrive)
y.grad_fn.register_hook(edges)
handle = y.grad_fn.register_hook(halve)
z.grad_fn.register_prehook(boost)
out.backward(retain_graph=True)
pre.remove()
handle.remove()
out.backward()
"""


def _registered_on(name: str) -> int:
    """The program line that registers hook ``name``."""
    lines = NODE_HOOKS.splitlines()
    return next(i for i, text in enumerate(lines, 1) if text.endswith(f"hook({name})"))


# the op of each hook's node
OPS = {"arrive": "SumBackward0", "edges": "MulBackward0", "halve": "MulBackward0",
       "boost": "ExpBackward0"}


def _plain(source: str) -> dict[str, Any]:
    namespace: dict[str, Any] = {}
    exec(source, namespace)
    return namespace


def _close(views: list[Any] | None, tensors: tuple[Any, ...] | None) -> None:
    if tensors is None:
        assert views is None
        return
    assert views is not None and len(views) == len(tensors)
    for view, tensor in zip(views, tensors, strict=True):
        torch.testing.assert_close(torch.tensor(view["values"]), tensor.detach())


def test_node_hook_runs_match_what_pytorch_handed_the_hooks() -> None:
    check(NODE_HOOKS, 100_000)  # an ordinary playground program
    trace = trace_long(NODE_HOOKS, globals_dict=build_globals())
    assert trace["ok"], trace["error"]
    plain = _plain(NODE_HOOKS)["runs"]
    events = [e for e in trace["events"] if e["phase"] == "node_hook"]
    assert [e["name"] for e in events] == [run[0] for run in plain]
    assert [e["call"] for e in events] == [0, 0, 0, 0, 1, 1]  # pre and halve were removed
    ops = {node["id"]: node["op"] for node in trace["graph"]["nodes"]}
    for event, (name, got, sent, returned) in zip(events, plain, strict=True):
        assert (event["line"], ops[event["node"]]) == (_registered_on(name), OPS[name])
        assert event["kind"] == ("hook" if sent is not None else "prehook")
        _close(event["grad_outputs"], got)
        _close(event["grad_inputs"], sent)
        _close(event["result"], returned)


def test_node_hook_events_have_the_documented_shape() -> None:
    wire = trace_source(NODE_HOOKS, globals_dict=build_globals())["events"]
    raw = [e for e in wire if isinstance(e, dict) and "node_hook" in e]
    assert len(raw) == len(_plain(NODE_HOOKS)["runs"])
    for event in raw:
        assert NodeHookEvent.model_validate(event).model_dump() == event


def test_the_backward_event_after_the_hooks_shows_what_flowed() -> None:
    trace = trace_long(NODE_HOOKS, globals_dict=build_globals())
    plain = _plain(NODE_HOOKS)
    events = trace["events"]
    first = next(i for i, e in enumerate(events) if e.get("name") == "halve")
    visit = events[first + 1]
    assert (visit["phase"], visit["node"]) == ("backward", events[first]["node"])
    halved = next(run for run in plain["runs"] if run[0] == "halve")
    _close(visit["grad_inputs"], halved[3])  # halve's result is what went on
    leaves = {n["label"]: n for n in trace["graph"]["nodes"] if n["kind"] == "leaf"}
    _close([leaves["x"]["grad"], leaves["w"]["grad"]], (plain["x"].grad, plain["w"].grad))


def test_a_node_hook_is_named_on_its_node_and_tensor_hooks_still_work() -> None:
    source = """import torch
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * 3
y.register_hook(lambda g: g * 10)
def seen(grad_inputs, grad_outputs):
    return None
y.grad_fn.register_hook(seen)
y.sum().backward()
"""
    trace = trace_long(source, globals_dict=build_globals())
    kinds = [e["phase"] for e in trace["events"] if "hook" in e["phase"]]
    assert kinds == ["hook", "node_hook"]
    x = next(n for n in trace["graph"]["nodes"] if n["label"] == "x")
    plain = _plain(source)["x"].grad
    _close([x["grad"]], (plain,))


RAISES = """import torch
x = torch.ones(2, requires_grad=True)
y = x * 2
def refuse(grad_inputs, grad_outputs):
    raise ValueError("no thanks")
y.grad_fn.register_hook(refuse)
y.sum().backward()
"""


@pytest.mark.parametrize(("source", "line"), [
    ("import torch\nx = torch.ones(2)\nx.grad_fn.register_hook(print)\n", 3),  # None's
    ("import torch\nx = torch.ones(2, requires_grad=True)\ny = x * 2\n"
     "y.grad_fn.register_prehook(7)\ny.sum().backward()\n", 5),  # torch takes it, then fails
    (RAISES, 5),  # the hook's own line
    ("import torch\nx = torch.ones(2, requires_grad=True)\ny = x * 2\n"
     "y.grad_fn.register_hook(fn=print)\n", 4),  # torch's own message: no keywords
    ("import torch\nx = torch.ones(2, requires_grad=True)\ny = x * 3\n"
     "y.grad_fn.register_hook(lambda gi, go: (gi[0] / 2,))\ny.sum().backward()\n",
     5),  # one gradient for two inputs: torch's message names the program's hook
])
def test_mistakes_fail_as_they_do_in_plain_pytorch(source: str, line: int) -> None:
    trace = trace_source(source, globals_dict=build_globals())
    with pytest.raises(Exception) as plain:
        _plain(source)
    assert trace["error"]["type"] == type(plain.value).__name__
    assert trace["error"]["message"] == str(plain.value)
    assert trace["error"]["line"] == line


def test_other_objects_keep_their_own_register_hook() -> None:
    source = """class Box:
    def register_hook(self, fn):
        return fn(2)
print(Box().register_hook(lambda v: v * 21))
"""
    assert trace_source(source)["stdout"] == "42\n"


def test_programs_without_node_hooks_compile_untouched() -> None:
    source = "import torch\nx = torch.ones(2, requires_grad=True)\n(x * 2).sum().backward()\n"
    assert HELPER not in rewrite(source, "<program>").co_names
    assert HELPER in rewrite(source + "x.register_hook(print)\n", "<program>").co_names


def test_the_helper_is_out_of_the_programs_reach() -> None:
    with pytest.raises(Exception, match="not"):
        check(f"print({HELPER})", 100_000)


LEAF_ONLY = "import torch\nx = torch.ones(3, requires_grad=True)\n(x * 2).sum().backward()\n"


@pytest.mark.parametrize("source", [LEAF_ONLY, NODE_HOOKS], ids=["plain", "node hooks"])
def test_a_finished_trace_is_freed_without_a_garbage_collection(source: str) -> None:
    """The program's globals hold the helper: it must not hold the recorder, or the whole
    trace (graph, events, tables) waits for a full collection after it is written."""
    program_globals: dict[str, Any] = {"__name__": "__main__", "__builtins__": builtins}
    gc.disable()
    try:
        recorder, result = run_traced(compile_program(source), program_globals, TraceOptions())
        assert result["ok"], result["error"]
        freed = weakref.ref(recorder)
        del recorder, result
        assert freed() is None
    finally:
        gc.enable()
