"""Turn one tensor into its JSON entry: values when small, summary statistics always.

Sending every element would make a 24-layer encoder's trace hundreds of megabytes, so an
entry lists the values only up to a size limit and otherwise carries statistics the page
shows as a summary. Float tensors are summarised in bulk by :mod:`gradtrace.tracing.tensors`;
this module is the exact single-tensor path for everything else. Both write each number as
the shortest decimal that reads back as the same number in the tensor's dtype (float32 0.1
is ``0.1``, not ``0.10000000149011612``), so a value looks the same whichever path took it.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch

__all__ = [
    "TensorEntry",
    "dtype_name",
    "entry_head",
    "number_precision",
    "stats_summary",
    "tensor_entry",
]

TensorEntry = dict[str, Any]

_SMALL = 16  # at most this many elements are summarised in plain Python (measured)
_NUMPY_MAX = 1 << 16  # above this, no float64 copy: torch reductions in place


def _finite_or_tag(value: float) -> float | str:
    """JSON has no NaN or infinity; tag them as strings the page prints as-is."""
    if math.isfinite(value):
        return value
    if math.isnan(value):
        return "nan"
    return "inf" if value > 0 else "-inf"


def _shortest(value: float, precision: type[np.floating[Any]]) -> float | str:
    """``value`` as the shortest decimal that reads back as the same ``precision`` number.

    ``tolist()`` widens float32 0.1 to 0.10000000149011612; the page and the JSON should
    show 0.1, as the batched path does (orjson writes numpy float32 in its shortest form).
    """
    if not math.isfinite(value):
        return _finite_or_tag(value)
    return value if precision is np.float64 else float(str(precision(value)))


def _clean_values(values: Any, precision: type[np.floating[Any]]) -> Any:
    """Tag non-finite floats and shorten the rest, walking iteratively (no recursion limit)."""
    if not isinstance(values, list):
        return _shortest(values, precision) if isinstance(values, float) else values
    stack: list[list[Any]] = [values]
    while stack:
        current = stack.pop()
        for index, item in enumerate(current):
            if isinstance(item, list):
                stack.append(item)
            elif isinstance(item, float):
                current[index] = _shortest(item, precision)
    return values


def number_precision(dtype: torch.dtype) -> type[np.floating[Any]]:
    """The numpy float type a tensor's numbers are written in: its own, at least half."""
    if dtype in (torch.float64, torch.complex128) or not (dtype.is_floating_point
                                                           or dtype.is_complex):
        return np.float64  # integer values stay exact ints; their statistics are doubles
    return np.float16 if dtype == torch.float16 else np.float32


def stats_summary(stats: list[float], precision: type[np.floating[Any]]) -> Any:
    """[min, max, mean, std, norm] in the tensor's own precision (float64 for integers)."""
    if all(map(math.isfinite, stats)):
        return np.array(stats, dtype=np.float32 if precision is np.float16 else precision)
    return [_shortest(value, precision) for value in stats]


def _small_stats(flat: list[float]) -> list[float]:
    """Statistics of a few numbers in plain Python: cheaper than any torch call."""
    count = len(flat)
    mean = sum(flat) / count
    squares = sum(v * v for v in flat)
    variance = sum((v - mean) ** 2 for v in flat) / (count - 1) if count > 1 else 0.0
    return [min(flat), max(flat), mean, math.sqrt(variance), math.sqrt(squares)]


def _torch_stats(flat: torch.Tensor) -> list[float]:
    """Statistics of a big tensor without a float64 copy (which could pass the memory cap)."""
    std, mean = torch.std_mean(flat)
    low, high = torch.aminmax(flat)
    low_f, high_f, mean_f, std_f = torch.stack((low, high, mean, std)).tolist()
    count = flat.numel()
    # sum of squares from the moments: n*mean^2 + (n-1)*std^2 (std is the unbiased one)
    norm = math.sqrt(max(count * mean_f * mean_f + (count - 1) * std_f * std_f, 0.0))
    return [low_f, high_f, mean_f, std_f, norm]


def _stats(flat: torch.Tensor) -> list[float] | None:
    """Summary statistics of a 1-D real tensor, in float64; None where undefined.

    Small tensors are summarised in plain Python, large ones in numpy on a float64 copy
    (measured: half the time of the equivalent torch reductions, which each pay for a trip
    through the dispatcher).
    """
    count = flat.numel()
    if count == 0:
        return None
    if count <= _SMALL:
        values = flat.tolist()
        if all(map(math.isfinite, values)):
            return _small_stats(values)
    if count > _NUMPY_MAX:
        return _torch_stats(flat)
    if flat.dtype not in (torch.float32, torch.float64):
        flat = flat.double()
    array = flat.numpy().astype(np.float64)
    mean = float(array.sum()) / count
    squares = float(np.dot(array, array))
    variance = (squares - count * mean * mean) / (count - 1) if count > 1 else 0.0
    return [float(array.min()), float(array.max()), mean,
            math.sqrt(max(variance, 0.0)), math.sqrt(squares)]


def _values(data: torch.Tensor, precision: type[np.floating[Any]]) -> Any:
    """The tensor's values as nested lists (or a float32 array, which orjson writes short)."""
    if data.is_complex():  # [real, imag] pairs, since JSON has no complex type
        return _clean_values(torch.view_as_real(data.resolve_conj()).tolist(), precision)
    if data.dtype == torch.float32:
        array = data.resolve_neg().numpy()  # numpy() refuses a lazily negated view
        if np.isfinite(array).all():  # a copy: the tensor may change after its entry is made
            return array.copy() if array.ndim else array[()]
    return _clean_values(data.tolist(), precision)


def dtype_name(dtype: torch.dtype) -> str:
    """``float32`` for ``torch.float32``: the name the page prints."""
    return str(dtype).removeprefix("torch.")


def entry_head(shape: list[int], dtype: torch.dtype) -> TensorEntry:
    """The start of an entry: ``dtype`` is left out for float32, by far the most common."""
    if dtype == torch.float32:
        return {"shape": shape}
    return {"shape": shape, "dtype": dtype_name(dtype)}


def tensor_entry(tensor: torch.Tensor, max_values: int) -> TensorEntry:
    """Describe one tensor for the page without keeping a reference to it.

    The tensor table summarises float tensors in batches; this is the path for everything
    else (integers, booleans, complex and half-precision tensors, and tensors holding NaN or
    infinity, whose values need tags).

    Args:
        tensor: any tensor; it is detached and never modified.
        max_values: tensors with more elements than this are summarised, not listed.

    Returns:
        an entry of the tensor table (:mod:`gradtrace.tracing.wire`): ``{"shape", "dtype"?,
        "stats", "values"?}`` with ``stats`` = ``[min, max, mean, std, norm]`` (None for an
        empty tensor) and ``values`` only up to ``max_values`` elements.
    """
    # detach(): nothing computed here can enter the graph, without a no_grad() block
    data = tensor.detach()
    entry = entry_head(list(data.shape), data.dtype)
    precision = number_precision(data.dtype)
    numeric = (data.abs() if data.is_complex() else data).reshape(-1)
    if not numeric.is_floating_point() or numeric.dtype not in (torch.float32, torch.float64):
        numeric = numeric.double()
    stats = _stats(numeric)
    entry["stats"] = None if stats is None else stats_summary(stats, precision)
    if data.numel() <= max_values:
        entry["values"] = _values(data, precision)
    return entry
