"""The allow-list, assembled: importable modules, their members, and attribute names.

Two layers read it. The static policy uses :data:`ATTRIBUTE_NAMES` (the only library attribute
names a program may write after a dot) and :data:`MODULES` (what ``import`` may name); the
facade uses :data:`MODULES` to decide which real objects to hand out. Keeping both in one
place means the policy never allows a name that the facade does not define on purpose.
"""

from __future__ import annotations

import functools
import types
from collections.abc import Iterator

from app.sandbox import allow_nn, allow_py, allow_torch

__all__ = [
    "ATTRIBUTE_NAMES",
    "DEFINABLE_DUNDERS",
    "IMPORTABLE",
    "MODULES",
    "SUBSTITUTES",
    "WRITABLE_ATTRS",
    "reserved_attribute_names",
]

def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Dotted module path -> names its facade exposes (submodule names included).
MODULES: dict[str, frozenset[str]] = {
    "torch": allow_torch.TORCH_MEMBERS | allow_torch.TORCH_DTYPES,
    "torch.linalg": allow_torch.LINALG_MEMBERS,
    "torch.cuda": allow_torch.CUDA_MEMBERS,
    "torch.nn": allow_nn.NN_MEMBERS,
    "torch.nn.functional": allow_nn.FUNCTIONAL_MEMBERS,
    "torch.nn.init": allow_nn.INIT_MEMBERS,
    "torch.nn.utils": allow_nn.NN_UTILS_MEMBERS,
    "torch.autograd": allow_nn.AUTOGRAD_MEMBERS,
    "torch.autograd.functional": allow_nn.AUTOGRAD_FUNCTIONAL_MEMBERS,
    "torch.autograd.graph": allow_nn.AUTOGRAD_GRAPH_MEMBERS,
    "torch.optim": allow_nn.OPTIM_MEMBERS,
    "torch.optim.lr_scheduler": allow_nn.LR_SCHEDULER_MEMBERS,
    "math": allow_py.MATH_MEMBERS,
    "numpy": allow_py.NUMPY_MEMBERS,
    "numpy.random": allow_py.NUMPY_RANDOM_MEMBERS,
    "numpy.linalg": allow_py.NUMPY_LINALG_MEMBERS,
}

IMPORTABLE: tuple[str, ...] = tuple(MODULES)

# Facade name -> real name it is served by (uninitialised memory is never handed out).
SUBSTITUTES: dict[str, dict[str, str]] = {
    "torch": allow_torch.UNINITIALISED_SUBSTITUTES,
    "numpy": allow_py.NUMPY_UNINITIALISED_SUBSTITUTES,
}

# Attribute names a program may assign to even though libraries define them too.
WRITABLE_ATTRS: frozenset[str] = allow_torch.TENSOR_DATA_ATTRS | allow_nn.MODULE_DATA_ATTRS

ATTRIBUTE_NAMES: frozenset[str] = frozenset().union(
    *MODULES.values(),
    allow_torch.TENSOR_ATTRS,
    allow_nn.MODULE_DATA_ATTRS,
    allow_nn.NN_OBJECT_ATTRS,
    allow_py.NDARRAY_ATTRS,
    allow_py.PYTHON_ATTRS,
)

# Special methods a program may *define* in a class body. Python calls them implicitly with
# the program's own objects, so they add no reach; ``__del__`` (runs at an arbitrary later
# time, possibly during another request), ``__getattr__``/``__setattr__``, ``__reduce__``,
# ``__init_subclass__``, ``__torch_function__``, ``__enter__``/``__exit__`` (receives a
# traceback object; can swallow the sandbox's limit exceptions) are not listed.
DEFINABLE_DUNDERS: frozenset[str] = _names(
    """__init__ __call__ __len__ __getitem__ __setitem__ __iter__ __next__ __contains__
    __repr__ __str__ __eq__ __ne__ __lt__ __le__ __gt__ __ge__ __hash__ __add__ __sub__
    __mul__ __truediv__ __matmul__ __neg__ __radd__ __rmul__"""
)

# Attribute names reserved even without looking at any library: reading them on any object
# reaches frames, code, globals or the operating system.
_ALWAYS_RESERVED = _names(
    """gi_frame gi_code gi_yieldfrom gi_running gi_suspended cr_frame cr_code cr_await
    ag_frame ag_code tb_frame tb_next tb_lasti tb_lineno f_globals f_locals f_builtins f_back
    f_code f_trace co_code co_consts co_names func_globals func_code obj os sys builtins
    ctypes importlib subprocess system environ popen load save from_file hub ops classes
    library jit compile serialization pickle multiprocessing distributed cpp_extension
    untyped_storage storage set_ as_strided data_ptr resize_ new_empty strides ctypeslib
    tofile dump dumps format_map mro send throw close"""
)


def _sample_objects() -> list[object]:
    """Objects a program can reach whose attribute names must not be redefinable."""
    import numpy as np
    import torch

    def gen() -> Iterator[int]:
        yield 1

    t = torch.ones(1, requires_grad=True)
    node = (t * 2).grad_fn
    lin = torch.nn.Linear(1, 1)
    return [
        torch.Tensor, np.ndarray, np.float64(1.0), np.random.default_rng(0), np.add, node,
        torch.nn.Module, lin, torch.optim.SGD(lin.parameters(), lr=0.1),
        torch.utils.hooks.RemovableHandle,
        torch.autograd.function.FunctionCtx(), torch.float32, torch.device("cpu"),
        torch.Size([1]), torch.Generator(), torch.zeros, torch.nn.functional.relu, gen(),
        types.FunctionType, types.CodeType, types.FrameType, types.TracebackType, types.ModuleType,
        type, object, memoryview, BaseException, property, super, slice, range, int, float,
        complex, str, bytes, list, tuple, dict, set, frozenset,
    ]


@functools.cache
def reserved_attribute_names() -> frozenset[str]:
    """Names a program may not use for its own attributes.

    A program may invent attribute names (``self.hidden = ...``, ``ctx.scale = ...``); the
    policy then accepts ``x.hidden`` anywhere in that program. Without this set, defining
    ``self.untyped_storage = 1`` would unlock ``t.untyped_storage()`` on a real tensor. Every
    attribute name of the objects a program can reach, minus the allow-list, is reserved.
    Computed lazily because it imports torch.
    """
    names: set[str] = set(_ALWAYS_RESERVED)
    for obj in _sample_objects():
        names.update(dir(obj))
    return frozenset(names - ATTRIBUTE_NAMES)
