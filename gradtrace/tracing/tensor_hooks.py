"""The program's own tensor hooks, seen as they run.

``y.register_hook(fn)`` makes ``fn`` see the gradient arriving at ``y`` during backward and,
if it returns a tensor, replace it. The graph alone cannot show that: the edge into ``y``'s
node carries the old gradient and the node receives the new one. So a hook the program
registers is wrapped, and each run of it becomes a timeline event with the gradient it got
and the one it returned. Hooks torch registers for itself (module hooks) are left alone.
"""

from __future__ import annotations

import functools
import sys
import weakref
from typing import Any

import torch

from gradtrace.tracing.backward import program_hook_calls
from gradtrace.tracing.surface import HookSink, running_call
from gradtrace.tracing.transforms import transforming

__all__ = ["REGISTER_HOOK", "watch"]

REGISTER_HOOK = torch.Tensor.register_hook


def _program_line(sink: HookSink) -> int | None:
    """The program's line that called the running ``Tensor.register_hook``, if it did."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_code is not REGISTER_HOOK.__code__:
        frame = frame.f_back  # type: ignore[assignment]
    return sink.program_line(frame.f_back if frame is not None else None)


def _ran(sink: HookSink, tensor: torch.Tensor | None, name: str, line: int, grad: Any,
         result: Any, call: int) -> None:
    """An event for one run of the hook, inside backward call ``call`` (none in a transform)."""
    node_id = None if tensor is None else sink.node_of(tensor)
    if node_id is None or call < 0 or transforming():
        return
    sink.hook_event({
        "hook": node_id, "call": call, "line": line, "name": name,
        "grad": sink.tensor(grad) if isinstance(grad, torch.Tensor) else None,
        "result": sink.tensor(result) if isinstance(result, torch.Tensor) else None})


def watch(sink: HookSink, args: tuple[Any, ...],
          kwargs: dict[str, Any]) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """The arguments of a ``register_hook`` call, the program's hook wrapped to be seen.

    The tensor is held weakly: the hook lives in the tensor's own hook table, and its node
    is looked up when the hook runs (a leaf's node may not exist yet at registration).
    """
    tensor = args[0] if args else None
    hook = args[1] if len(args) > 1 else kwargs.get("hook")
    line = _program_line(sink)
    if not isinstance(tensor, torch.Tensor) or not callable(hook) or line is None:
        return args, kwargs
    target = weakref.ref(tensor)
    name = str(getattr(hook, "__name__", "hook"))

    @functools.wraps(hook)  # torch names the hook in its errors: the program's, not ours
    def seen(grad: Any) -> Any:
        call = running_call(sink)
        with program_hook_calls():
            result = hook(grad)
        _ran(sink, target(), name, line, grad, result, call)
        return result

    rest = {k: v for k, v in kwargs.items() if k != "hook"}
    return (tensor, seen), rest
