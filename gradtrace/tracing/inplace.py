"""Find the program line behind autograd's "modified by an inplace operation" error.

PyTorch's message says which saved tensor changed (its type and shape, the op it is an
output of, its version now and the version autograd saved) but not where the program
changed it; that line is what a learner needs. So the recorder keeps a short log of the
calls that bumped a tensor's version counter (the counter every in-place write increments,
shared by a tensor and its views), and the error's message is matched against it.

The culprit is the write that moved a counter past the saved version: its tensor (or the
tensor it is a view of) has the described type and shape, the counter was at most the saved
version before it and above it after (one call may bump it more than once), and no later
than now. When writes on several lines fit (and the op named in the message does not single
one out), or the log missed a write (too many, or one it could not read), no line is named:
a wrong line would teach something false.
The message does not say which storage it means, so storage identity cannot narrow it down.
"""

from __future__ import annotations

import functools
import re
from collections import deque
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import torch

__all__ = ["Write", "WriteLog", "new_log", "write_of"]

_MAX_WRITES = 10_000
_MESSAGE = re.compile(
    r"modified by an inplace operation: \[(?P<type>[\w.]+) \[(?P<shape>[\d, ]*)\]\]"
    r"(?:, which is output \d+ of (?P<op>\w+),)? is at version (?P<now>\d+); "
    r"expected version (?P<saved>\d+) instead"
)
_BACKWARD_SUFFIX = re.compile(r"Backward\d*$")
# the write whose name a learner would not recognise (x += 1 reaches torch as add_)
_SPELLING = {"__setitem__": "x[...] ="}


@dataclass(frozen=True, slots=True)
class Write:
    """One call that changed a tensor in place, as the program line that made it."""

    line: int | None
    op: str  # the call: mul_, add_ (also for +=), relu (inplace=True), x[...] =
    shapes: tuple[tuple[int, ...], ...]  # the written tensor's and its base's
    dtype: torch.dtype
    before: int  # the version counter before the call
    after: int  # and after it
    ops: frozenset[str]  # forward ops whose outputs the written tensor may have been


# what the recorder hands from before a call to after it: the tensor(s) and version(s)
Token = tuple[torch.Tensor, int] | list[tuple[torch.Tensor, int]] | None


class WriteLog:
    """The in-place writes of one run, in order (at most ``_MAX_WRITES``).

    ``before`` and ``after`` run around every torch call the program makes, so they only
    read version counters (0.2 us together, 3% of a traced call; measured), and the rest
    waits for a counter that changed.
    """

    def __init__(self, program_line: Callable[[], int | None]) -> None:
        self.writes: deque[Write] = deque(maxlen=_MAX_WRITES)
        self.incomplete = False
        self._program_line = program_line

    def before(self, func: Any, args: tuple[Any, ...]) -> Token:
        """The version of the tensor(s) a call may write into: its first argument."""
        if not args:
            return None
        first = args[0]
        try:  # inference tensors have no version counter
            if isinstance(first, torch.Tensor):
                return first, first._version
            if isinstance(first, list) and getattr(func, "__name__", "").startswith("_foreach_"):
                return [(t, t._version) for t in first if isinstance(t, torch.Tensor)]
        except RuntimeError:
            pass
        return None

    def after(self, func: Any, token: Token) -> None:
        """Log each tensor of ``token`` whose version the call ``func`` changed."""
        if token is None:
            return
        if isinstance(token, tuple):
            if token[0]._version != token[1]:
                self._log(func, *token)
            return
        for tensor, version in token:
            if tensor._version != version:
                self._log(func, tensor, version)

    def _log(self, func: Any, tensor: torch.Tensor, before: int) -> None:
        try:
            self._append(func, tensor, before)
        except Exception:  # a hint is best effort: the program must not fail for it
            self.incomplete = True  # a write went unlogged: name no line from now on

    def _append(self, func: Any, tensor: torch.Tensor, before: int) -> None:
        base = tensor._base if tensor._base is not None else tensor
        if len(self.writes) == _MAX_WRITES:
            self.incomplete = True
        name = str(getattr(func, "__name__", "write")).removeprefix("_foreach_")
        self.writes.append(Write(
            self._program_line(), _SPELLING.get(name, name),
            (tuple(tensor.shape), tuple(base.shape)), tensor.dtype,
            before, tensor._version, _ops_before(base)))


def _ops_before(tensor: torch.Tensor) -> frozenset[str]:
    """The forward op the tensor came from before the write, as the message names it.

    After an in-place op the tensor's node is the write's own (MulBackward0 for mul_,
    CopySlices for a write into a view); the node it replaced is its first input.
    """
    fn = tensor.grad_fn
    names: set[str] = set()
    if fn is not None:
        names.add(fn.name())
        names.update(next_fn.name() for next_fn, _ in fn.next_functions[:1] if next_fn)
    return frozenset(_BACKWARD_SUFFIX.sub("", name) for name in names)


_CURRENT: ContextVar[WriteLog | None] = ContextVar("gradtrace_write_log", default=None)


def new_log(program_line: Callable[[], int | None]) -> WriteLog:
    """A fresh log for a run that starts now; errors of this run are matched against it."""
    log = WriteLog(program_line)
    _CURRENT.set(log)
    return log


@functools.cache
def _type_name(dtype: torch.dtype) -> str:
    return torch.empty(0, dtype=dtype).type()


def _candidates(log: WriteLog, match: re.Match[str]) -> list[Write]:
    shape = tuple(int(size) for size in match["shape"].split(",") if size.strip())
    saved, now = int(match["saved"]), int(match["now"])
    found = [
        write for write in log.writes
        if shape in write.shapes and write.before <= saved < write.after <= now
        and _type_name(write.dtype) == match["type"]
    ]
    op = _BACKWARD_SUFFIX.sub("", match["op"] or "")  # "Sigmoid"; older torch: SigmoidBackward0
    named = [write for write in found if op in write.ops]
    return named or found


def write_of(message: str) -> Write | None:
    """The write that the in-place error describes, when one program line fits.

    Several writes on that line (a loop) give the first, the one that left the saved version.
    """
    log = _CURRENT.get()
    match = _MESSAGE.search(message)
    if log is None or match is None or log.incomplete:
        return None
    candidates = _candidates(log, match)
    if len({write.line for write in candidates}) != 1 or candidates[0].line is None:
        return None
    return candidates[0]
