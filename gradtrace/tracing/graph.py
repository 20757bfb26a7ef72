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

from gradtrace.tracing.errors import TraceLimitError
from gradtrace.tracing.tensors import TensorTable
from gradtrace.tracing.transforms import legacy_batched
from gradtrace.tracing.wire import LEAF_OP

__all__ = ["GraphIndex", "NodeRecord", "Origin", "grad_fn_of"]

_SAVED_PREFIX = "_saved_"
# The program's pack/unpack hooks (saved_tensors_hooks, save_on_cpu, a non-reentrant
# checkpoint) now in force: reading a tensor saved under them runs the unpack hook, which
# prints, counts or even recomputes the forward. Such nodes are shown without saved tensors.
# (A node made under hooks but first walked after them, rare, is read: an unpack hook that
# raises, as allow_mutation_on_saved_tensors' does outside its block, just ends the read.)
_top_saved_hooks = torch._C._autograd._top_saved_tensors_default_hooks


def grad_fn_of(tensor: torch.Tensor) -> Any:
    """``tensor.grad_fn``, or None where reading it raises.

    A view made under ``no_grad()`` whose base was then written in place (``with
    torch.no_grad(): w[0].fill_(1.0)``) raises on every ``grad_fn`` read: the program may
    never read it, so the tracer must not make it fail by looking. Such a tensor has no
    graph the page could show.
    """
    try:
        return tensor.grad_fn
    except RuntimeError:
        return None


def _checkpointing(hooks: tuple[Any, Any]) -> bool:
    """Whether the saved-tensor hooks in force are a non-reentrant checkpoint's.

    Such a segment keeps no saved tensors: backward runs it again to get them back, so the
    page can say which nodes a checkpoint recomputes.
    """
    return "_checkpoint_hook" in getattr(hooks[0], "__qualname__", "")


@dataclass(frozen=True, slots=True)  # one per recorded call: no __dict__ to allocate
class Origin:
    """Where new nodes come from: the program line, the module call, the backward call."""

    line: int | None = None
    module_call: int | None = None  # index in ModuleTracker.calls
    created_in_call: int | None = None


@dataclass(frozen=True, slots=True)
class _Kind:
    """What all autograd nodes of one Python type share (learned from the first one)."""

    op: str
    leaf: bool
    saved: tuple[tuple[str, str], ...]  # (attribute, name shown) of tensor-valued _saved_*
    custom: bool  # a custom autograd.Function: its ctx.saved_tensors are shown too


@dataclass(slots=True)
class NodeRecord:
    """One autograd node (an op's ``grad_fn`` or a leaf's ``AccumulateGrad``)."""

    id: int
    kind: str
    op: str
    fn: Any = field(repr=False)
    shape: torch.Size | None  # kept as torch gives them: turned into JSON only if sent
    dtype: torch.dtype | None
    origin: Origin
    saved: dict[str, int]  # name -> index in the tensor table
    input_edges: list[int | None]  # edge ids, aligned with next_functions
    label: str | None = None
    value: int | None = None  # index in the tensor table
    recomputed: bool = False  # made in a checkpointed segment (see _checkpointing)


