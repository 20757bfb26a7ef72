"""Stand-ins for ``torch.Tensor`` and ``numpy.ndarray`` as *names* a program can see.

Programs need these classes for ``isinstance`` checks and annotations, but calling the real
classes with sizes (``torch.Tensor(3, 4)``, ``np.ndarray((3,))``) returns uninitialised memory,
which in a reused worker is the previous program's data. The stand-ins answer ``isinstance``
and ``issubclass`` like the real classes and allocate zero-filled arrays instead.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import torch
import torch.nn.utils.rnn as _real_rnn

__all__ = [
    "LEGACY_TENSOR_TYPES",
    "NdarrayShim",
    "SandboxDataLoader",
    "TensorShim",
    "TypeShim",
    "deepcopy",
    "guard_sparse_indices",
    "legacy_tensor_shims",
    "pad_packed_sequence",
    "safe_type",
]


class _ShimMeta(type):
    """Metaclass forwarding isinstance/issubclass to the real class; shims are read-only."""

    # underscore: the policy refuses it, so ``torch.Tensor._real`` never hands out the real
    # class (``torch.Tensor.real`` did, and with it the uninitialising constructor)
    _real: type

    def __instancecheck__(cls, obj: object) -> bool:
        return isinstance(obj, cls._real)

    def __subclasscheck__(cls, sub: type) -> bool:
        return issubclass(sub, cls._real)

    def __setattr__(cls, name: str, value: object) -> None:
        raise AttributeError(f"'{cls.__qualname__}' is read-only in the playground")

    def __delattr__(cls, name: str) -> None:
        raise AttributeError(f"'{cls.__qualname__}' is read-only in the playground")

    def __repr__(cls) -> str:
        return f"<class '{cls._real.__module__}.{cls._real.__qualname__}'>"

    @property
    def __name__(cls) -> str:  # type: ignore[override]
        """The real class's name: ``type(t).__name__`` reads ``Tensor`` as in plain PyTorch."""
        return cls._real.__name__


def _is_size(args: tuple[Any, ...]) -> bool:
    """True for the legacy ``Tensor(*sizes)`` / ``Tensor(torch.Size)`` / ``Tensor()`` forms."""
    if not args:
        return True
    if len(args) == 1 and isinstance(args[0], torch.Size):
        return True
    return all(isinstance(a, int) and not isinstance(a, bool) for a in args)


class _TensorMeta(_ShimMeta):
    _real = torch.Tensor

    def __call__(cls, *args: Any, **kwargs: Any) -> torch.Tensor:
        if _is_size(args):
            return torch.zeros(*args, **kwargs)
        return torch.Tensor(*args, **kwargs)


class _LegacyTensorMeta(_ShimMeta):
    """``torch.FloatTensor`` and friends: data gives a tensor, sizes give zeros."""

    dtype: torch.dtype

    def __call__(cls, *args: Any, **kwargs: Any) -> torch.Tensor:
        if _is_size(args):
            return torch.zeros(*args, dtype=cls.dtype, **kwargs)
        return cls._real(*args, **kwargs)  # type: ignore[no-any-return]


LEGACY_TENSOR_TYPES = (
    "FloatTensor", "DoubleTensor", "HalfTensor", "BFloat16Tensor", "LongTensor", "IntTensor",
    "ShortTensor", "CharTensor", "ByteTensor", "BoolTensor",
)


def legacy_tensor_shims() -> dict[str, type]:
    """Stand-ins for the legacy typed constructors (``torch.FloatTensor(3)`` is uninitialised).

    Each is created under torch's own name for it (``torch.FloatTensor``), which is what
    ``t.type(torch.FloatTensor)`` reads, so old tutorials' conversions behave as in PyTorch.
    """
    shims: dict[str, type] = {}
    for name in LEGACY_TENSOR_TYPES:
        real = getattr(torch, name)
        namespace = {"__module__": __name__, "__qualname__": name, "__doc__": real.__doc__}
        meta = type(f"_{name}Meta", (_LegacyTensorMeta,), {"_real": real, "dtype": real.dtype})
        shims[name] = meta(f"torch.{name}", (), namespace)
    return shims


class _NdarrayMeta(_ShimMeta):
    _real = np.ndarray

    def __call__(cls, shape: Any, dtype: Any = float, **kwargs: Any) -> np.ndarray[Any, Any]:
        if kwargs:
            raise TypeError(
                "np.ndarray(...) only takes a shape and a dtype in the playground; "
                "use np.array, np.zeros or np.ones"
            )
        return np.zeros(shape, dtype=dtype)


# ``t.type(type(other))`` is how older tutorials convert a tensor to another one's type. Torch
# reads the C-level name of a class passed there, so the stand-in is *created* with the name
# torch gives ``torch.Tensor`` ("torch.Tensor": the default tensor type, as in plain PyTorch);
# the metaclass property above answers ``__name__`` and ``__qualname__`` is set, as the real class.
TensorShim = _TensorMeta(
    "torch.Tensor", (), {"__doc__": "``torch.Tensor`` as programs see it (isinstance works, "
                         "sizes give zeros).", "__module__": __name__, "__qualname__": "Tensor"},
)


class NdarrayShim(metaclass=_NdarrayMeta):
    """``numpy.ndarray`` as programs see it (isinstance works, shapes give zeros)."""


_SHIMS: dict[type, type] = {torch.Tensor: TensorShim, np.ndarray: NdarrayShim}


class _TypeMeta(_ShimMeta):
    _real = type

    def __call__(cls, obj: object) -> type:
        return safe_type(obj)


class TypeShim(metaclass=_TypeMeta):
    """``type`` as programs can reach it through ``type(SomeClass)``: one argument only."""


def safe_type(obj: object) -> type:
    """The one-argument ``type()`` builtin, answering the shim for tensors and arrays.

    ``type(t)(3)`` would otherwise be the uninitialising legacy constructor again. The
    three-argument form (class creation) is not offered: programs use ``class`` statements.
    A metaclass (``type(int)`` is ``type`` itself) is answered with ``TypeShim``, whose call
    takes one argument, so ``type(int)('X', (), {...})`` cannot create a class with special
    methods the policy would refuse in a ``class`` statement.
    """
    real = type(obj)
    if issubclass(real, type):
        return TypeShim
    return _SHIMS.get(real, real)


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
