"""The program's saved-tensor hooks, seen as they run.

``with torch.autograd.graph.saved_tensors_hooks(pack, unpack):`` makes autograd hand every
tensor it saves for backward to ``pack`` (in the forward pass) and keep what that returns,
then hand it to ``unpack`` when backward needs the tensor again. That is how activations
are offloaded, compressed or recomputed, and no graph node shows it. While a program is
traced, ``saved_tensors_hooks`` wraps the two hooks the program passes it (from its own
lines; torch's subclasses, ``save_on_cpu`` and checkpointing, are left alone), and each
run becomes a timeline event with the tensor the hook got and the one it returned.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

import torch
from torch.autograd.graph import saved_tensors_hooks

from gradtrace.tracing.surface import HookSink
from gradtrace.tracing.transforms import transforming

__all__ = ["watching"]


def _event(sink: HookSink, kind: str, name: str, line: int, got: Any,
           result: Any) -> None:
    """One run of a pack or unpack hook; ``call`` is the backward call it ran in, if any."""
    if transforming():  # its tensors are the transform's wrappers
        return
    running = torch._C._current_graph_task_id() != -1 and sink.backward_calls
    sink.hook_event({
        "saved_hook": kind, "line": line, "name": name,
        "call": sink.backward_calls - 1 if running else None,
        "tensor": sink.tensor(got) if isinstance(got, torch.Tensor) else None,
        "result": sink.tensor(result) if isinstance(result, torch.Tensor) else None})


def _seen(sink: HookSink, kind: str, hook: Callable[..., Any],
          line: int) -> Callable[..., Any]:
    name = str(getattr(hook, "__name__", "hook"))

    @functools.wraps(hook)  # errors name the program's hook, not ours
    def seen(value: Any) -> Any:
        result = hook(value)
        _event(sink, kind, name, line, value, result)
        return result

    return seen


def _program_line(sink: HookSink, caller: FrameType | None, pack_hook: Any) -> int | None:
    """The program line that passed ``pack_hook``, or None when torch made the hooks.

    A subclass's ``__init__`` that hands on the very hooks it was given (the sandbox's
    checked stand-in does) is looked through; one that passes hooks of its own
    (``save_on_cpu``, a checkpoint) is not, so torch's own hooks make no events.
    """
    while (caller is not None and caller.f_code.co_name == "__init__"
           and caller.f_locals.get("pack_hook") is pack_hook):
        caller = caller.f_back
    return sink.program_line(caller)


@contextmanager
def watching(sink: HookSink) -> Iterator[None]:
    """Wrap the program's saved-tensor hooks while the block runs; restore after."""
    original = saved_tensors_hooks.__init__

    def init(self: saved_tensors_hooks, pack_hook: Any, unpack_hook: Any) -> None:
        line = _program_line(sink, sys._getframe(1), pack_hook)
        if line is not None and callable(pack_hook) and callable(unpack_hook):
            pack_hook = _seen(sink, "pack", pack_hook, line)
            unpack_hook = _seen(sink, "unpack", unpack_hook, line)
        original(self, pack_hook, unpack_hook)

    saved_tensors_hooks.__init__ = init  # type: ignore[method-assign]
    try:
        yield
    finally:
        saved_tensors_hooks.__init__ = original  # type: ignore[method-assign]
