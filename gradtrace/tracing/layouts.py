"""Entries for tensors that are not plain dense memory: sparse, nested, quantized, meta, wrapped.

The tensor table summarises dense tensors by reading their memory (``numpy()``, batched
reductions). Other tensors refuse that: a sparse ``.grad`` (``nn.Embedding(sparse=True)``)
has no ``nbytes``, a nested tensor no single shape, a quantized one no float view, a meta
one (or forward AD's zero tensor) no data at all, and a functorch wrapper lives at a level
the program never sees. Each
is shown as the dense tensor it stands for (a sparse tensor's zeros included), with
``"layout"`` naming what it really is whenever that is not ``strided``; when even that
fails, the entry keeps its shape and dtype and leaves the numbers out.
"""

from __future__ import annotations

import math

import torch

from gradtrace.tracing.transforms import unwrapped
from gradtrace.tracing.views import (
    TensorEntry,
    entry_head,
    number_precision,
    stats_summary,
    tensor_entry,
)

__all__ = ["unusual_entry"]

_COMPRESSED = (torch.sparse_csr, torch.sparse_csc, torch.sparse_bsr, torch.sparse_bsc)


def unusual_entry(tensor: torch.Tensor, max_values: int) -> TensorEntry:
    """The table entry of a tensor the dense paths cannot read (see the module's doc)."""
    data = unwrapped(tensor)
    try:
        entry = _entry(data.detach(), max_values)
    except (RuntimeError, NotImplementedError, TypeError, ValueError):
        entry = entry_head(_shape(data), data.dtype)
        entry["stats"] = None
    if data.layout is not torch.strided:
        entry["layout"] = str(data.layout).removeprefix("torch.")
    elif data.is_nested:
        entry["layout"] = "nested"
    return entry


def _entry(data: torch.Tensor, max_values: int) -> TensorEntry:
    if data.is_meta:  # a shape and a dtype, no numbers
        entry = entry_head(list(data.shape), data.dtype)
        entry["stats"] = None
        return entry
    if data._is_zerotensor():  # forward AD's zeros that hold no memory
        return tensor_entry(torch.zeros(data.shape, dtype=data.dtype), max_values)
    if data.is_nested:  # its components, zero-padded to one shape
        return tensor_entry(data.to_padded_tensor(0.0), max_values)
    if data.is_quantized:  # the real numbers it stands for, under its own dtype
        entry = tensor_entry(data.dequantize(), max_values)
        return {**entry_head(list(data.shape), data.dtype), **_numbers(entry)}
    if data.layout is torch.strided:
        return tensor_entry(data, max_values)
    return _sparse_entry(data, max_values)


def _numbers(entry: TensorEntry) -> TensorEntry:
    return {key: value for key, value in entry.items() if key in ("stats", "values")}


def _sparse_entry(data: torch.Tensor, max_values: int) -> TensorEntry:
    """Values listed densely when small; statistics from the stored values and the zeros."""
    if data.numel() <= max_values or data.layout not in (torch.sparse_coo, *_COMPRESSED):
        return tensor_entry(data.to_dense(), max_values)
    # a coo tensor may hold one position several times (summed): coalesce() sums them
    stored = data.coalesce().values() if data.layout is torch.sparse_coo else data.values()
    entry = entry_head(list(data.shape), data.dtype)
    stats = tensor_entry(stored.reshape(-1), 0)["stats"]
    if stats is not None:
        widened = _with_zeros([float(v) for v in stats], stored.numel(), data.numel())
        stats = stats_summary(widened, number_precision(data.dtype))
    entry["stats"] = stats
    return entry


def _with_zeros(stats: list[float], stored: int, total: int) -> list[float]:
    """[min, max, mean, std, norm] of ``stored`` numbers widened by ``total - stored`` zeros."""
    low, high, mean, _, norm = stats
    zeros = total - stored
    if zeros > 0:
        low, high = min(low, 0.0), max(high, 0.0)
    squares = norm * norm
    mean_all = mean * stored / total
    variance = (squares - total * mean_all * mean_all) / max(total - 1, 1)
    return [low, high, mean_all, math.sqrt(max(variance, 0.0)), norm]


def _shape(data: torch.Tensor) -> list[int]:
    try:
        return [int(size) for size in data.shape]
    except (RuntimeError, AttributeError, TypeError):  # ragged: no single shape
        return [int(data.size(0))] if data.dim() else []
