"""Checked ``setattr``, ``delattr`` and ``dataclass``: writes onto the program's own objects only.

The real builtins store or delete an attribute named by a *string*, so the static policy
never sees the name: ``setattr(torch.Tensor, "add", f)`` would replace a method for every
tensor, ``setattr(obj, "__class__", C)`` would change what an object is. The forward-mode
AD tutorial needs them for one recipe (``delattr(model, name)`` then
``setattr(model, name, fwAD.make_dual(p, tangent))`` over ``model.named_parameters()``), so
the playground offers them with the checks the static policy applies to ``obj.name = value``
(``policy._Checker.attribute_store``), made at run time on the real name and object:

* the object is an *instance* of ``nn.Module`` (a program's model or layer): never a class,
  a module facade, a function or any other library object;
* the name is an exact ``str`` (a ``str`` subclass could answer the checks with one value
  and hash as another), has no leading underscore, and is either a name no library object
  uses (not reserved) or a library name that is data (``weight``, ``bias``, ``grad``...).

``getattr`` and ``hasattr`` stay out: reading by string is how a program would reach the
names the attribute rules refuse, and every read a tutorial makes has a fixed name.
"""

from __future__ import annotations

import abc
import builtins
import dataclasses
import types
from typing import Any

import torch

from gradtrace.sandbox.allowlist import (
    known_attribute,
    reserved_attribute_names,
    writable_attribute,
)

__all__ = ["checked_abstractmethod", "checked_dataclass", "checked_delattr", "checked_setattr"]


def _check(function: str, obj: object, name: object) -> str:
    """The name, once ``function(obj, name, ...)`` is a store the policy would accept."""
    if isinstance(obj, type) or not issubclass(type(obj), torch.nn.Module):
        raise TypeError(
            f"{function}() in the playground only works on nn.Module objects (a model or a "
            f"layer), not on {type(obj).__name__!r}: it names the attribute by a string, "
            "which would get around the attribute rules. Write obj.name = value instead."
        )
    if type(name) is not str:
        raise TypeError(f"{function}(): attribute name must be a plain string")
    if name.startswith("_"):
        raise AttributeError(
            f"{function}(): the attribute {name!r} is not allowed: names starting with an "
            "underscore are Python and PyTorch internals."
        )
    if (known_attribute(name) and not writable_attribute(name)) or (
        not known_attribute(name) and name in reserved_attribute_names()
    ):
        raise AttributeError(
            f"{function}(): the attribute {name!r} is not allowed: PyTorch or Python uses "
            "that name for a method or an internal, not for data. Pick another name."
        )
    return name


def checked_setattr(obj: object, name: object, value: object) -> None:
    """``setattr`` on an ``nn.Module`` instance, for a data attribute name (see module doc)."""
    builtins.setattr(obj, _check("setattr", obj, name), value)


def checked_delattr(obj: object, name: object) -> None:
    """``delattr`` on an ``nn.Module`` instance, for a data attribute name (see module doc)."""
    builtins.delattr(obj, _check("delattr", obj, name))


checked_setattr.__name__ = checked_setattr.__qualname__ = "setattr"
checked_delattr.__name__ = checked_delattr.__qualname__ = "delattr"
checked_setattr.__module__ = checked_delattr.__module__ = "builtins"


def checked_dataclass(cls: Any = None, /, **options: Any) -> Any:
    """``dataclasses.dataclass`` for the program's own classes only.

    ``dataclass`` writes ``__init__``, ``__eq__``, ``__hash__``, ``__repr__`` (and with
    ``frozen=True`` ``__setattr__``) onto the class it is given, and it can be *called* on
    any class: ``dataclass(nn.Linear, init=False)`` made every ``Linear`` unhashable for the
    rest of the process. A class the program's ``class`` statement made has the program's
    ``__name__`` as its ``__module__`` (which a program cannot assign); anything else is
    refused.
    """

    def wrap(target: Any) -> Any:
        if not isinstance(target, type) or target.__module__ != "__main__":
            raise TypeError(
                "dataclass() in the playground decorates the program's own classes only "
                "(write @dataclass above a class you define)."
            )
        return dataclasses.dataclass(target, **options)

    return wrap if cls is None else wrap(cls)


checked_dataclass.__name__ = checked_dataclass.__qualname__ = "dataclass"
checked_dataclass.__module__ = "dataclasses"


def checked_abstractmethod(function: Any) -> Any:
    """``abc.abstractmethod`` for the program's own functions only.

    It writes ``__isabstractmethod__`` onto the function it is given, which could be a shared
    library function (``abstractmethod(F.relu)``); a function the program's ``def`` made has
    the program's ``__name__`` (``"__main__"``) as its ``__module__``.
    """
    if not isinstance(function, types.FunctionType) or function.__module__ != "__main__":
        raise TypeError(
            "abstractmethod() in the playground decorates the program's own functions only "
            "(write @abstractmethod above a method you define)."
        )
    return abc.abstractmethod(function)


checked_abstractmethod.__name__ = checked_abstractmethod.__qualname__ = "abstractmethod"
checked_abstractmethod.__module__ = "abc"
