"""Stand-ins for ``torch.Tensor`` and ``numpy.ndarray`` as *names* a program can see.

Programs need these classes for ``isinstance`` checks and annotations, but calling the real
classes with sizes (``torch.Tensor(3, 4)``, ``np.ndarray((3,))``) returns uninitialised memory,
which in a reused worker is the previous program's data. The stand-ins answer ``isinstance``
and ``issubclass`` like the real classes and allocate zero-filled arrays instead.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

__all__ = ["NdarrayShim", "TensorShim", "TypeShim", "safe_type"]


class _ShimMeta(type):
    """Metaclass forwarding isinstance/issubclass to the real class; shims are read-only."""

    real: type

    def __instancecheck__(cls, obj: object) -> bool:
        return isinstance(obj, cls.real)

    def __subclasscheck__(cls, sub: type) -> bool:
        return issubclass(sub, cls.real)

    def __setattr__(cls, name: str, value: object) -> None:
        raise AttributeError(f"'{cls.__qualname__}' is read-only in the playground")

    def __delattr__(cls, name: str) -> None:
        raise AttributeError(f"'{cls.__qualname__}' is read-only in the playground")

    def __repr__(cls) -> str:
        return f"<class '{cls.real.__module__}.{cls.real.__qualname__}'>"


def _is_size(args: tuple[Any, ...]) -> bool:
    """True for the legacy ``Tensor(*sizes)`` / ``Tensor(torch.Size)`` / ``Tensor()`` forms."""
    if not args:
        return True
    if len(args) == 1 and isinstance(args[0], torch.Size):
        return True
    return all(isinstance(a, int) and not isinstance(a, bool) for a in args)


class _TensorMeta(_ShimMeta):
    real = torch.Tensor

    def __call__(cls, *args: Any, **kwargs: Any) -> torch.Tensor:
        if _is_size(args):
            return torch.zeros(*args, **kwargs)
        return torch.Tensor(*args, **kwargs)


class _NdarrayMeta(_ShimMeta):
    real = np.ndarray

    def __call__(cls, shape: Any, dtype: Any = float, **kwargs: Any) -> np.ndarray[Any, Any]:
        if kwargs:
            raise TypeError(
                "np.ndarray(...) only takes a shape and a dtype in the playground; "
                "use np.array, np.zeros or np.ones"
            )
        return np.zeros(shape, dtype=dtype)


class TensorShim(metaclass=_TensorMeta):
    """``torch.Tensor`` as programs see it (isinstance works, sizes give zeros)."""


class NdarrayShim(metaclass=_NdarrayMeta):
    """``numpy.ndarray`` as programs see it (isinstance works, shapes give zeros)."""


_SHIMS: dict[type, type] = {torch.Tensor: TensorShim, np.ndarray: NdarrayShim}


class _TypeMeta(_ShimMeta):
    real = type

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
