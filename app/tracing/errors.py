"""The tracer's exception tree and the hints that turn PyTorch errors into lessons.

Limits raised while a program runs derive from ``BaseException`` so that a program's own
``except Exception:`` cannot swallow them and keep running past a cap.
"""

from __future__ import annotations

import traceback
from types import TracebackType
from typing import Any

__all__ = [
    "PROGRAM_FILENAME",
    "OutputLimitError",
    "ProgramTimeout",
    "TraceLimitError",
    "describe_error",
    "hint_for",
]

PROGRAM_FILENAME = "<program>"


class TraceLimitError(BaseException):
    """A program went past one of the trace caps (nodes, events, stdout)."""

    def __init__(self, cap: str, limit: int) -> None:
        super().__init__(f"The program went past the {cap} limit ({limit}).")
        self.cap = cap
        self.limit = limit


class OutputLimitError(TraceLimitError):
    """print() wrote more than the stdout cap."""


class ProgramTimeout(BaseException):
    """The program ran past its wall-clock limit (raised by the worker's alarm)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"The program ran for more than {seconds:g} s and was stopped.")
        self.seconds = seconds


# (substring of PyTorch's message, hint a learner can act on). First match wins.
_HINTS: tuple[tuple[str, str], ...] = (
    (
        "backward through the graph a second time",
        "backward() frees the saved tensors of the graph it ran through. Pass "
        "retain_graph=True to the first backward() (or autograd.grad) call if you need "
        "to go through the same graph again, or rebuild the graph by running the forward again.",
    ),
    (
        "modified by an inplace operation",
        "A tensor that autograd saved for backward was changed in place (an op ending in _ "
        "such as add_, or x[...] = ...). Use the out-of-place op (x = x + 1) or .clone() "
        "the tensor before changing it.",
    ),
    (
        "does not require grad and does not have a grad_fn",
        "Nothing in this computation requires grad, so there is no graph to differentiate. "
        "Create the input with requires_grad=True, and check it is not computed under "
        "torch.no_grad() or after .detach().",
    ),
    (
        "grad can be implicitly created only for scalar outputs",
        "backward() without an argument only works on a scalar. Reduce the output first "
        "(y.sum().backward()) or pass a gradient of y's shape: y.backward(torch.ones_like(y)).",
    ),
    (
        "Only Tensors of floating point and complex dtype can require gradients",
        "Integer tensors cannot require grad. Create the tensor as float: "
        "torch.tensor([1.0, 2.0], requires_grad=True) or dtype=torch.float32.",
    ),
    (
        "appears to not have been used in the graph",
        "One of the inputs you asked autograd.grad about is not part of the graph of the "
        "outputs. Pass allow_unused=True to get None for it, or check the computation uses it.",
    ),
    (
        "a leaf Variable that requires grad is being used in an in-place operation",
        "A leaf that requires grad cannot be changed in place while autograd records. Update "
        "parameters inside `with torch.no_grad():` (as optimizers do) or use an out-of-place op.",
    ),
    (
        "Mismatch in shape",
        "The gradient passed to backward() (or grad_outputs) must have the same shape as the "
        "output it belongs to.",
    ),
    (
        "shapes cannot be multiplied",
        "The inner dimensions of a matrix product must agree: (a x b) @ (b x c). Print the "
        "shapes (x.shape) of both operands.",
    ),
    (
        "must match the size of tensor",
        "The two tensors cannot be broadcast together: trailing dimensions must be equal or 1.",
    ),
    (
        "Can't call numpy() on Tensor that requires grad",
        "Call .detach() first: tensor.detach().numpy(), since numpy cannot track gradients.",
    ),
    (
        "can't allocate memory",
        "The program asked for more memory than a run may use. Use smaller tensors.",
    ),
)


def hint_for(message: str) -> str | None:
    """Return the hint for a PyTorch/Python error message, or None when none applies."""
    for needle, hint in _HINTS:
        if needle in message:
            return hint
    return None


def _program_line(tb: TracebackType | None) -> int | None:
    """Innermost line of the user's program in a traceback."""
    line = None
    for frame, lineno in traceback.walk_tb(tb):
        if frame.f_code.co_filename == PROGRAM_FILENAME:
            line = lineno
    return line


def _kind_for(exc: BaseException) -> str:
    """Map an exception to the API's error kind."""
    if isinstance(exc, ProgramTimeout):
        return "timeout"
    if isinstance(exc, TraceLimitError):
        return "output_limit"
    if isinstance(exc, MemoryError):
        return "memory"
    if isinstance(exc, RuntimeError) and (
        "can't allocate memory" in str(exc) or "not enough memory" in str(exc)
    ):
        return "memory"
    return "runtime"


def describe_error(exc: BaseException) -> dict[str, Any]:
    """Build the response's ``error`` object from an exception raised by a program."""
    if isinstance(exc, SyntaxError):
        return {
            "kind": "syntax",
            "type": type(exc).__name__,
            "message": exc.msg,
            "line": exc.lineno,
            "hint": "Python could not read the program: check the line for a typo.",
        }
    kind = _kind_for(exc)
    message = str(exc) or type(exc).__name__
    hint = hint_for(message)
    if kind == "output_limit" and isinstance(exc, TraceLimitError):
        hint = f"Make the program smaller: it is capped at {exc.limit} {exc.cap}."
    elif kind == "timeout":
        hint = "Look for a loop that never ends, or make the tensors smaller."
    elif kind == "memory" and hint is None:
        hint = "The program asked for more memory than a run may use. Use smaller tensors."
    elif isinstance(exc, NameError):
        hint = "A name is used before it is assigned, or it is misspelt."
    elif isinstance(exc, ImportError):
        hint = "Programs may import torch, torch.nn, torch.nn.functional, torch.optim, math, numpy."
    return {
        "kind": kind,
        "type": type(exc).__name__,
        "message": message,
        "line": _program_line(exc.__traceback__),
        "hint": hint,
    }
