"""The torch function mode that hands every call to the recorder, and the gate in front of it.

The gate decides whether calls are recorded right now. The playground records everything
and a cap stops the program. Your own code (``gradtrace.trace()``) may record only some
steps of a long loop, and a cap there stops the *recording*, never your training run: the
calls after it run exactly as without the tracer, and the trace says where it was cut.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import torch
from torch.overrides import TorchFunctionMode

from gradtrace.tracing import backward, tensor_hooks
from gradtrace.tracing.errors import TraceLimitError
from gradtrace.tracing.surface import CallSink
from gradtrace.tracing.transforms import transforming

__all__ = ["Gate", "RecordingMode", "may_write"]

# Dunder methods that write into a tensor; other writers end in "_" (add_, copy_, zero_).
# numpy() is here because the array it returns shares the tensor's memory.
_WRITERS = frozenset({
    "__setitem__", "__set__", "__iadd__", "__isub__", "__imul__", "__itruediv__",
    "__ifloordiv__", "__imod__", "__ipow__", "__imatmul__", "__iand__", "__ior__", "__ixor__",
    "__ilshift__", "__irshift__", "numpy",
})
# In-place by name, but they change flags, not values.
_FLAG_SETTERS = frozenset({"requires_grad_", "detach_", "share_memory_"})
_TENSOR = torch._C.TensorBase
# Reads of a tensor's metadata: they write nothing, cut nothing from the graph and return no
# tensor, so only ``after_call`` needs to see them (920 of the 1,558 calls a 24-layer
# encoder's trace makes, most of them from building the model). A property read reaches
# the mode as its descriptor's ``__get__``, which compares equal across reads. Not here:
# ``.data`` and ``.grad`` (cuts and reads of None are what ``cuts`` records).
_QUERIES = frozenset({
    *(_TENSOR.__dict__[name].__get__ for name in (
        "requires_grad", "dtype", "is_nested", "shape", "device", "ndim", "layout",
        "is_leaf", "is_sparse", "is_quantized", "is_meta", "is_cuda", "itemsize",
        "nbytes", "output_nr")),
    _TENSOR.dim, _TENSOR.size, _TENSOR.numel, _TENSOR.stride, _TENSOR.is_contiguous,
    _TENSOR.is_floating_point, _TENSOR.is_complex, _TENSOR.element_size, _TENSOR.nelement,
    _TENSOR.ndimension, _TENSOR.get_device, _TENSOR.storage_offset,
})


@functools.cache
def may_write(func: Callable[..., Any]) -> bool:
    """Whether calling ``func`` may change a tensor's values in place (cached: every call)."""
    name: str = getattr(func, "__name__", "")
    if name in _FLAG_SETTERS:
        return False
    return name in _WRITERS or (name.endswith("_") and not name.endswith("__"))


@dataclass
class Gate:
    """Whether calls are recorded now.

    A *step* ends with each top-level ``backward()`` or ``autograd.grad()`` call, so step
    ``k`` is the forward work up to and including the ``k``-th backward call (from 0).

    Attributes:
        steps: which steps to record (None: all of them).
        keep_running: on a cap, stop recording and let the program go on (the library);
            False raises the cap's error into the program (the sandbox).
        step: the step running now.
        stopped: a cap was reached; nothing more is recorded.
        open: whether the current step is recorded.
    """

    steps: Callable[[int], bool] | None = None
    keep_running: bool = False
    step: int = 0
    stopped: bool = False
    open: bool = True

    def __post_init__(self) -> None:
        self.open = self.steps is None or self.steps(0)

    def end_step(self) -> None:
        """A top-level backward call returned: the next step starts."""
        self.step += 1
        self.open = not self.stopped and (self.steps is None or self.steps(self.step))

    def cut(self, exc: TraceLimitError) -> None:
        """A cap was reached: raise it into the program, or stop recording for good."""
        if not self.keep_running:
            raise exc
        self.stopped = True
        self.open = False


class RecordingMode(TorchFunctionMode):
    """Forwards every torch call to the recorder; backward calls are instrumented."""

    def __init__(self, recorder: CallSink) -> None:
        super().__init__()
        self.recorder = recorder

    def __torch_function__(
        self,
        func: Callable[..., Any],
        types: Any,
        args: tuple[Any, ...] = (),
        kwargs: dict[str, Any] | None = None,
    ) -> Any:
        kwargs = kwargs or {}
        recording = self.recorder.recording
        kind = backward.CALL_KINDS.get(func)
        if kind is not None:
            if recording:
                result = backward.run_call(self.recorder, func, kind, args, kwargs)
            else:
                result = func(*args, **kwargs)
            self.recorder.end_step()
            return result
        if transforming() or not recording:  # a transform's own tensors (see transforms)
            return func(*args, **kwargs)
        return self._recorded(func, args, kwargs)

    def _recorded(self, func: Callable[..., Any], args: tuple[Any, ...],
                  kwargs: dict[str, Any]) -> Any:
        recorder = self.recorder
        writes = False
        if func in _QUERIES:
            result = func(*args, **kwargs)
        else:
            writes = may_write(func)
            result = self._observed(func, args, kwargs, writes)
        first = args[0] if args else None
        try:
            recorder.after_call(result, first)
            if writes:
                recorder.after_write(func, first)
        except TraceLimitError as exc:
            recorder.limit_reached(exc)
        return result

    def _observed(self, func: Callable[..., Any], args: tuple[Any, ...],
                  kwargs: dict[str, Any], writes: bool) -> Any:
        """Run a call that may write or cut: flushed before, its writes and cuts logged."""
        recorder = self.recorder
        if writes or "out" in kwargs:
            recorder.tensors.flush()  # entries show values from before the write
        if func is tensor_hooks.REGISTER_HOOK:
            args, kwargs = tensor_hooks.watch(recorder, args, kwargs)
        token = recorder.writes.before(func, args)
        result = func(*args, **kwargs)
        recorder.writes.after(func, token)
        recorder.cuts.observe(func, args, result)
        return result
