"""The trace's tensor table: every tensor the page may show, listed once, summarised in bulk.

A trace shows thousands of tensors (forward values, saved tensors, the gradient on every
edge). Summarising each one as it appeared cost about 30 µs a tensor and was most of the
tracing overhead on a 24-layer encoder. The table instead hands out an index at once (the
walk and the backward hooks store only integers) and summarises pending tensors in batches:
tensors of one dtype and shape are stacked into a matrix and reduced row by row, about 5 µs
a tensor (measured with ``python -m bench.profile``).

A tensor can change after it was added: an in-place op, an optimizer step, the engine
accumulating into ``.grad``. The recorder calls :meth:`TensorTable.flush` before anything
that may write to a tensor, so each entry shows the value at the time it was added. Holding
tensors costs memory, so the table also flushes itself once the pending tensors pass
:data:`PENDING_BYTES`.
"""

from __future__ import annotations

import contextlib
import math
from itertools import repeat

import numpy as np
import torch

from gradtrace.tracing.layouts import unusual_entry
from gradtrace.tracing.views import TensorEntry, entry_head, tensor_entry
from gradtrace.tracing.wire import DEFAULT_DTYPE

__all__ = ["PENDING_BYTES", "TensorTable"]

PENDING_BYTES = 64 * 1024 * 1024
# Bigger tensors are summarised on the spot, as they come: batching gains nothing when the
# data dominates, and holding or copying them could pass the program's memory limit.
_BATCH_MAX_BYTES = 1 << 20
# One batch matrix (a copy of its rows) stays under this many bytes: small enough to stay in
# a core's L2 cache through the six passes over it (16 MB batches were ~10% slower, measured).
_MATRIX_BYTES = 1024 * 1024
_BATCHED = (torch.float32, torch.float64)
# Fewer same-shaped tensors than this are cheaper one by one (a batch costs ~50 µs to set up).
_BATCH_MIN = 4
# Tensors of more elements than this (and than the listed values) may share another's
# statistics (``_region``); for smaller ones the check costs more than it saves.
_SHARED_MIN = 1024


