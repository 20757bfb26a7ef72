"""Stand-ins for ``torch.Tensor`` and ``numpy.ndarray`` as *names* a program can see.

Programs need these classes for ``isinstance`` checks and annotations, but calling the real
classes with sizes (``torch.Tensor(3, 4)``, ``np.ndarray((3,))``) returns uninitialised memory,
which in a reused worker is the previous program's data. The stand-ins answer ``isinstance``
and ``issubclass`` like the real classes and allocate zero-filled arrays instead.
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np
import torch

__all__ = [
    "LEGACY_TENSOR_TYPES",
    "NdarrayShim",
    "TensorShim",
    "TypeShim",
    "legacy_tensor_shims",
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
    return all(_is_index(a) for a in args)


def _is_index(arg: Any) -> bool:
    """Whether the legacy constructor reads ``arg`` as a size: anything with ``__index__``.

    Not only ``int``: ``np.int64(64)`` and a 0-d integer array are sizes to torch too
    (measured: uninitialised memory), while a tensor is data and a bool is refused by torch.
    """
    if isinstance(arg, bool | torch.Tensor):
        return False
    try:
        operator.index(arg)
    except TypeError:
        return False
    return True


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
