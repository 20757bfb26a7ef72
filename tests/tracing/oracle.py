"""The oracle: run a program with plain PyTorch and say what a correct trace must contain.

Nothing here imports the tracer. The program runs in-process with fresh globals, the same
seeds the tracer uses, stdout captured and exceptions caught; the graph is walked directly
over ``grad_fn.next_functions``. The only instrumentation is a counter around
``torch.autograd.backward``/``grad`` (which calls happened, from which line) and, in a
separate run, ``retain_grad()`` on every named intermediate, which is how PyTorch itself
reports the gradient arriving at a non-leaf.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import io
import random
import traceback
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

__all__ = [
    "PROGRAM",
    "PlainError",
    "PlainRun",
    "PlainVariable",
    "program_line",
    "retained_grads",
    "run_plain",
    "saved_tensors_of",
    "walk_grad_fn",
]

PROGRAM = "<program>"


@dataclass
class PlainVariable:
    """A tensor bound to a top-level name when the program ended (or raised)."""

    value: torch.Tensor
    requires_grad: bool
    is_leaf: bool
    grad: torch.Tensor | None
    ops: Counter[str] | None  # op multiset reachable from grad_fn (non-leaves only)
    leaves: int | None  # distinct AccumulateGrad nodes reachable from grad_fn


@dataclass
class PlainError:
    """What plain Python/PyTorch raised: type name, message and program line."""

    type: str
    message: str
    line: int | None


@dataclass
class PlainRun:
    """Everything the plain run observed."""

    variables: dict[str, PlainVariable]
    stdout: str
    warnings: list[str]
    error: PlainError | None
    calls: list[tuple[str, int | None]]  # (kind, line) per backward()/autograd.grad call
    parameter_grads: dict[str, list[torch.Tensor | None]] = field(default_factory=dict)
    namespace: dict[str, Any] = field(default_factory=dict)
    retained: dict[str, torch.Tensor] = field(default_factory=dict)
    # id(grad_fn) -> (grad_fn, its saved tensors before any backward freed them)
    saved: dict[int, tuple[Any, dict[str, torch.Tensor]]] = field(default_factory=dict)


def walk_grad_fn(fn: Any) -> tuple[Counter[str], int]:
    """Op names and leaf count reachable from one node: iterative, each node once."""
    ops: Counter[str] = Counter()
    leaves = 0
    seen: set[int] = set()
    keep: list[Any] = []  # holds wrappers alive so id() stays unique during the walk
    stack = [fn]
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        keep.append(node)
        if node.name().endswith("AccumulateGrad"):
            leaves += 1
        else:
            ops[node.name()] += 1
        stack.extend(child for child, _ in node.next_functions)
    return ops, leaves


def program_line(tb: Any = None) -> int | None:
    """Innermost line of the program on a traceback (or on the current stack)."""
    frames = traceback.extract_tb(tb) if tb is not None else traceback.extract_stack()
    lines = [frame.lineno for frame in frames if frame.filename == PROGRAM]
    return lines[-1] if lines else None


def saved_tensors_of(fn: Any) -> dict[str, torch.Tensor]:
    """A node's saved tensors as torchviz shows them (``_saved_self`` -> ``self``)."""
    saved: dict[str, torch.Tensor] = {}
    for attr in dir(fn):
        if not attr.startswith("_saved_"):
            continue
        try:
            value = getattr(fn, attr)
        except RuntimeError:  # freed by an earlier backward()
            continue
        if isinstance(value, torch.Tensor):
            saved[attr.removeprefix("_saved_")] = value.detach().clone()
    return saved


