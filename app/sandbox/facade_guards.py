"""Checked versions of allowed API whose real form trusts its input or reaches too far.

Each one is served under the real name (``facade._special_members``) and behaves like the
real one for every program a tutorial would write; the docstrings say what the real one
lets a program do that this one does not.
"""

from __future__ import annotations

import copy
from typing import Any

import torch
import torch.nn.utils.rnn as _real_rnn

__all__ = ["SandboxDataLoader", "deepcopy", "guard_sparse_indices", "pad_packed_sequence"]


class SandboxDataLoader(torch.utils.data.DataLoader):  # type: ignore[type-arg]
    """``DataLoader`` with the default single-process loading only.

    Worker processes (``num_workers > 0``) cannot start in the sandbox (the worker's seccomp
    filter refuses ``fork``); say so in a sentence instead of an ``OSError`` from deep in
    multiprocessing. Checked when the loader is built and again when it is iterated, since a
    subclass could change ``num_workers`` after ``__init__``.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        _single_process(kwargs.get("num_workers", 0))
        super().__init__(*args, **kwargs)

    def _get_iterator(self) -> Any:
        _single_process(self.num_workers)
        return super()._get_iterator()


SandboxDataLoader.__name__ = SandboxDataLoader.__qualname__ = "DataLoader"
SandboxDataLoader.__module__ = torch.utils.data.DataLoader.__module__


def _single_process(num_workers: object) -> None:
    if num_workers != 0:
        raise ValueError(
            f"DataLoader(num_workers={num_workers!r}) would start worker processes, which the "
            "playground cannot run; leave num_workers at 0 (the default): the data is "
            "loaded in the program's own process."
        )


def deepcopy(x: Any) -> Any:
    """``copy.deepcopy(x)`` without its ``memo`` argument.

    The memo dict a caller passes is filled with every original object the copy went through
    (kept alive under ``memo[id(memo)]``), real ``__dict__`` of library objects included: it
    would hand the program internals no attribute rule lets it name.
    """
    return copy.deepcopy(x)


deepcopy.__module__ = "copy"


def guard_sparse_indices() -> None:
    """Make ``sparse.indices()`` return a copy instead of the tensor's own index storage.

    ``.indices`` must be a readable name (``x.max(1).indices`` is a named-tuple field), and
    on a coalesced sparse tensor the method returns an alias: ``s.indices().add_(n)`` then
    points the sparse tensor's entries past its bounds, and ``dense.add_(s)`` (what SGD does
    with a sparse gradient) writes outside the dense tensor's memory. A copy keeps every
    sparse tensor valid; only writing into the returned indices behaves differently from
    plain PyTorch (it no longer changes the sparse tensor). Applied once per process, by
    :func:`app.sandbox.facade.facades`, before any program runs; idempotent.
    """
    current = torch.Tensor.indices
    if getattr(current, "__sandbox_guard__", False):
        return

    def indices(self: torch.Tensor) -> torch.Tensor:
        return current(self).clone()

    indices.__doc__ = current.__doc__
    indices.__name__ = indices.__qualname__ = "indices"
    indices.__sandbox_guard__ = True  # type: ignore[attr-defined]
    setattr(torch.Tensor, "indices", indices)  # noqa: B010 - a method on a C-level base


def pad_packed_sequence(
    sequence: Any, batch_first: bool = False, padding_value: float = 0.0,
    total_length: int | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """``torch.nn.utils.rnn.pad_packed_sequence`` that checks the sequence first.

    A ``PackedSequence`` is a tuple a program can build or change itself (its
    ``batch_sizes`` is an ordinary tensor), and torch's C++ padding trusts it: batch sizes
    that grow, or do not add up to the data, make it write outside its buffers (measured:
    ``free(): invalid pointer``). The fields are read once, past any override a subclass
    could add, the sizes are copied, and torch gets a fresh PackedSequence of exactly what
    was checked. The ones ``pack_padded_sequence`` makes always pass.
    """
    if not isinstance(sequence, tuple) or tuple.__len__(sequence) != 4:
        raise TypeError("pad_packed_sequence() expects a PackedSequence")
    data, sizes, sorted_indices, unsorted_indices = (
        tuple.__getitem__(sequence, i) for i in range(4)
    )
    if type(sizes) is torch.Tensor:
        sizes = sizes.clone()  # checked and used: nothing can change it in between
    if not _consistent(data, sizes):
        raise ValueError(
            "pad_packed_sequence() got a PackedSequence whose batch_sizes do not describe its "
            "data (they must be positive, never grow, and add up to data.size(0)); build it "
            "with pack_padded_sequence or pack_sequence."
        )
    checked = tuple.__new__(
        _real_rnn.PackedSequence, (data, sizes, sorted_indices, unsorted_indices)
    )
    return _real_rnn.pad_packed_sequence(checked, batch_first, padding_value, total_length)


def _consistent(data: object, sizes: object) -> bool:
    """Batch sizes a plain 1-d int64 CPU tensor, positive, non-increasing, summing to rows."""
    base = torch._C.TensorBase
    if not isinstance(data, torch.Tensor) or type(sizes) is not torch.Tensor:
        return False
    if base.dim(data) < 1 or sizes.dim() != 1 or sizes.numel() == 0:
        return False
    if sizes.dtype != torch.int64 or sizes.device.type != "cpu":
        return False
    positive = bool((sizes >= 1).all()) and bool((sizes[1:] <= sizes[:-1]).all())
    return positive and int(sizes.sum()) == base.size(data, 0)


pad_packed_sequence.__module__ = "torch.nn.utils.rnn"
