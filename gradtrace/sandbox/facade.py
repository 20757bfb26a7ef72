"""Layer 2 of the sandbox: the namespace a user program runs in.

A program never sees a real module. ``import torch`` returns a :class:`ModuleFacade`: a
read-only object holding only the allow-listed members of that module (the real functions
and classes, so ``class Net(nn.Module)`` and ``autograd.Function`` subclasses work). Real
modules are dangerous as a whole (``torch.os``, ``torch.serialization.pickle``,
``torch.nn.functional.np``), and so are thin proxies: an ``AttributeError`` raised by the real
module would carry it in ``.obj``. The facade never touches a real module after it is built.
"""

from __future__ import annotations

import builtins
import functools
import importlib
import sys
import types
from collections.abc import Mapping, Sequence
from typing import Any

from gradtrace.sandbox.allow_py import BUILTIN_NAMES
from gradtrace.sandbox.allowlist import MODULES, PRELOAD, SUBSTITUTES
from gradtrace.sandbox.policy_hints import IMPORT_LIST

__all__ = ["ModuleFacade", "build_globals", "facades", "sandbox_import", "stand_ins"]

_MISSING = object()


class ModuleFacade:
    """A read-only stand-in for one allow-listed module.

    Attribute lookups that miss raise a fresh ``AttributeError`` naming the facade only;
    ``__name__`` is deliberately absent so that ``from torch import x`` cannot fall back to
    ``sys.modules['torch.x']`` (CPython's IMPORT_FROM does that with the module's name).
    """

    __slots__ = ("_facade_members", "_facade_path")

    _facade_path: str
    _facade_members: Mapping[str, object]

    def __init__(self, path: str, members: Mapping[str, object]) -> None:
        object.__setattr__(self, "_facade_path", path)
        object.__setattr__(self, "_facade_members", types.MappingProxyType(dict(members)))

    def __getattr__(self, name: str) -> object:
        members = object.__getattribute__(self, "_facade_members")
        if name in members:
            return members[name]
        path = object.__getattribute__(self, "_facade_path")
        raise AttributeError(f"module '{path}' has no attribute '{name}' in the playground")

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("modules are read-only in the playground")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("modules are read-only in the playground")

    def __dir__(self) -> list[str]:
        return sorted(object.__getattribute__(self, "_facade_members"))

    def __repr__(self) -> str:
        return f"<module '{object.__getattribute__(self, '_facade_path')}' (playground)>"


@functools.cache
def _special_members() -> dict[tuple[str, str], object]:
    """Members served by a stand-in instead of the real object."""
    from gradtrace.sandbox.facade_attrs import checked_abstractmethod, checked_dataclass
    from gradtrace.sandbox.facade_backends import CudnnFlags
    from gradtrace.sandbox.facade_enum import CheckedEnum
    from gradtrace.sandbox.facade_guards import (
        SandboxDataLoader,
        SandboxSavedTensorsHooks,
        deepcopy,
        pad_packed_sequence,
    )
    from gradtrace.sandbox.facade_shims import NdarrayShim, TensorShim, legacy_tensor_shims

    legacy = {("torch", name): shim for name, shim in legacy_tensor_shims().items()}
    return {
        **legacy,
        ("torch", "Tensor"): TensorShim,
        ("numpy", "ndarray"): NdarrayShim,
        ("torch.utils.data", "DataLoader"): SandboxDataLoader,
        ("copy", "deepcopy"): deepcopy,
        ("dataclasses", "dataclass"): checked_dataclass,
        ("abc", "abstractmethod"): checked_abstractmethod,
        ("enum", "Enum"): CheckedEnum,
        ("torch.backends", "cudnn"): CudnnFlags(),
        ("torch.autograd.graph", "saved_tensors_hooks"): SandboxSavedTensorsHooks,
        ("torch.nn.utils.rnn", "pad_packed_sequence"): pad_packed_sequence,
    }


def stand_ins() -> list[object]:
    """Everything served in place of a real member (shims, checking wrappers): the program
    reaches these, so their own underscore names are reserved too (``allow_owned``)."""
    return list(_special_members().values())


