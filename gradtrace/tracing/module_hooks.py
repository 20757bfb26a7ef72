"""The program's own ``nn.Module`` hooks, seen as they run.

Forward pre-hooks see a module's inputs, forward hooks its output and full backward hooks
the gradients around it: that is how activation maps are captured. While a program is
traced, the ``register_*`` methods wrap a hook the program registers (called from its own
lines; torch's internal hooks are left alone), and each run becomes a timeline event with
the tensors the hook got and the ones it returned in their place.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import torch

from gradtrace.tracing.backward import program_hook_calls
from gradtrace.tracing.surface import HookSink, running_call
from gradtrace.tracing.transforms import transforming

__all__ = ["KINDS", "tensors_in", "watching"]

# register method -> the kind of hook, as events name it
KINDS = {
    "register_forward_pre_hook": "forward pre-hook",
    "register_forward_hook": "forward hook",
    "register_full_backward_pre_hook": "backward pre-hook",
    "register_full_backward_hook": "backward hook",
}
_MAX_TENSORS = 8  # tensors recorded per hook run (a module's inputs can be many)


def tensors_in(value: Any) -> list[torch.Tensor]:
    """The tensors in a hook's argument or result (a tensor, or a tuple/list/dict of them)."""
    if isinstance(value, torch.Tensor):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, tuple | list):
        return [t for t in value if isinstance(t, torch.Tensor)][:_MAX_TENSORS]
    return []


def _ran(sink: HookSink, module: torch.nn.Module, kind: str, name: str, line: int,
         got: list[torch.Tensor], result: Any) -> None:
    """An event for one run of the hook; ``call`` is the running backward call's, if any."""
    if transforming():  # its tensors are the transform's wrappers
        return
    returned = None if result is None else tensors_in(result)
    sink.hook_event({
        "module_hook": sink.module_name(module), "kind": kind, "line": line,
        "name": name, "call": running_call(sink) if "backward" in kind else None,
        "got": [sink.tensor(t) for t in got],
        "result": None if returned is None else [sink.tensor(t) for t in returned]})


def _wrapped(sink: HookSink, kind: str, hook: Callable[..., Any],
             module: torch.nn.Module, line: int) -> Callable[..., Any]:
    name = str(getattr(hook, "__name__", "hook"))

    @functools.wraps(hook)  # torch names the hook in its errors: the program's, not ours
    def seen(*args: Any, **kwargs: Any) -> Any:
        with program_hook_calls():  # its own grad/backward calls, if backward runs it
            result = hook(*args, **kwargs)
        got = [t for arg in args[1:] for t in tensors_in(arg)][:_MAX_TENSORS]
        _ran(sink, module, kind, name, line, got, result)
        return result

    return seen


def _register(sink: HookSink, method: str, original: Callable[..., Any]) -> Any:
    def register(module: torch.nn.Module, hook: Any, *args: Any, **kwargs: Any) -> Any:
        # the program's line, or None: torch registering its own hook
        line = sink.program_line(sys._getframe(1))
        if callable(hook) and line is not None:
            hook = _wrapped(sink, KINDS[method], hook, module, line)
        return original(module, hook, *args, **kwargs)

    return register


@contextmanager
def watching(sink: HookSink) -> Iterator[None]:
    """Wrap the program's module hooks while the block runs; restore the methods after."""
    originals = {method: torch.nn.Module.__dict__[method] for method in KINDS}
    for method, original in originals.items():
        setattr(torch.nn.Module, method, _register(sink, method, original))
    try:
        yield
    finally:
        for method, original in originals.items():
            setattr(torch.nn.Module, method, original)
