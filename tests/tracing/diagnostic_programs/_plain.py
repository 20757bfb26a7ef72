"""Plain PyTorch's own account of a program, for ``tests/tracing/test_diagnostics.py``.

Not an example program: the instruments the diagnostics are checked against. Nothing here
imports the tracer's recording; ``ModuleTracker`` is used only to name parameters as the
trace names them.
"""

from __future__ import annotations

import builtins
import re
import warnings
from contextlib import suppress
from typing import Any

import torch
from torch.overrides import TorchFunctionMode

from gradtrace.tracing.modules import ModuleTracker
from tests.tracing.oracle import program_line, run_plain

__all__ = ["PlainOrder", "plain_none", "plain_norms", "plain_order"]


class PlainOrder(TorchFunctionMode):
    """A plain run's outputs in creation order, each backward call's node visits in order
    (node hooks), and every call that bumped a tensor's version."""

    def __init__(self) -> None:
        super().__init__()
        self.made: dict[Any, tuple[int | None, tuple[Any, ...], Any, int]] = {}
        self.forward: list[tuple[str, int | None, bool]] = []
        self.backward: list[list[tuple[str, int | None, bool]]] = []
        self.bumps: list[tuple[torch.Tensor, int | None]] = []
        self.culprit: tuple[Any, str] | None = None

    def __torch_function__(self, func: Any, types: Any, args: Any = (),
                           kwargs: Any = None) -> Any:
        if getattr(func, "__name__", "") == "backward":
            self._before_backward(args[0])
        first = args[0] if args and isinstance(args[0], torch.Tensor) else None
        version = None if first is None else first._version
        result = func(*args, **(kwargs or {}))
        if first is not None and first._version != version:
            self.bumps.append((first, program_line()))
        for out in result if isinstance(result, tuple | list) else (result,):
            if isinstance(out, torch.Tensor) and out.grad_fn is not None \
                    and out.grad_fn not in self.made:
                self.made[out.grad_fn] = (program_line(), args, out, len(self.bumps))
                finite = bool(torch.isfinite(out.detach()).all())
                self.forward.append((out.grad_fn.name(), program_line(), finite))
        return result

    def _before_backward(self, root: torch.Tensor) -> None:
        visits: list[tuple[str, int | None, bool]] = []
        self.backward.append(visits)
        stack, seen = [root.grad_fn], set()
        while stack:
            fn = stack.pop()
            if fn is None or fn in seen:
                continue
            seen.add(fn)
            stack.extend(child for child, _ in fn.next_functions)
            fn.register_hook(lambda grads, _, fn=fn: visits.append(
                (fn.name(), self.made.get(fn, (None,))[0],
                 all(bool(torch.isfinite(g).all()) for g in grads if g is not None))))
            for attr in (a for a in dir(fn) if a.startswith("_saved_")):
                try:
                    getattr(fn, attr)
                except RuntimeError as exc:
                    if "modified by an inplace" in str(exc) and self.culprit is None:
                        self.culprit = (fn, attr)

    def write_line(self) -> int | None:
        """The line of the first write, after the node was made, into the tensor it saved."""
        assert self.culprit is not None
        fn, attr = self.culprit
        _, args, out, since = self.made[fn]
        saved = {"_saved_result": out, "_saved_self": args[0],
                 "_saved_other": args[1] if len(args) > 1 else None}[attr]
        storage = saved.untyped_storage().data_ptr()
        return next(line for tensor, line in self.bumps[since:]
                    if tensor.untyped_storage().data_ptr() == storage)


def plain_order(source: str) -> PlainOrder:
    namespace: dict[str, Any] = {"__name__": "__main__", "__builtins__": builtins}
    order = PlainOrder()
    with order, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with suppress(RuntimeError):
            exec(compile(source, "<program>", "exec"), namespace)
    return order


def plain_none(source: str) -> set[str]:
    """Leaves that require grad and parameters (named as the tracer names them) whose .grad
    is None after the plain run, and non-leaves the program read .grad of and got None."""
    run = run_plain(source)
    names = {name for name, var in run.variables.items()
             if var.requires_grad and var.is_leaf and var.grad is None}
    names |= {name for name, p in ModuleTracker(lambda: run.namespace).parameter_names()
              if p.grad is None}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # reading a non-leaf's .grad warns
        return names | {name for name, var in run.variables.items()
                        if not var.is_leaf and var.requires_grad
                        and run.namespace[name].grad is None
                        and re.search(rf"\b{name}\.grad\b", source)}


def plain_norms(source: str) -> dict[str, tuple[float, float]]:
    """Parameter name -> (grad norm, parameter norm) after the plain run."""
    run = run_plain(source)
    return {name: (float(p.grad.norm()), float(p.detach().norm()))
            for name, p in ModuleTracker(lambda: run.namespace).parameter_names()
            if p.grad is not None}
