"""The program's own hooks on graph nodes, seen as they run.

``y.grad_fn.register_prehook(fn)`` makes ``fn`` see the gradients arriving at one node
(its grad_outputs) and ``register_hook(fn)`` also what the node sends to its inputs
(grad_inputs); either may return replacements. Graph nodes are C++ types whose methods
cannot be patched, so the program's text is: each call spelled ``<expr>.register_hook(...)``
or ``<expr>.register_prehook(...)`` becomes ``__gradtrace_node__(<expr>).register_hook(...)``.
The helper hands back anything that is not a graph node unchanged (a tensor's
``register_hook`` stays the program's own call, seen by ``gradtrace.tracing.tensor_hooks``), and
for a node an object whose two methods register the hook wrapped, so that each run becomes
a timeline event. A method fetched without being called (``f = node.register_hook``) is
not rewritten, and its hook is not seen.
"""

from __future__ import annotations

import ast
import functools
import sys
import weakref
from collections.abc import Callable
from types import CodeType
from typing import Any

import torch
from torch.autograd.graph import Node

from gradtrace.tracing.backward import program_hook_calls
from gradtrace.tracing.surface import HookSink, running_call
from gradtrace.tracing.transforms import transforming

__all__ = ["HELPER", "helper", "rewrite"]

HELPER = "__gradtrace_node__"  # a name the policy never lets a program write or read
_METHODS = ("register_hook", "register_prehook")


class _Rewriter(ast.NodeTransformer):
    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in _METHODS:
            wrapped = ast.Call(func=ast.Name(id=HELPER, ctx=ast.Load()), args=[func.value],
                               keywords=[])
            func.value = ast.copy_location(wrapped, func.value)
        return node


def rewrite(source: str, filename: str) -> CodeType:
    """Compile ``source``, routing its ``register_(pre)hook`` calls through :data:`HELPER`.

    Programs that never spell either method compile as they are (most of them).
    """
    if not any(method in source for method in _METHODS):
        return compile(source, filename, "exec")
    tree = _Rewriter().visit(ast.parse(source, filename, "exec"))
    return compile(ast.fix_missing_locations(tree), filename, "exec")


class _Registering:
    """A graph node for the one ``register_(pre)hook`` call the program makes on it."""

    __slots__ = ("_node", "_sink")

    def __init__(self, node: Any, sink: HookSink) -> None:
        self._node = node
        self._sink = sink

    def register_hook(self, *args: Any, **kwargs: Any) -> Any:
        """``Node.register_hook``: the hook gets (grad_inputs, grad_outputs), seen as it runs."""
        return self._register("hook", args, kwargs)

    def register_prehook(self, *args: Any, **kwargs: Any) -> Any:
        """``Node.register_prehook``: the hook gets (grad_outputs,), seen as it runs."""
        return self._register("prehook", args, kwargs)

    def _register(self, kind: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        original = getattr(self._node, f"register_{kind}")
        hook = _the_hook(args, kwargs)
        if hook is None:  # not one callable: torch answers as it would have
            return original(*args, **kwargs)
        node, sink_ref = self._node, weakref.ref(self._sink)  # weak: see ``helper``
        fields = {"kind": kind, "line": sys._getframe(2).f_lineno, "name": _name(hook)}

        @functools.wraps(hook)  # torch names the hook in its errors: the program's, not ours
        def seen(*grads: tuple[Any, ...]) -> Any:
            sink = sink_ref()
            call = -1 if sink is None else running_call(sink)
            with program_hook_calls():
                result = hook(*grads)
            if sink is not None:  # None: the trace is finished, the hook still runs
                _ran(sink, node, {**fields, "call": call}, {
                    "grad_outputs": grads[-1], "grad_inputs": grads[0] if len(grads) == 2
                    else None, "result": _as_tuple(result)})
            return result

        return original(seen)


def _ran(sink: HookSink, fn: Any, fields: dict[str, Any],
         grads: dict[str, tuple[Any, ...] | None]) -> None:
    """An event for one run of the hook, inside a backward call (none in a transform)."""
    node_id = sink.node_of_fn(fn)
    if node_id is None or fields["call"] < 0 or transforming():
        return
    listed = {key: None if value is None else [
        sink.tensor(g) if isinstance(g, torch.Tensor) else None for g in value]
        for key, value in grads.items()}
    sink.hook_event({"node_hook": node_id, **fields, **listed})


def _the_hook(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Callable[..., Any] | None:
    """The hook of a ``register_(pre)hook(fn)`` call: one callable, passed by position."""
    if len(args) == 1 and not kwargs and callable(args[0]):
        hook: Callable[..., Any] = args[0]
        return hook
    return None


def _name(fn: Any) -> str:
    return str(getattr(fn, "__name__", "hook"))


def _as_tuple(result: Any) -> tuple[Any, ...] | None:
    """What a hook returned, as the gradients it stands for (None: it returned None)."""
    if result is None:
        return None
    return tuple(result) if isinstance(result, tuple | list) else (result,)


def helper(sink: HookSink) -> Callable[[Any], Any]:
    """The function bound to :data:`HELPER` in the program's globals while it is traced.

    It reaches the recorder through a weak reference: the program's globals hold it, and
    the recorder holds the globals, so a strong one made the whole finished trace (its graph
    records, events and tables, ~19,000 objects for a 24-layer encoder) a reference cycle
    that only a full garbage collection could free, long after the trace was written.
    """
    sink_ref = weakref.ref(sink)

    def node_for_hooks(target: Any) -> Any:
        live = sink_ref()
        return target if live is None or not isinstance(target, Node) else _Registering(
            target, live)

    return node_for_hooks
