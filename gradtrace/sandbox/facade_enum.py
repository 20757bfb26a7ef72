"""``enum.Enum`` for the class-statement form only.

Scripts name their run modes and choices with an ``Enum`` class (``class Mode(Enum):
TRAIN = "train"``). The class statement goes through the policy like any class body. The
*functional* form, ``Enum("Mode", [("TRAIN", 1), ...])``, takes member names as strings,
and the class it builds puts a string-named ``__del__`` or ``__getattr__`` with a callable
value into the class body as an ordinary method: special methods the policy refuses in a
``class`` statement. The stand-in's metaclass answers ``Mode("train")`` (a value lookup)
and refuses any call with ``names``.
"""

from __future__ import annotations

import enum
from typing import Any

__all__ = ["CheckedEnum"]


class _CheckedEnumType(enum.EnumType):
    """``EnumType`` whose call is a value lookup only: ``Mode("train")``, never ``Enum(name,
    names)``, which builds a class from strings."""

    def __call__(cls, value: Any, *args: Any, **kwargs: Any) -> Any:
        if args or kwargs:
            raise TypeError(
                "Enum('Name', members) is not offered in the playground: it defines a class "
                "from strings. Write a class statement: class Mode(Enum): TRAIN = 'train'"
            )
        return super().__call__(value)


class CheckedEnum(enum.Enum, metaclass=_CheckedEnumType):
    """``enum.Enum`` as programs see it (subclass it with a class statement)."""


CheckedEnum.__module__ = "enum"
