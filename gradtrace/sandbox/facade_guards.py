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

__all__ = [
    "SandboxDataLoader",
    "SandboxSavedTensorsHooks",
    "SavedLayout",
    "deepcopy",
    "guard_checkpoint_recomputation",
    "guard_sparse_indices",
    "pad_packed_sequence",
]


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
    :func:`gradtrace.sandbox.facade.facades`, before any program runs; idempotent.
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


class SavedLayout:
    """What a backward kernel may rely on in a saved tensor, to compare two of them.

    Shape, strides, dtype, device and layout always; the values too for integer and bool
    tensors (max-pool indices, gather indices...: a kernel writes where they point) and for
    non-strided layouts. Floating-point values may differ (a pack/unpack pair that
    compresses them, a recomputation that differs by rounding): they cannot move a write.
    """

    __slots__ = ("contiguous", "meta", "values")
    __hash__ = None  # type: ignore[assignment]

    def __init__(self, tensor: torch.Tensor) -> None:
        with torch._C.DisableTorchFunction():  # the tracer must not see these reads
            strided = tensor.layout == torch.strided
            stride = tuple(tensor.stride()) if strided else None
            self.meta = (tuple(tensor.shape), stride, tensor.dtype, tensor.device, tensor.layout)
            self.contiguous = strided and tensor.is_contiguous()
            floating = tensor.is_floating_point() or tensor.is_complex()
            exact = not strided or not floating
            dense = tensor if strided else tensor.to_dense()
            self.values = dense.detach().clone() if exact else None

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SavedLayout) or self.meta != other.meta:
            return False
        if self.values is None or other.values is None:
            return self.values is None and other.values is None
        with torch._C.DisableTorchFunction():
            return bool(torch.equal(self.values, other.values))

    def accepts(self, other: SavedLayout) -> bool:
        """Equal, or equal but for the strides of a contiguous ``other`` (``t.clone()``)."""
        if self == other:
            return True
        if not other.contiguous or self.meta[2:] != other.meta[2:]:
            return False
        if self.meta[0] != other.meta[0]:
            return False
        if self.values is None or other.values is None:
            return self.values is None and other.values is None
        with torch._C.DisableTorchFunction():
            return bool(torch.equal(self.values, other.values))

    def __repr__(self) -> str:
        shape, stride, dtype, device, _layout = self.meta
        return f"SavedLayout(shape={shape}, stride={stride}, dtype={dtype}, device={device})"


def guard_checkpoint_recomputation() -> None:
    """Make non-reentrant ``checkpoint`` compare recomputed saved tensors by :class:`SavedLayout`.

    torch matches the tensors a recomputation saves to the original ones by their order and,
    by default, checks only shape, dtype and device: a checkpointed function that computes
    something else the second time (a counter, a branch) can hand ``max_pool2d``'s backward
    an int64 tensor of its own as the pooling indices, and the backward writes where they
    point (measured: segfault). Every determinism mode (``"default"`` and ``"none"``) gets
    the strict comparison; a deterministic function, which is every tutorial's, passes it.
    """
    import torch.utils.checkpoint as real_checkpoint

    modes = real_checkpoint._allowed_determinism_checks_to_fns
    for mode in list(modes):
        modes[mode] = SavedLayout


class SandboxSavedTensorsHooks(torch.autograd.graph.saved_tensors_hooks):
    """``saved_tensors_hooks`` whose unpack result must be laid out like what was packed.

    An unpack hook may return any tensor, and torch hands it to the backward kernel as is:
    returning large numbers for ``max_pool2d``'s saved indices makes its backward write
    outside memory (measured: segfault). The program's hooks run exactly as in PyTorch;
    the unpacked tensor must match the packed one by :class:`SavedLayout` (strides may differ
    when it is contiguous, as ``t.clone()`` is), or the backward stops with a sentence.
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # A subclass could skip __init__ (whose wrapping is the check), define pack_hook as
        # a method or property, or call torch's own __enter__ through super(): its hooks
        # would then reach the backward unchecked (measured: a heap write through
        # max_pool2d's indices). Passing the two functions is the form the tutorials use.
        raise TypeError(
            "saved_tensors_hooks cannot be subclassed in the playground: write "
            "`with torch.autograd.graph.saved_tensors_hooks(pack_hook, unpack_hook):`.")

    def __init__(self, pack_hook: Any, unpack_hook: Any) -> None:
        # The program's hooks go to torch's __init__ unchanged first, so that a tracer
        # watching saved_tensors_hooks sees them as the program's; the check wraps after.
        super().__init__(pack_hook, unpack_hook)
        program_pack, program_unpack = self.pack_hook, self.unpack_hook

        def pack(tensor: torch.Tensor) -> tuple[Any, SavedLayout]:
            return program_pack(tensor), SavedLayout(tensor)

        def unpack(packed: tuple[Any, SavedLayout]) -> Any:
            value, layout = packed
            result = program_unpack(value)
            if not isinstance(result, torch.Tensor) or not layout.accepts(SavedLayout(result)):
                raise RuntimeError(
                    "The unpack hook of saved_tensors_hooks returned a tensor unlike the one "
                    f"that was packed ({layout!r}): it must have the same shape, strides, "
                    "dtype and device, and an integer tensor the same values."
                )
            return result

        self.pack_hook, self.unpack_hook = pack, unpack


SandboxSavedTensorsHooks.__name__ = SandboxSavedTensorsHooks.__qualname__ = "saved_tensors_hooks"
SandboxSavedTensorsHooks.__module__ = "torch.autograd.graph"