def _resolve(path: str, name: str, real: types.ModuleType, built: dict[str, ModuleFacade]) -> Any:
    """The object behind ``path.name``, or ``_MISSING`` when this torch/numpy lacks it."""
    child = f"{path}.{name}"
    if child in built:
        return built[child]
    special = _special_members().get((path, name))
    if special is not None:
        return special
    value = getattr(real, SUBSTITUTES.get(path, {}).get(name, name), _MISSING)
    if isinstance(value, types.ModuleType):
        raise RuntimeError(f"allow-list error: {child} is a module without a facade")
    return value


@functools.cache
def facades() -> Mapping[str, ModuleFacade]:
    """Build every facade once per process (deepest modules first, parents hold children).

    Also imports :data:`PRELOAD`, the modules the allowed API imports on first use: a
    worker forked after this has no ``open`` left (seccomp), so a lazy import there fails;
    makes sparse tensors' ``indices()`` a copy and checkpoint's recomputation checked
    (``facade_guards.guard_sparse_indices``, ``guard_checkpoint_recomputation``).
    """
    from gradtrace.sandbox.facade_guards import guard_checkpoint_recomputation, guard_sparse_indices

    for module in PRELOAD:
        importlib.import_module(module)
    guard_sparse_indices()
    guard_checkpoint_recomputation()
    built: dict[str, ModuleFacade] = {}
    for path in sorted(MODULES, key=lambda p: -p.count(".")):
        real = importlib.import_module(path)
        members: dict[str, object] = {}
        for name in sorted(MODULES[path]):
            value = _resolve(path, name, real, built)
            if value is not _MISSING:
                members[name] = value
        built[path] = ModuleFacade(path, members)
    return types.MappingProxyType(built)


def sandbox_import(
    name: str,
    globals: Mapping[str, object] | None = None,
    locals: Mapping[str, object] | None = None,
    fromlist: Sequence[str] | None = (),
    level: int = 0,
) -> ModuleFacade | None:
    """The ``__import__`` of the sandbox: facades of allow-listed modules, nothing else.

    Follows ``__import__`` semantics: ``import torch.nn`` gets the ``torch`` facade (the
    ``nn`` attribute is then read from it), ``from torch.nn import Linear`` gets the
    ``torch.nn`` facade.

    C code that imports while a program's frame is current (``PyImport_Import``, e.g. torch
    importing ``torch.storage`` to build a tensor) also lands here, because CPython takes
    ``__import__`` from the current frame's builtins. It passes a *list* as ``fromlist`` and
    then reads the module from ``sys.modules`` itself, ignoring what we return; ``import``
    statements always pass ``None`` or a tuple. Such calls get ``None`` back (nothing to
    use) and succeed only for modules the process has already imported.

    Raises:
        ImportError: For any other module, with the list of what can be imported.
    """
    if isinstance(fromlist, list) and level == 0 and name in sys.modules:
        return None
    table = facades()
    if level != 0 or name not in table:
        raise ImportError(
            f"No module named '{name}' in the playground. You can import: {IMPORT_LIST}."
        )
    if fromlist:
        return table[name]
    return table[name.split(".")[0]]


def _builtins() -> dict[str, object]:
    from gradtrace.sandbox.facade_attrs import checked_delattr, checked_setattr
    from gradtrace.sandbox.facade_introspect import ObjectCounter, checked_dir, checked_hasattr
    from gradtrace.sandbox.facade_shims import safe_type

    table: dict[str, object] = {
        name: getattr(builtins, name) for name in BUILTIN_NAMES if hasattr(builtins, name)
    }
    table["type"] = safe_type
    table["setattr"] = checked_setattr
    table["delattr"] = checked_delattr
    table["hasattr"] = checked_hasattr
    table["dir"] = checked_dir
    table["id"] = ObjectCounter()  # one count per program: globals are built per run
    table["__import__"] = sandbox_import
    table["__build_class__"] = builtins.__build_class__
    table["__name__"] = "builtins"
    return table


def build_globals() -> dict[str, Any]:
    """Return a fresh globals dict for ``exec`` of one user program.

    It holds a restricted ``__builtins__`` dict (an allow-list: no ``eval``, ``exec``,
    ``open``, ``getattr``, ``globals``, ``input``, ...), an ``__import__`` serving only
    facades, and ``__name__ == "__main__"`` so ``if __name__ == "__main__":`` works. Passing
    a dict without ``__builtins__`` to ``exec`` would silently grant the real builtins, so
    callers must use this dict as is.
    """
    return {"__builtins__": _builtins(), "__name__": "__main__", "__doc__": None}
