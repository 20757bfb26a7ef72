"""The names a trace of your own code labels things with: your variables.

The playground names nodes after the program's top-level variables. Around your own code
the variables are where ``gradtrace.trace()`` was opened (a notebook's globals, a script's,
a function's locals) and in the function of yours running when a backward call starts.
The tracer reads them as a dict; this one reads the frames again each time it is asked.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, ItemsView, ValuesView
from types import FrameType
from typing import Any

import torch

from gradtrace.tracing import is_user_file

__all__ = ["FrameNames", "relevant"]

# Names a notebook binds for its own bookkeeping (IPython's In/Out history and the like).
_NOTEBOOK_NAMES = frozenset({"In", "Out", "exit", "quit", "get_ipython"})


class FrameNames(dict[str, Any]):
    """The names where tracing began, then the locals of the innermost frame of yours.

    Read afresh on every ``items()``/``values()``: a ``loss`` bound inside ``train_step()``
    labels its node when ``loss.backward()`` runs there. ``opening`` is the frame that
    opened the block, or a script's module namespace. Private names and a notebook's own
    (``_``, ``Out``) are left out: they would label nodes with names the user never wrote.
    """

    def __init__(self, opening: FrameType | dict[str, Any]) -> None:
        super().__init__()
        self._opening: FrameType | dict[str, Any] | None = opening
        self.refresh()

    def refresh(self) -> None:
        """Read the names now (a no-op once :meth:`freeze` was called)."""
        opening = self._opening
        if opening is None:
            return
        scopes = ([opening] if isinstance(opening, dict)
                  else [opening.f_globals, opening.f_locals])
        inner = _innermost_user_frame()
        if inner is not None:
            scopes.append(inner.f_locals)
        self.clear()
        for scope in scopes:
            self.update((name, value) for name, value in scope.items()
                        if not name.startswith("_") and name not in _NOTEBOOK_NAMES)

    def freeze(self) -> None:
        """Read once more and let the frame go (a frame kept alive holds every local)."""
        self.refresh()
        self._opening = None

    def items(self) -> ItemsView[str, Any]:  # type: ignore[override]
        self.refresh()
        return super().items()

    def values(self) -> ValuesView[Any]:  # type: ignore[override]
        self.refresh()
        return super().values()


def _innermost_user_frame() -> FrameType | None:
    frame: FrameType | None = sys._getframe(2)
    while frame is not None and not is_user_file(frame.f_code.co_filename):
        frame = frame.f_back
    return frame


def relevant(names: dict[str, Any], node_of: Callable[[torch.Tensor], int | None],
             ) -> dict[str, Any]:
    """The names worth showing: tensors in the traced graph, modules and plain containers.

    A notebook's globals hold tensors from earlier cells that this trace never touched:
    listing them would show values unrelated to the graph. ``node_of(tensor)`` (the
    recorder's) says whether a tensor has a node in the trace.
    """
    kept: dict[str, Any] = {}
    for name, value in dict.items(names):  # as last read: the frame may be gone
        if isinstance(value, torch.Tensor):
            if node_of(value) is not None:
                kept[name] = value
        elif isinstance(value, torch.nn.Module) or _holds_traced(value, node_of):
            kept[name] = value
    return kept


def _holds_traced(value: Any, node_of: Callable[[torch.Tensor], int | None]) -> bool:
    """Whether a plain dict, list or tuple holds a tensor of the traced graph."""
    if not isinstance(value, dict | list | tuple):
        return False
    items = dict.values(value) if isinstance(value, dict) else value
    return any(isinstance(item, torch.Tensor) and node_of(item) is not None
               for item in items)
