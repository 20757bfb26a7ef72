"""What the recorder must observe for ``grad_none``'s reasons: cuts, reads of None, parameters.

A finished trace cannot say *why* a tensor is missing from the loss's graph: a ``.detach()``
or a ``torch.no_grad()`` block leaves no node behind. So the recorder notes each call that
takes a tensor requiring grad and gives back something autograd cannot see through (a
:class:`Cut`), and each read of a ``.grad`` that gave None (a :class:`GradRead`, the
only way to know the program *looked*). The parameters of the program's modules are listed
at the end (:func:`parameters_of`): the trace's graph holds only the ones some op used, and
an unused or frozen parameter is exactly the one that is missing.

Where the recorder calls these: :meth:`CutLog.observe` right after ``func(*args, **kwargs)``
returns in ``RecordingMode._recorded`` (every recorded torch call, property reads such as
``.data`` and ``.grad`` included), with ``node_of`` the recorder's ``node_of`` and ``line`` its
``line_here``; :func:`parameters_of` once, when the result is built, on
``recorder.modules.parameter_names()``. A leaf no op has used yet has no node, so a cut of it
(``w.detach()`` as ``w``'s only use) explains nothing unless ``node_of`` records the leaf
first: ``recorder.discover(torch.autograd.graph.get_gradient_edge(t).node,
recorder.origin())`` does (``tests/tracing/test_diagnostics.py`` wires it so).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal, cast

import torch

__all__ = ["Cut", "CutKind", "CutLog", "GradRead", "Parameter", "cut_of", "parameters_of",
           "read_of"]

CutKind = Literal["detach", "data", "no_grad", "item", "tolist", "numpy", "copy"]
"""How a value left the graph: ``.detach()``/``detach_()``, ``.data``, an op run under
``torch.no_grad()``/``inference_mode()``, ``.item()``/``float()``/``int()``, ``.tolist()``,
``.numpy()``, or ``torch.tensor(t)``/``t.new_tensor(...)`` (a copy without history)."""

_DATA = torch._C.TensorBase.__dict__["data"]
_GRAD = torch._C.TensorBase.__dict__["grad"]
_BY_NAME: dict[str, CutKind] = {
    "detach": "detach", "detach_": "detach", "item": "item", "__float__": "item",
    "__int__": "item", "__bool__": "item", "tolist": "tolist", "numpy": "numpy",
    "tensor": "copy", "new_tensor": "copy",
}
MAX_CUTS = 1_000
"""Cuts (and reads) kept per run: a training loop logs ``loss.item()`` every step, and the
same (kind, line, node) is kept once; past this many distinct ones, later ones are dropped."""


@dataclass(frozen=True, slots=True)
class Cut:
    """A call that took ``tensor_node``'s value out of the graph on program line ``line``."""

    kind: CutKind
    line: int | None
    tensor_node: int | None  # the recorded node of the tensor cut from (None: not recorded)


@dataclass(frozen=True, slots=True)
class GradRead:
    """The program read ``.grad`` of ``tensor_node`` on ``line`` and got None."""

    line: int | None
    tensor_node: int | None
    is_leaf: bool


@dataclass(frozen=True, slots=True)
class Parameter:
    """A parameter of one of the program's modules when it ended."""

    name: str  # as named_parameters() gives it and as the trace labels it: "fc1.weight"
    requires_grad: bool
    has_grad: bool  # its .grad is not None


def _first_wanting_grad(args: tuple[Any, ...]) -> torch.Tensor | None:
    for arg in args:
        if isinstance(arg, torch.Tensor) and arg.requires_grad:
            return arg
        if isinstance(arg, list | tuple):
            found = _first_wanting_grad(tuple(arg))
            if found is not None:
                return found
    return None


@functools.cache
def _role(func: Any) -> str | None:
    """What a torch call is to this module: "data", "grad" (the property reads), a cut kind
    by name, or None (cached per function: it runs on every call the program makes)."""
    owner = getattr(func, "__self__", None)
    if owner is _DATA or owner is _GRAD:
        return "data" if owner is _DATA else "grad"
    return _BY_NAME.get(getattr(func, "__name__", ""))


def _kind(func: Any, args: tuple[Any, ...], result: Any) -> tuple[CutKind, torch.Tensor] | None:
    """The cut a call made and the tensor it cut from (None: not a cut)."""
    role = _role(func)
    if role is None:
        if torch.is_grad_enabled() or not isinstance(result, torch.Tensor) \
                or result.requires_grad:
            return None
        source = _first_wanting_grad(args)
        return None if source is None else ("no_grad", source)
    if role == "grad":
        return None
    if role == "data":
        first = args[0] if args else None
        return ("data", first) if isinstance(first, torch.Tensor) and first.requires_grad \
            else None
    source = _first_wanting_grad(args)
    if source is None or (isinstance(result, torch.Tensor) and result.requires_grad):
        return None
    return cast(CutKind, role), source


def cut_of(func: Any, args: tuple[Any, ...], result: Any,
           node_of: Callable[[torch.Tensor], int | None],
           line: Callable[[], int | None]) -> Cut | None:
    """The :class:`Cut` a finished torch call made, if it made one.

    Cheap on the common path (a cached lookup and ``torch.is_grad_enabled()``); ``node_of``
    and ``line`` are called only for a cut. Under ``no_grad`` only a call that returns a
    tensor not requiring grad from one that does counts: an optimizer's in-place update
    returns the parameter itself, which still requires grad.
    """
    found = _kind(func, args, result)
    if found is None:
        return None
    return Cut(found[0], line(), node_of(found[1]))


def read_of(func: Any, args: tuple[Any, ...], result: Any,
            node_of: Callable[[torch.Tensor], int | None],
            line: Callable[[], int | None]) -> GradRead | None:
    """A read of ``.grad`` that gave None, on a tensor that requires grad."""
    if result is not None or not args or _role(func) != "grad":
        return None
    tensor = args[0]
    if not isinstance(tensor, torch.Tensor) or not tensor.requires_grad:
        return None
    return GradRead(line(), node_of(tensor), tensor.is_leaf)


@dataclass
class CutLog:
    """The cuts and reads of one run, each distinct one once (at most :data:`MAX_CUTS`)."""

    node_of: Callable[[torch.Tensor], int | None]
    line: Callable[[], int | None]
    cuts: dict[Cut, None] = field(default_factory=dict)  # ordered set
    reads: dict[GradRead, None] = field(default_factory=dict)

    def observe(self, func: Any, args: tuple[Any, ...], result: Any) -> None:
        """Note the call if it cut a tensor from the graph or read a None ``.grad``."""
        cut = cut_of(func, args, result, self.node_of, self.line)
        if cut is not None and len(self.cuts) < MAX_CUTS:
            self.cuts[cut] = None
        read = read_of(func, args, result, self.node_of, self.line)
        if read is not None and len(self.reads) < MAX_CUTS:
            self.reads[read] = None


def parameters_of(named: Iterable[tuple[str, torch.Tensor]]) -> list[Parameter]:
    """Each named parameter's record (pass ``recorder.modules.parameter_names()``)."""
    return [Parameter(name, tensor.requires_grad, tensor.grad is not None)
            for name, tensor in named]