class _Observer:
    """Notes each backward()/grad() call and, just before it runs, the saved tensors of
    every node it is about to walk (backward frees them). Behaviour is unchanged."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int | None]] = []
        self.saved: dict[int, tuple[Any, dict[str, torch.Tensor]]] = {}

    def snapshot(self, roots: Any) -> None:
        roots = [roots] if isinstance(roots, torch.Tensor) else list(roots or [])
        stack = [t.grad_fn for t in roots if isinstance(t, torch.Tensor)]
        while stack:
            fn = stack.pop()
            if fn is None or id(fn) in self.saved:
                continue
            self.saved[id(fn)] = (fn, saved_tensors_of(fn))  # holding fn keeps id() unique
            stack.extend(child for child, _ in fn.next_functions)

    def wrap(self, kind: str, real: Callable[..., Any], key: str) -> Callable[..., Any]:
        def observed(*args: Any, **kwargs: Any) -> Any:
            self.calls.append((kind, program_line()))
            self.snapshot(args[0] if args else kwargs.get(key))
            return real(*args, **kwargs)

        return observed

    @contextlib.contextmanager
    def active(self) -> Iterator[None]:
        real_backward, real_grad = torch.autograd.backward, torch.autograd.grad
        torch.autograd.backward = self.wrap("backward", real_backward, "tensors")
        torch.autograd.grad = self.wrap("grad", real_grad, "outputs")
        try:
            yield
        finally:
            torch.autograd.backward, torch.autograd.grad = real_backward, real_grad


def _execute(source: str) -> tuple[dict[str, Any], str, list[str], PlainError | None, _Observer]:
    namespace: dict[str, Any] = {"__name__": "__main__", "__builtins__": builtins}
    out = io.StringIO()
    error = None
    observer = _Observer()
    torch.manual_seed(0)
    np.random.seed(0)
    random.seed(0)
    with (
        contextlib.redirect_stdout(out),
        warnings.catch_warnings(record=True) as caught,
        observer.active(),
    ):
        warnings.simplefilter("always")
        try:
            exec(compile(source, PROGRAM, "exec"), namespace)
        except SyntaxError as exc:
            error = PlainError(type(exc).__name__, exc.msg, exc.lineno)
        except Exception as exc:
            error = PlainError(type(exc).__name__, str(exc), program_line(exc.__traceback__))
    texts = list(dict.fromkeys(_program_frames(str(item.message)) for item in caught))
    return namespace, out.getvalue(), texts, error, observer


def _program_frames(message: str) -> str:
    """Anomaly mode's warning with the program's frames only, as running it as a script
    shows it: the frames of this harness (exec, pytest) are no part of the program."""
    head, marker, stack = message.partition("Traceback of forward call that caused the error:\n")
    lines = stack.split("\n")
    keep = [True] * len(lines)
    for index, line in enumerate(lines):
        if line.startswith('  File "') and not line.startswith(f'  File "{PROGRAM}"'):
            keep[index] = False
            if index + 1 < len(lines) and lines[index + 1].startswith("    "):
                keep[index + 1] = False
    return head + marker + "\n".join(line for line, kept in zip(lines, keep, strict=True) if kept)


def _variable(tensor: torch.Tensor) -> PlainVariable:
    walk = walk_grad_fn(tensor.grad_fn) if tensor.grad_fn is not None else (None, None)
    grad = tensor.grad.detach().clone() if tensor.is_leaf and tensor.grad is not None else None
    return PlainVariable(
        tensor.detach().clone(), tensor.requires_grad, tensor.is_leaf, grad, walk[0], walk[1]
    )


def _parameter_grads(namespace: dict[str, Any]) -> dict[str, list[torch.Tensor | None]]:
    """Parameter name (as named_parameters gives it) -> grads of every root's parameter."""
    grads: dict[str, list[torch.Tensor | None]] = {}
    for value in namespace.values():
        if isinstance(value, torch.nn.Module):
            for name, param in value.named_parameters():
                grad = None if param.grad is None else param.grad.detach().clone()
                grads.setdefault(name, []).append(grad)
    return grads


class _RetainNamed(ast.NodeTransformer):
    """After each assignment outside functions, retain_grad() the bound intermediates."""

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.FunctionDef:
        return node  # only top-level names are the program's variables

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.ClassDef:
        return node

    def generic_visit(self, node: ast.AST) -> ast.AST:
        super().generic_visit(node)
        for name in ("body", "orelse"):
            body = getattr(node, name, None)
            if isinstance(body, list) and body and isinstance(body[0], ast.stmt):
                setattr(node, name, [s for stmt in body for s in self._with_retain(stmt)])
        return node

    @staticmethod
    def _with_retain(stmt: ast.stmt) -> list[ast.stmt]:
        targets = getattr(stmt, "targets", None) or [getattr(stmt, "target", None)]
        if not isinstance(stmt, ast.Assign | ast.AugAssign | ast.AnnAssign):
            return [stmt]
        names = [
            n.id for t in targets if t is not None for n in ast.walk(t) if isinstance(n, ast.Name)
        ]
        calls = [ast.parse(f"oracle_retain__({name})").body[0] for name in names]
        return [stmt, *calls]


def _retain(value: Any) -> None:
    if isinstance(value, torch.Tensor) and value.requires_grad and not value.is_leaf:
        value.retain_grad()


def retained_grads(source: str) -> dict[str, torch.Tensor]:
    """Gradient accumulated at each named non-leaf, from PyTorch's own retain_grad()."""
    try:
        tree = ast.fix_missing_locations(_RetainNamed().visit(ast.parse(source)))
    except SyntaxError:
        return {}
    namespace: dict[str, Any] = {"__builtins__": builtins, "oracle_retain__": _retain}
    torch.manual_seed(0)
    np.random.seed(0)
    random.seed(0)
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with contextlib.suppress(Exception):
            exec(compile(tree, PROGRAM, "exec"), namespace)
    return {
        name: value.grad.detach().clone()
        for name, value in namespace.items()
        if isinstance(value, torch.Tensor) and not value.is_leaf and value.grad is not None
    }


def run_plain(source: str) -> PlainRun:
    """Run ``source`` with plain PyTorch and collect what a trace must agree with."""
    namespace, stdout, texts, error, observer = _execute(source)
    observer.snapshot(v for v in namespace.values() if isinstance(v, torch.Tensor))
    variables = {
        name: _variable(value)
        for name, value in namespace.items()
        if isinstance(value, torch.Tensor) and not name.startswith("__")
    }
    return PlainRun(
        variables=variables,
        stdout=stdout,
        warnings=texts,
        error=error,
        calls=observer.calls,
        saved=observer.saved,
        parameter_grads=_parameter_grads(namespace),
        namespace=namespace,
        retained=retained_grads(source),
    )
