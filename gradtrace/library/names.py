"""The names a trace of your own code labels things with: the caller's variables.

The playground names nodes after the program's top-level variables. Around your own code
the variables are wherever ``gradtrace.trace()`` was opened: a notebook's globals, a
script's, or a function's locals. The tracer reads them as a dict; this one reads the
frame again each time it is asked, so a tensor bound inside the block is named too.
"""

from __future__ import annotations

from collections.abc import ItemsView, ValuesView
from types import FrameType
from typing import Any

import torch

__all__ = ["FrameNames", "relevant"]

# Names a notebook binds for its own bookkeeping (IPython's In/Out history and the like).
_NOTEBOOK_NAMES = frozenset({"In", "Out", "exit", "quit", "get_ipython"})


class FrameNames(dict[str, Any]):
    """A frame's globals, then its locals, read afresh on every ``items()``/``values()``.

    Private names and a notebook's own (``_``, ``Out``) are left out: they would label
    nodes with names the user never wrote.
    """

    def __init__(self, frame: FrameType) -> None:
        super().__init__()
        self._frame: FrameType | None = frame
        self.refresh()

    def refresh(self) -> None:
        """Read the frame's names now (a no-op once :meth:`freeze` was called)."""
        frame = self._frame
        if frame is None:
            return
        self.clear()
        for scope in (frame.f_globals, frame.f_locals):
            self.update((name, value) for name, value in scope.items()
                        if not name.startswith("_") and name not in _NOTEBOOK_NAMES)

    def freeze(self) -> None:
        """Read once more and let the frame go (a frame kept alive holds every local)."""
        self.refresh()
        self._frame = None

    def items(self) -> ItemsView[str, Any]:  # type: ignore[override]
        self.refresh()
        return super().items()

    def values(self) -> ValuesView[Any]:  # type: ignore[override]
        self.refresh()
        return super().values()


def relevant(names: dict[str, Any], in_graph: Any) -> dict[str, Any]:
    """The names worth showing: tensors in the traced graph, modules and plain containers.

    A notebook's globals hold tensors from earlier cells that this trace never touched:
    listing them would show values unrelated to the graph. ``in_graph(tensor)`` says
    whether a tensor has a node in the trace.
    """
    kept: dict[str, Any] = {}
    for name, value in dict.items(names):  # as last read: the frame may be gone
        if isinstance(value, torch.Tensor):
            if in_graph(value):
                kept[name] = value
        elif isinstance(value, torch.nn.Module) or _holds_traced(value, in_graph):
            kept[name] = value
    return kept


def _holds_traced(value: Any, in_graph: Any) -> bool:
    """Whether a plain dict, list or tuple holds a tensor of the traced graph."""
    if not isinstance(value, dict | list | tuple):
        return False
    items = dict.values(value) if isinstance(value, dict) else value
    return any(isinstance(item, torch.Tensor) and in_graph(item) for item in items)
