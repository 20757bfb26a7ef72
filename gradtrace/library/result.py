"""A finished trace of your own code, and the ways to look at it.

The same format-5 JSON the server answers with (``gradtrace.tracing.wire``), so one viewer
reads all of them: save it, open it with ``gradtrace view``, write a self-contained HTML
file, or let a notebook show it inline.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import orjson

from gradtrace.tracing import LEAF_OP, dumps

__all__ = ["Trace", "load"]

_NORM = 4  # position of the norm in a tensor entry's stats


class Trace:
    """The trace a ``with gradtrace.trace() as t:`` block (or ``gradtrace.show``) made.

    Inside the block it is empty; it is filled when the block ends, even when the block
    raised (the trace then ends where the error was, and ``error`` says why).
    """

    def __init__(self, data: dict[str, Any] | None = None) -> None:
        self._data = data
        self._raw: dict[str, Any] | None = None

    def _fill(self, raw: dict[str, Any]) -> None:
        """Keep the tracer's result; it becomes plain JSON types on first use (``data``)."""
        self._raw = raw

    @property
    def data(self) -> dict[str, Any]:
        """The trace as a JSON-ready dict (format 5)."""
        if self._data is None and self._raw is not None:
            # plain JSON types (the tracer's table holds numpy arrays), as a reader sees it;
            # done on first use, so that a block whose trace is never read costs nothing
            self._data, self._raw = orjson.loads(dumps(self._raw)), None
        if self._data is None:
            raise RuntimeError("the trace is written when its `with gradtrace.trace()` block "
                               "ends; use it after the block")
        return self._data

    def to_dict(self) -> dict[str, Any]:
        """The trace as a JSON-ready dict (format 5; see ``gradtrace/tracing/wire.py``)."""
        return self.data

    def to_json(self) -> str:
        """The trace as JSON text."""
        return json.dumps(self.data)

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the trace as JSON (``gradtrace view`` and the playground's import read it)."""
        target = Path(path)
        target.write_bytes(dumps(self.data))
        return target

    def save_html(self, path: str | os.PathLike[str], *, title: str = "Gradtrace") -> Path:
        """Write one self-contained HTML file: the viewer and this trace, no server needed."""
        from gradtrace.viewer import standalone_html

        target = Path(path)
        target.write_text(standalone_html(self.data, title=title), encoding="utf-8")
        return target

    def _repr_html_(self) -> str:
        """Jupyter, JupyterLab and VS Code notebooks show the interactive viewer inline."""
        from gradtrace.viewer import notebook_html

        return notebook_html(self.data)

    @property
    def ok(self) -> bool:
        """Whether the traced code finished without an error and no cap cut the trace."""
        return bool(self.data["ok"])

    @property
    def error(self) -> dict[str, Any] | None:
        """Why the trace ended early: the code's exception, or the cap that cut it."""
        error: dict[str, Any] | None = self.data["error"]
        return error

    def summary(self) -> str:
        """A few lines: nodes, backward calls, and every leaf with its gradient's norm."""
        data = self.data
        nodes = data["graph"]["nodes"]
        lines = [f"gradtrace: {len(nodes)} nodes, {len(data['calls'])} backward calls"]
        leaves = [node for node in nodes if node["op"] == LEAF_OP]
        width = max((len(_leaf_name(node, i)) for i, node in enumerate(leaves)), default=0)
        for index, node in enumerate(leaves):
            lines.append(f"  {_leaf_name(node, index):<{width}}  {_shape(node, data)}  "
                         f"grad norm {_grad_norm(node, data)}")
        lines.extend(_problems(data.get("diagnostics") or []))
        if data["error"] is not None:
            error = data["error"]
            where = _where(error, data)
            lines.append(f"stopped{where}: {error['type']}: {error['message']}")
            if error.get("hint"):
                lines.append(f"  {error['hint']}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        if self._data is None and self._raw is None:
            return "<gradtrace.Trace (recording)>"
        return self.summary()


def load(path: str | os.PathLike[str]) -> Trace:
    """A trace saved with :meth:`Trace.save` (or from the API, or the playground's export)."""
    data = orjson.loads(Path(path).read_bytes())
    if not isinstance(data, dict) or "graph" not in data or "format" not in data:
        raise ValueError(f"{path} is not a Gradtrace trace (no 'format' and 'graph')")
    return Trace(data)


_SHOWN_PER_KIND = 3  # a deep model can flag a hundred layers: the first few say enough


def _problems(diagnostics: list[dict[str, Any]]) -> list[str]:
    """The trace's diagnostics, a few per kind, each with its place."""
    if not diagnostics:
        return []
    lines = [f"problems: {len(diagnostics)}"]
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for item in diagnostics:
        by_kind.setdefault(item["kind"], []).append(item)
    for kind, items in by_kind.items():
        for item in items[:_SHOWN_PER_KIND]:
            lines.append(f"  {kind}: {item['message']}")
        if len(items) > _SHOWN_PER_KIND:
            lines.append(f"  {kind}: ... and {len(items) - _SHOWN_PER_KIND} more")
    return lines


def _leaf_name(node: dict[str, Any], index: int) -> str:
    return str(node.get("label") or f"leaf {index}")


def _shape(node: dict[str, Any], data: dict[str, Any]) -> str:
    shape = node.get("shape")
    if shape is None and node.get("value") is not None:
        shape = data["tensors"][node["value"]]["shape"]
    return "(" + ", ".join(str(size) for size in shape or []) + ")"


def _grad_norm(node: dict[str, Any], data: dict[str, Any]) -> str:
    grad = node.get("grad")
    if grad is None:
        return "None"
    stats = data["tensors"][grad].get("stats")
    norm = stats[_NORM] if stats else None
    return "?" if norm is None else f"{norm:.4g}"


def _where(error: dict[str, Any], data: dict[str, Any]) -> str:
    if error.get("line") is None:
        return ""
    files = data.get("files") or []
    index = error.get("file", 0)
    path = files[index]["path"] if index < len(files) else "line"
    return f" at {path}:{error['line']}"
