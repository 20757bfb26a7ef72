"""Stand-ins for ``hasattr``, ``dir`` and ``id``: what graph-walking blog posts use them for.

Programs that walk the autograd graph write ``hasattr(fn, "variable")`` to spot the
``AccumulateGrad`` node of a leaf (torchviz does), ``[n for n in dir(y.grad_fn) if
n.startswith("_saved")]`` to list what a node saved, and ``id(t)`` as a dictionary key for
the nodes already drawn. The real builtins stay out; these give the same answers without
what made them dangerous:

* ``hasattr`` answers only ``True``/``False``, never the object, and only for a name the
  attribute rules would let the program read anyway (no leading underscore, except the few
  documented ones of ``allow_private``): it cannot reach what ``obj.name`` could not.
* ``dir`` takes exactly one object (without one it would list the caller's namespace) and
  returns plain strings. A name is no capability: nothing in the playground turns a
  string into an attribute (no ``getattr``; ``.format`` only on literals with plain fields).
* ``id`` returns a counter, never an address (memory addresses stay unobservable): ``1`` for
  the first object asked about, ``2`` for the next. The object is kept alive by the table,
  so its number is never given to another object, which is what code keyed by ``id`` needs.
  One table per program (``build_globals``).
"""

from __future__ import annotations

import builtins

from gradtrace.sandbox.allow_private import readable_private

__all__ = ["ObjectCounter", "checked_dir", "checked_hasattr"]


def checked_hasattr(obj: object, name: object, /) -> bool:
    """``hasattr`` for a name the attribute rules let a program read."""
    if type(name) is not str:
        raise TypeError("hasattr(): attribute name must be a plain string")
    if name.startswith("_") and not readable_private(name):
        raise AttributeError(
            f"hasattr(): the attribute {name!r} is not allowed: names starting with an "
            "underscore are Python and PyTorch internals."
        )
    return builtins.hasattr(obj, name)


def checked_dir(obj: object, /) -> list[str]:
    """``dir(obj)``: the attribute names of one object, as plain strings."""
    return [str(name) for name in builtins.dir(obj)]


class ObjectCounter:
    """``id(obj)`` as a counter per object, unique for the whole program."""

    def __init__(self) -> None:
        self._numbers: dict[int, tuple[object, int]] = {}

    def __call__(self, obj: object, /) -> int:
        key = builtins.id(obj)
        entry = self._numbers.get(key)
        if entry is None:
            entry = (obj, len(self._numbers) + 1)
            self._numbers[key] = entry
        return entry[1]

    def __repr__(self) -> str:
        return "<built-in function id>"
