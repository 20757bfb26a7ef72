"""The graph walk: assign ids to autograd nodes and record nodes and edges.

This is micrograd's ``trace()``: it only collects nodes and edges; turning them into JSON
or drawing them are separate steps. The walk is iterative (a 20,000-op chain has no
recursion limit to hit) and ids are counters in discovery order, assigned in post-order so
that every input's id is smaller than the id of the op that consumes it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import torch

from app.tracing.errors import TraceLimitError
from app.tracing.views import TensorView, tensor_view

__all__ = ["GraphIndex", "NodeRecord", "Origin"]

_SAVED_PREFIX = "_saved_"


@dataclass(frozen=True)
class Origin:
    """Where new nodes come from: the program line, the module, the backward call."""

    line: int | None = None
    module: str | None = None
    created_in_call: int | None = None


@dataclass
class NodeRecord:
    """One autograd node (an op's ``grad_fn`` or a leaf's ``AccumulateGrad``)."""

    id: int
    kind: str
    op: str
    fn: Any = field(repr=False)
    shape: list[int] | None
    dtype: str | None
    origin: Origin
    label: str | None = None
    value: TensorView | None = None
    grad: TensorView | None = None
    saved: list[dict[str, Any]] = field(default_factory=list)
    input_edges: list[int | None] = field(default_factory=list)


class GraphIndex:
    """Every autograd node a program created, in discovery order, with its edges."""

    def __init__(self, max_nodes: int, max_values: int) -> None:
        self.max_nodes = max_nodes
        self.max_values = max_values
        self.nodes: list[NodeRecord] = []
        self.edges: list[dict[str, int]] = []
        self._ids: dict[Any, int] = {}
        self._leaf_ids: dict[int, int] = {}
        self._saved_names: dict[type, tuple[str, ...]] = {}

    def id_of_fn(self, fn: Any) -> int | None:
        """The id of an already discovered autograd node."""
        return self._ids.get(fn)

    def node_of(self, tensor: torch.Tensor) -> int | None:
        """The node of a tensor: its grad_fn, or its AccumulateGrad when it is a leaf."""
        if tensor.grad_fn is not None:
            return self._ids.get(tensor.grad_fn)
        return self._leaf_ids.get(id(tensor))

    def discover(self, root: Any, origin: Origin) -> list[NodeRecord]:
        """Walk back from ``root`` and record every node not seen before.

        Returns the new records in post-order (inputs before the ops that use them), which
        is also the order the forward pass created them in.
        """
        if root is None or root in self._ids:
            return []
        new: list[NodeRecord] = []
        pending: set[Any] = set()
        stack: list[tuple[Any, bool]] = [(root, False)]
        while stack:
            fn, inputs_done = stack.pop()
            if inputs_done:
                new.append(self._add(fn, origin))
                continue
            if fn in self._ids or fn in pending:
                continue
            pending.add(fn)
            stack.append((fn, True))
            for child, _ in reversed(fn.next_functions):
                if child is not None and child not in self._ids:
                    stack.append((child, False))
        return new

    def reachable(self, roots: Iterable[Any]) -> Iterator[Any]:
        """Every node reachable from ``roots`` (each once), for installing backward hooks."""
        seen: set[Any] = set()
        stack = [fn for fn in roots if fn is not None]
        while stack:
            fn = stack.pop()
            if fn in seen:
                continue
            seen.add(fn)
            yield fn
            stack.extend(child for child, _ in fn.next_functions if child is not None)

    def _add(self, fn: Any, origin: Origin) -> NodeRecord:
        """Create the record of ``fn``, whose inputs all have ids already."""
        if len(self.nodes) >= self.max_nodes:
            raise TraceLimitError("graph nodes", self.max_nodes)
        node_id = len(self.nodes)
        variable = getattr(fn, "variable", None)
        if isinstance(variable, torch.Tensor):
            record = self._leaf_record(node_id, fn, variable, origin)
        else:
            record = self._op_record(node_id, fn, origin)
        self._ids[fn] = node_id
        self.nodes.append(record)
        if record.kind == "leaf":  # only now: a view that failed must leave no dangling id
            self._leaf_ids[id(record.fn.variable)] = node_id
        for child, _ in fn.next_functions:
            if child is None:
                record.input_edges.append(None)
                continue
            edge_id = len(self.edges)
            self.edges.append({"id": edge_id, "source": self._ids[child], "target": node_id})
            record.input_edges.append(edge_id)
        return record

    def _leaf_record(
        self, node_id: int, fn: Any, variable: torch.Tensor, origin: Origin
    ) -> NodeRecord:
        return NodeRecord(
            id=node_id,
            kind="leaf",
            op="AccumulateGrad",
            fn=fn,
            shape=list(variable.shape),
            dtype=str(variable.dtype).removeprefix("torch."),
            origin=origin,
            value=tensor_view(variable, self.max_values),
        )

    def _op_record(self, node_id: int, fn: Any, origin: Origin) -> NodeRecord:
        metadata = getattr(fn, "_input_metadata", None) or []
        shape = list(metadata[0].shape) if metadata else None
        dtype = str(metadata[0].dtype).removeprefix("torch.") if metadata else None
        return NodeRecord(
            id=node_id,
            kind="op",
            op=fn.name(),
            fn=fn,
            shape=shape,
            dtype=dtype,
            origin=origin,
            saved=self._saved_tensors(fn),
        )

    def _saved_tensors(self, fn: Any) -> list[dict[str, Any]]:
        """The tensors ``fn`` saved for backward, as torchviz's show_saved lists them."""
        names = self._saved_names.get(type(fn))
        saved = self._function_saved(fn)
        tensor_names = []
        for attr in names if names is not None else self._saved_candidates(fn):
            try:
                value = getattr(fn, attr)
            except RuntimeError:  # already freed by a backward pass
                tensor_names.append(attr)
                continue
            if value is None or isinstance(value, torch.Tensor):
                tensor_names.append(attr)  # None: an optional tensor absent this time
            if isinstance(value, torch.Tensor):
                name = attr.removeprefix(_SAVED_PREFIX)
                saved.append({"name": name, "value": tensor_view(value, self.max_values)})
        if names is None:
            # sizes, strides and scalars never become tensors: skip them on later nodes
            self._saved_names[type(fn)] = tuple(tensor_names)
        return saved

    @staticmethod
    def _saved_candidates(fn: Any) -> tuple[str, ...]:
        return tuple(a for a in dir(type(fn)) if a.startswith(_SAVED_PREFIX))

    def _function_saved(self, fn: Any) -> list[dict[str, Any]]:
        """What a custom ``autograd.Function`` kept with ``ctx.save_for_backward``."""
        if not hasattr(type(fn), "saved_tensors"):
            return []
        try:
            tensors = fn.saved_tensors
        except RuntimeError:  # freed by a backward pass
            return []
        return [
            {"name": f"saved_tensors[{index}]", "value": tensor_view(t, self.max_values)}
            for index, t in enumerate(tensors or ())
            if isinstance(t, torch.Tensor)
        ]
