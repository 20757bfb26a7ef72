"""A program's own single-underscore names: ``self._prev`` in micrograd, ``self._scale`` behind
a ``@property``.

Python code marks its own internals with one leading underscore, and the lessons write it so:
Karpathy's micrograd ``Value`` keeps ``self._backward``, ``self._prev`` and ``self._op``, and a
class with a property stores its value in ``self._scale``. Underscore names are refused as a
rule because *library* objects keep their internals there (``torch._C``, ``module._modules``,
``fn._saved_tensors_hooks_disable``...). A program's own ones reach nothing:

* **Variables, arguments, functions and classes** named ``_x`` (one underscore, not a
  dunder) live in the program's fresh globals. Those hold only dunder keys
  (``__builtins__``, ``__name__``, the tracer's ``__gradtrace_node__``) and the builtins
  table only dunders too (``__import__``, ``__build_class__``), so ``_x`` finds nothing but
  what the program bound. Keyword arguments (``f(_flag=1)``) stay refused: they would reach a
  library function's private parameters.
* **Attributes** ``obj._x`` (read or written, on any object) are allowed when the program
  *owns* the name: it assigns ``self._x`` (or ``cls._x``) or defines ``_x`` in a class body.
  A name that a library object may hold is never owned (:func:`private_reserved`): every
  attribute name of the sample objects the policy already reserves from, and every
  underscore name that the Python code of any allow-listed class or function touches
  (``co_names`` of its methods, so ``nn.LSTM``'s ``self._flat_weights`` set in ``__init__``
  is reserved too, without reading any source file), and every underscore name of what the
  playground itself serves in their place: the module facades (``_facade_members``), the
  stand-ins and their metaclasses (``torch.Tensor._real``, the real class with its
  uninitialising constructor) and the checking wrappers. ``._x`` on a module (``torch._C``)
  stays refused whatever the program defines, and so do dunders.

So ``lstm._flat_weights = w`` stays refused even in a program whose own class has a
``self._flat_weights``; the program's ``v._prev`` reads only what its own class stored.
"""

from __future__ import annotations

import functools
import importlib
import types
from collections.abc import Iterator

from gradtrace.sandbox.allow_private import refusal_reason

__all__ = ["is_private", "owned_private", "private_reserved"]

_NODE_PREFIXES = ("_saved_", "_raw_saved_")


def is_private(name: str) -> bool:
    """One leading underscore and something after it: ``_prev``, not ``_`` nor ``__x``."""
    return len(name) > 1 and name[0] == "_" and name[1] != "_"


def _codes(value: object) -> Iterator[types.CodeType]:
    """The code objects behind a class member (function, static/class method, property)."""
    if isinstance(value, staticmethod | classmethod):
        value = value.__func__
    if isinstance(value, property):
        for part in (value.fget, value.fset, value.fdel):
            yield from _codes(part)
        return
    code = getattr(value, "__code__", None)
    if isinstance(code, types.CodeType):
        yield code


def _names_in(code: types.CodeType) -> Iterator[str]:
    """Every name a code object (and the functions and lambdas nested in it) uses."""
    stack = [code]
    while stack:
        current = stack.pop()
        yield from current.co_names
        stack.extend(c for c in current.co_consts if isinstance(c, types.CodeType))


def _library_private_names(obj: object) -> set[str]:
    """Underscore names of a class (and its bases) or a function, and those its code uses."""
    found: set[str] = set()
    owners = obj.__mro__ if isinstance(obj, type) else (obj,)
    for owner in owners:
        if isinstance(owner, type):
            found.update(dir(owner))
            members: list[object] = list(vars(owner).values())
        else:
            members = [owner]
        for member in members:
            for code in _codes(member):
                found.update(_names_in(code))
    return {name for name in found if is_private(name)}


@functools.cache
def private_reserved() -> frozenset[str]:
    """Underscore attribute names a program can never own (library objects may hold them).

    Computed lazily (it imports the allow-listed modules); only in-memory code objects are
    read, so it also works in a worker that can no longer open files.
    """
    from gradtrace.sandbox.allowlist import MODULES, reserved_attribute_names
    from gradtrace.sandbox.facade import ModuleFacade, stand_ins

    found = set(reserved_attribute_names()) | set(dir(ModuleFacade))
    served = [getattr(importlib.import_module(path), member, None)
              for path, members in MODULES.items() for member in members]
    for value in [*served, *stand_ins()]:
        if isinstance(value, type) or callable(value):
            found |= _library_private_names(value)
            found.update(dir(type(value)))  # a stand-in's metaclass: ``_real``
    return frozenset(n for n in found if is_private(n))


def owned_private(attr: str, owned: set[str]) -> bool:
    """True for ``._attr`` the program owns (see the module doc) and no library object uses.

    Graph nodes make up ``_saved_<name>``/``_raw_saved_<name>`` per operation, more than any
    sample shows, so those prefixes are never owned (``allow_private`` decides them), nor
    are the names ``allow_private`` refuses on purpose.
    """
    if not is_private(attr) or attr not in owned or attr.startswith(_NODE_PREFIXES):
        return False
    if attr.endswith("_"):  # ``_sunder_``: Python's own (enum writes _new_member_, ...)
        return False
    return refusal_reason(attr) is None and attr not in private_reserved()