class TensorTable:
    """Indices for tensors now, their JSON entries (see :mod:`gradtrace.tracing.wire`) later."""

    def __init__(self, max_values: int, pending_bytes: int = PENDING_BYTES) -> None:
        self.max_values = max_values
        self.pending_bytes = pending_bytes
        self._entries: list[TensorEntry | None] = []
        # the tensor itself is held (not a detached alias) so that its id() stays unique
        # while it is pending: the same gradient handed to two hooks gets one entry. Two
        # lists, not one of (index, tensor) pairs: thousands of pairs living until the flush
        # were thousands more objects for every garbage collection to scan
        self._pending: list[torch.Tensor] = []
        self._pending_indices: list[int] = []
        self._index_of: dict[int, int] = {}
        self._held = 0
        # forward-mode AD: id(dual tensor) -> (the tensor, held; its tangent's index), and
        # entry index -> tangent index for every entry of such a tensor
        self._duals: dict[int, tuple[torch.Tensor, int]] = {}
        self._tangents: dict[int, int] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def add(self, tensor: torch.Tensor) -> int:
        """The index of ``tensor``'s entry; the same pending tensor object gives one entry."""
        index = self._index_of.get(id(tensor))
        if index is not None:
            return index
        index = len(self._entries)
        if self._duals:
            self._link_tangent(index, tensor)
        try:
            size = tensor.nbytes
        except RuntimeError:  # sparse: no nbytes (gradtrace.tracing.layouts)
            size = _BATCH_MAX_BYTES + 1
        if size > _BATCH_MAX_BYTES:
            self._entries.append(_entry(tensor, self.max_values))
            return index
        self._entries.append(None)
        self._pending.append(tensor)
        self._pending_indices.append(index)
        self._index_of[id(tensor)] = index
        self._held += size
        if self._held > self.pending_bytes:
            self.flush()
        return index

    def add_optional(self, tensor: torch.Tensor | None) -> int | None:
        """:meth:`add`, with None for an absent tensor (an undefined gradient)."""
        return None if tensor is None else self.add(tensor)

    def flush(self) -> None:
        """Summarise every pending tensor now and let go of them."""
        if not self._pending:
            return
        pending, self._pending = self._pending, []
        indices, self._pending_indices = self._pending_indices, []
        self._index_of.clear()
        self._held = 0
        if len(indices) != len(pending):  # add() stopped between its two appends (a limit):
            return  # no pairing can be trusted; the holes make build_result drop the table
        try:
            self._summarise_pending(indices, pending)
        finally:  # a limit (MemoryError) mid-way: no slot taken here may stay a hole
            for index, tensor in zip(indices, pending, strict=True):
                if self._entries[index] is None:
                    with contextlib.suppress(Exception):  # a nested tensor has no .shape
                        self._entries[index] = {**entry_head(list(tensor.shape), tensor.dtype),
                                                "stats": None}

    def _summarise_pending(self, indices: list[int], pending: list[torch.Tensor]) -> None:
        """Write the entry of every pending tensor, float tensors of one shape in batches."""
        groups, aliases = self._grouped(indices, pending)
        # no_grad, not detach(): nothing computed here may enter the graph, and one context
        # costs less than a detach per tensor
        with torch.no_grad():
            for (dtype, shape), members in groups.items():
                if dtype in _BATCHED and shape.numel() > 0 and len(members) >= _BATCH_MIN:
                    self._summarise_group(members, shape)
                    continue
                for index, tensor in members:
                    self._entries[index] = _entry(tensor, self.max_values)
        for index, first, tensor in aliases:
            stats = self._entries[first]["stats"]  # type: ignore[index]
            self._entries[index] = {**entry_head(list(tensor.shape), tensor.dtype),
                                    "stats": stats}

    def _grouped(self, indices: list[int], pending: list[torch.Tensor]) -> tuple[
            dict[tuple[torch.dtype, torch.Size], list[tuple[int, torch.Tensor]]],
            list[tuple[int, int, torch.Tensor]]]:
        """Pending tensors by dtype and shape, and ``(index, first, tensor)`` for each big one
        whose elements are exactly those of an earlier one (``_region``): its statistics are
        that one's, computed once (a weight and its transpose, a gradient and its ``.t()``).
        """
        groups: dict[tuple[torch.dtype, torch.Size], list[tuple[int, torch.Tensor]]] = {}
        regions: dict[tuple[int, int, torch.dtype, bool], int] = {}
        aliases: list[tuple[int, int, torch.Tensor]] = []
        listed = max(self.max_values, _SHARED_MIN - 1)
        for index, tensor in zip(indices, pending, strict=True):
            if tensor.is_nested or tensor.is_meta:  # no single shape; no numbers (layouts)
                self._entries[index] = unusual_entry(tensor, self.max_values)
                continue
            key = (tensor.dtype, tensor.shape)
            if key[1].numel() > listed and key[0] in _BATCHED:
                region = _region(tensor)
                first = index if region is None else regions.setdefault(region, index)
                if first != index:
                    aliases.append((index, first, tensor))
                    continue
            groups.setdefault(key, []).append((index, tensor))
        return groups, aliases

    def _summarise_group(self, members: list[tuple[int, torch.Tensor]],
                         shape: torch.Size) -> None:
        """Same-shaped float tensors in batches, or one by one if one of them is not dense."""
        rows = max(_MATRIX_BYTES // (shape.numel() * members[0][1].element_size()), 1)
        for start in range(0, len(members), rows):
            batch = members[start:start + rows]
            try:
                self._summarise(batch, shape)
            except (RuntimeError, NotImplementedError):  # a meta or functorch-wrapped tensor
                for index, tensor in batch:
                    self._entries[index] = _entry(tensor, self.max_values)

    def shape_of(self, index: int) -> tuple[list[int], str]:
        """Shape and dtype of an entry (flushing if it is still pending)."""
        entry = self._entries[index]
        if entry is None:
            self.flush()
            entry = self._entries[index]
            assert entry is not None
        return entry["shape"], entry.get("dtype", DEFAULT_DTYPE)

    def entries(self) -> list[TensorEntry]:
        """Every entry, in index order (flushes first)."""
        self.flush()
        entries = [entry for entry in self._entries if entry is not None]
        for index, tangent in self._tangents.items():
            entries[index]["tangent"] = tangent
        return entries

    def note_tangent(self, tensor: torch.Tensor, tangent: torch.Tensor) -> None:
        """``tensor`` is a dual tensor (forward-mode AD): its entries will name ``tangent``.

        The tangent is only readable inside ``fwAD.dual_level()``, so it is added now; the
        tensor is held so that its id() keeps naming it.
        """
        self._duals[id(tensor)] = (tensor, self.add(tangent))

    def _link_tangent(self, index: int, tensor: torch.Tensor) -> None:
        dual = self._duals.get(id(tensor))
        if dual is not None and dual[0] is tensor:
            self._tangents[index] = dual[1]

    def _summarise(self, members: list[tuple[int, torch.Tensor]], shape: torch.Size) -> None:
        """Entries for same-shaped float tensors, reduced as the rows of one matrix."""
        count = shape.numel()
        # stack() takes strided inputs as they are: no per-tensor reshape in Python
        matrix = torch.stack([tensor for _, tensor in members]).view(len(members), count)
        listed = count <= self.max_values
        # each row in the tensor's shape: views of one copy (a 0-d tensor's: a numpy scalar)
        values = matrix.numpy().copy().reshape((len(members), *shape)) if listed else None
        stats = _row_stats(matrix).numpy()
        finite = np.isfinite(stats).all(1)
        head = entry_head(list(shape), matrix.dtype)
        entries = self._entries
        rows = repeat(None) if values is None else iter(values)
        for (index, tensor), row_stats, ok, row in zip(members, stats, finite, rows, strict=False):
            if not ok:  # NaN or infinity: the single-tensor path tags them
                entries[index] = tensor_entry(tensor, self.max_values)
            elif row is None:
                entries[index] = {**head, "stats": row_stats}
            else:
                entries[index] = {**head, "stats": row_stats, "values": row}


def _region(tensor: torch.Tensor) -> tuple[int, int, torch.dtype, bool] | None:
    """The memory a dense tensor's elements fill, or None if they leave gaps or overlap.

    A tensor whose dimensions, ordered by stride, are laid out back to back fills exactly
    ``numel`` slots from its first element's address (strides are never negative), whatever
    the order of its dimensions: two such tensors with the same address, count, dtype and
    lazy negation hold the same numbers, so min, max, mean, std and norm are the same.
    """
    try:
        expected = 1
        if tensor.is_contiguous():  # the usual case, without sorting
            expected = tensor.numel()
        else:
            for size, stride in sorted(zip(tensor.shape, tensor.stride(), strict=True),
                                       key=_by_stride):
                if size != 1:
                    if stride != expected:
                        return None
                    expected *= size
        address = tensor.data_ptr()  # 0: no memory (a meta tensor's), nothing to share
        return (address, expected, tensor.dtype, tensor.is_neg()) if address else None
    except (RuntimeError, NotImplementedError):  # meta, functorch-wrapped: no memory to read
        return None


def _by_stride(pair: tuple[int, int]) -> int:
    return pair[1]


def _entry(tensor: torch.Tensor, max_values: int) -> TensorEntry:
    """One tensor's entry: the dense path, or ``layouts`` for what it cannot read."""
    if tensor.layout is not torch.strided or tensor.is_meta:  # meta: no numbers to read
        return unusual_entry(tensor, max_values)
    try:
        return tensor_entry(tensor, max_values)
    except (RuntimeError, NotImplementedError):
        return unusual_entry(tensor, max_values)


def _row_stats(matrix: torch.Tensor) -> torch.Tensor:
    """min, max, mean, std (unbiased; 0 for one value) and L2 norm of every row.

    Overwrites ``matrix`` (the batch's own copy). Every step is one vectorised pass with no
    temporary the size of the batch: fresh memory costs page faults, and a float64
    accumulator or ``std_mean`` along a dimension was measured 10-60x slower. torch's float
    sums are cascaded, so float32 keeps float32 accuracy; the variance is two-pass, so a
    large mean does not cancel the spread away. A row whose squares overflow gets an
    infinite norm and takes the exact single-tensor path (see ``_summarise``).
    """
    count = matrix.shape[1]
    low, high = matrix.amin(1), matrix.amax(1)
    mean = matrix.sum(1) / count
    norm = torch.linalg.vector_norm(matrix, dim=1)
    matrix.sub_(mean.unsqueeze(1))
    spread = torch.linalg.vector_norm(matrix, dim=1)
    std = spread / math.sqrt(max(count - 1, 1))
    return torch.stack([low, high, mean, std, norm], 1)
