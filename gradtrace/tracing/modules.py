"""Know which ``nn.Module`` is running, so every node can say which layer created it.

Global forward hooks keep a stack of the modules whose ``forward`` is executing. A module
called from outside any other module is a *root* (the user's model); its submodules are
named as ``named_modules()`` names them (``layers.3.linear1``), and the root itself by the
program's variable that holds it (``net``), or its class name.

Every forward call is counted, so the page can draw each call of a module that ran several
times (an ``LSTMCell`` unrolled over 50 steps, a layer applied twice) in a box of its own,
exactly, instead of guessing repeats from the ops. A call joins the trace's
``module_calls`` list only when a node is made inside it (a call under ``no_grad`` makes
none), so the list never outgrows the graph.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import torch
from torch.nn.modules import module as nn_module

__all__ = ["ModuleTracker"]


@dataclass(slots=True)
class _Call:
    """One running ``forward`` call: the ``n``-th call of the module named ``module``."""

    module: str
    n: int
    parent: _Call | None
    index: int | None = None  # position in ModuleTracker.calls, once a node is made inside


class ModuleTracker:
    """A stack of running module calls, named relative to the root model."""

    def __init__(self, program_globals: Callable[[], dict[str, Any]]) -> None:
        self._program_globals = program_globals
        self._names: dict[torch.nn.Module, str] = {}
        self._counts: dict[str, int] = {}
        self._stack: list[_Call] = []
        # {"module", "n", "parent"} for every call a node was made in, parents first
        self.calls: list[dict[str, Any]] = []

    def current_call(self) -> int | None:
        """Index in :attr:`calls` of the innermost running call (listing it if new)."""
        if not self._stack:
            return None
        return self._listed(self._stack[-1])

    def name_of(self, module: torch.nn.Module) -> str:
        """The name a module is shown under, naming its whole tree on first sight."""
        name = self._names.get(module)
        if name is not None:
            return name
        if self._stack:
            name = f"{self._stack[-1].module}.{type(module).__name__}"
            self._names[module] = name
            return name
        for sub_name, sub in module.named_modules():
            if sub_name:
                self._names.setdefault(sub, sub_name)
        name = self._root_name(module)
        self._names[module] = name
        return name

    def parameter_names(self) -> Iterator[tuple[str, torch.Tensor]]:
        """``("conv1.weight", tensor)`` for every parameter of every module seen or bound."""
        roots = [m for m in self._program_globals().values() if isinstance(m, torch.nn.Module)]
        roots += [m for m, n in self._names.items() if "." not in n]  # roots outside globals
        for root in roots:
            # a bare layer as the model (trunk = nn.Linear(...)) would give plain "weight":
            # prefix its name so that two such layers stay distinguishable
            prefix = "" if any(True for _ in root.children()) else self.name_of(root)
            yield from root.named_parameters(prefix=prefix)

    def _root_name(self, module: torch.nn.Module) -> str:
        for key, value in self._program_globals().items():
            if value is module:
                return key
        return type(module).__name__

    def _listed(self, call: _Call) -> int:
        """``call``'s index in :attr:`calls`, listing it and its unlisted parents first.

        Iterative: modules may nest as deep as the program's recursion allows.
        """
        unlisted: list[_Call] = []
        outer: _Call | None = call
        while outer is not None and outer.index is None:
            unlisted.append(outer)
            outer = outer.parent
        for new in reversed(unlisted):
            new.index = len(self.calls)
            parent = None if new.parent is None else new.parent.index
            self.calls.append({"module": new.module, "n": new.n, "parent": parent})
        assert call.index is not None
        return call.index

    def _push(self, module: torch.nn.Module, *_: Any) -> None:
        name = self.name_of(module)
        n = self._counts[name] = self._counts.get(name, 0) + 1
        self._stack.append(_Call(name, n, self._stack[-1] if self._stack else None))

    def _pop(self, *_: Any) -> None:
        if self._stack:
            self._stack.pop()

    @contextmanager
    def active(self) -> Iterator[None]:
        """Install the global module hooks for the duration of a trace."""
        pre = nn_module.register_module_forward_pre_hook(self._push)
        post = nn_module.register_module_forward_hook(self._pop, always_call=True)
        try:
            yield
        finally:
            pre.remove()
            post.remove()