class GraphIndex:
    """Every autograd node a program created, in discovery order, with its edges.

    Leaf values and saved tensors go into ``tensors`` as they are found; only their indices
    are kept on the records.
    """

    def __init__(self, max_nodes: int, tensors: TensorTable) -> None:
        self.max_nodes = max_nodes
        self.tensors = tensors
        self.nodes: list[NodeRecord] = []
        self.edges: list[tuple[int, int]] = []
        self._ids: dict[Any, int] = {}
        self._leaf_ids: dict[int, int] = {}
        self._kinds: dict[type, _Kind] = {}

    def id_of_fn(self, fn: Any) -> int | None:
        """The id of an already discovered autograd node."""
        return self._ids.get(fn)

    def node_of(self, tensor: torch.Tensor) -> int | None:
        """The node of a tensor: its grad_fn, or its AccumulateGrad when it is a leaf."""
        fn = grad_fn_of(tensor)
        if fn is not None:
            return self._ids.get(fn)
        return self._leaf_ids.get(id(tensor))

    def discover(self, root: Any, origin: Origin) -> list[NodeRecord]:
        """Walk back from ``root`` and record every node not seen before.

        Returns the new records in post-order (inputs before the ops that use them), which
        is also the order the forward pass created them in.
        """
        ids = self._ids
        if root is None or root in ids:
            return []
        inputs = root.next_functions
        for child, _ in inputs:
            if child is not None and child not in ids:
                break
        else:
            return [self._add(root, inputs, origin)]  # the usual case: one new op
        new: list[NodeRecord] = []
        pending: set[Any] = set()
        # a node: visit it; a (node, next_functions) pair: its inputs have ids, record it
        stack: list[Any] = [root]
        while stack:
            item = stack.pop()
            if type(item) is tuple:
                new.append(self._add(item[0], item[1], origin))
            elif item not in ids and item not in pending:
                pending.add(item)
                inputs = item.next_functions
                stack.append((item, inputs))
                stack.extend([child for child, _ in reversed(inputs)
                              if child is not None and child not in ids])
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

    def reachable_records(self, roots: Iterable[Any]) -> list[NodeRecord]:
        """The records of every node reachable from ``roots`` (each once), which must all be
        discovered: the recorded edges reach the same nodes as ``next_functions``, without
        the fresh tuple of tuples each read of it builds (this runs before every backward)."""
        nodes, edges, ids = self.nodes, self.edges, self._ids
        stack = [ids[fn] for fn in roots if fn is not None]
        seen: set[int] = set()
        found: list[NodeRecord] = []
        while stack:
            node_id = stack.pop()
            if node_id in seen:
                continue
            seen.add(node_id)
            record = nodes[node_id]
            found.append(record)
            stack.extend([edges[edge][0] for edge in record.input_edges if edge is not None])
        return found

    def _add(self, fn: Any, inputs: tuple[tuple[Any, int], ...], origin: Origin) -> NodeRecord:
        """Create the record of ``fn``, whose ``inputs`` (next_functions) all have ids."""
        node_id = len(self.nodes)
        if node_id >= self.max_nodes:
            raise TraceLimitError("graph nodes", self.max_nodes)
        kind = self._kinds.get(type(fn)) or self._learn(fn)
        edge_ids: list[int | None] = []
        if kind.leaf:
            variable = fn.variable
            record = NodeRecord(node_id, "leaf", LEAF_OP, fn, variable.shape, variable.dtype,
                                origin, {}, edge_ids, value=self.tensors.add(variable))
            self._leaf_ids[id(variable)] = node_id
        else:
            meta = fn._input_metadata  # the output's shape and dtype, even before a value
            shape, dtype = (meta[0].shape, meta[0].dtype) if meta else (None, None)
            hooks = _top_saved_hooks(False)
            readable = (kind.saved or kind.custom) and hooks is None
            saved = self._saved_tensors(fn, kind) if readable else {}
            record = NodeRecord(node_id, "op", kind.op, fn, shape, dtype, origin, saved, edge_ids,
                                recomputed=hooks is not None and _checkpointing(hooks))
        # only once the record exists: a failure above must leave no dangling id or edge. Each
        # thing is written before what refers to it (node before id, edge before edge id), so
        # a MemoryError between two lines leaves at most an unreferenced node or edge.
        edges, ids = self.edges, self._ids
        self.nodes.append(record)
        ids[fn] = node_id
        for child, _ in inputs:
            if child is None:
                edge_ids.append(None)
            else:
                edges.append((ids[child], node_id))
                edge_ids.append(len(edges) - 1)
        return record

    def _learn(self, fn: Any) -> _Kind:
        """What every node of ``fn``'s type shares: op name, leafness, saved-tensor names.

        Looked up once per type: ``dir()`` is what makes torchviz's show_saved slow.
        """
        leaf = isinstance(getattr(fn, "variable", None), torch.Tensor)
        hooked = _top_saved_hooks(False) is not None  # no reading: learn from a later node
        saved = () if leaf or hooked else self._saved_attributes(fn)
        kind = _Kind(LEAF_OP if leaf else fn.name(), leaf, saved,
                     hasattr(type(fn), "saved_tensors"))
        if not hooked:
            self._kinds[type(fn)] = kind
        return kind

    def _saved_attributes(self, fn: Any) -> tuple[tuple[str, str], ...]:
        """``(attribute, name)`` of each ``_saved_*`` attribute that holds a tensor.

        Sizes, strides and scalars never become tensors: they are skipped on later nodes.
        """
        found = []
        for attr in dir(type(fn)):
            if not attr.startswith(_SAVED_PREFIX):
                continue
            try:
                value = getattr(fn, attr)
            except Exception:  # freed by a backward pass, or a failing unpack hook
                value = None
            if value is None or isinstance(value, torch.Tensor):  # None: optional, absent
                found.append((attr, attr.removeprefix(_SAVED_PREFIX)))
        return tuple(found)

    def _saved_tensors(self, fn: Any, kind: _Kind) -> dict[str, int]:
        """The tensors ``fn`` saved for backward, as torchviz's show_saved lists them."""
        saved = self._function_saved(fn) if kind.custom else {}
        for attr, name in kind.saved:
            try:
                value = getattr(fn, attr)
            except Exception:  # freed by a backward pass (so are the others), or see above
                break
            if isinstance(value, torch.Tensor) and not legacy_batched(value):
                saved[name] = self.tensors.add(value)
        return saved

    def _function_saved(self, fn: Any) -> dict[str, int]:
        """What a custom ``autograd.Function`` kept with ``ctx.save_for_backward``."""
        try:
            tensors = fn.saved_tensors
        except Exception:  # freed by a backward pass, or a failing unpack hook
            return {}
        return {
            f"saved_tensors[{index}]": self.tensors.add(t)
            for index, t in enumerate(tensors or ())
            if isinstance(t, torch.Tensor) and not legacy_batched(t)
        }
