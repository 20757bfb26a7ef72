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

from gradtrace.sandbox import (
    allow_autograd,
    allow_data,
    allow_distributions,
    allow_nn,
    allow_py,
    allow_stdlib,
    allow_torch,
)
from gradtrace.sandbox.allow_names import names as _names

__all__ = [
    "ATTRIBUTE_NAMES",
    "DEFINABLE_DUNDERS",
    "IMPORTABLE",
    "MODULES",
    "PRELOAD",
    "SUBSTITUTES",
    "WRITABLE_ATTRS",
    "known_attribute",
    "reserved_attribute_names",
    "writable_attribute",
]


# Dotted module path -> names its facade exposes (submodule names included).
MODULES: dict[str, frozenset[str]] = {
    "torch": allow_torch.TORCH_MEMBERS | allow_torch.TORCH_DTYPES,
    "torch.linalg": allow_torch.LINALG_MEMBERS,
    "torch.cuda": allow_torch.CUDA_MEMBERS,
    "torch.backends": allow_torch.BACKENDS_MEMBERS,
    "torch.amp": allow_torch.AMP_MEMBERS,
    "torch.special": allow_torch.SPECIAL_MEMBERS,
    "torch.fft": allow_torch.FFT_MEMBERS,
    "torch.testing": allow_torch.TESTING_MEMBERS,
    "torch.nn": allow_nn.NN_MEMBERS,
    "torch.nn.functional": allow_nn.FUNCTIONAL_MEMBERS,
    "torch.nn.init": allow_nn.INIT_MEMBERS,
    "torch.nn.utils": allow_nn.NN_UTILS_MEMBERS,
    "torch.nn.utils.parametrize": allow_nn.PARAMETRIZE_MEMBERS,
    "torch.nn.utils.parametrizations": allow_nn.PARAMETRIZATIONS_MEMBERS,
    "torch.nn.utils.rnn": allow_nn.RNN_UTILS_MEMBERS,
    "torch.autograd": allow_nn.AUTOGRAD_MEMBERS,
    "torch.autograd.functional": allow_nn.AUTOGRAD_FUNCTIONAL_MEMBERS,
    "torch.autograd.graph": allow_nn.AUTOGRAD_GRAPH_MEMBERS
    | allow_autograd.GRAPH_EXTRA_MEMBERS,
    "torch.autograd.forward_ad": allow_autograd.FORWARD_AD_MEMBERS,
    "torch.autograd.function": allow_autograd.AUTOGRAD_FUNCTION_MEMBERS,
    "torch.autograd.profiler": allow_autograd.PROFILER_MEMBERS,
    "torch.func": allow_autograd.FUNC_MEMBERS,
    "torch.utils": frozenset({"checkpoint", "data"}),
    "torch.utils.checkpoint": allow_autograd.CHECKPOINT_MEMBERS,
    "torch.utils.data": allow_data.DATA_MEMBERS,
    "torch.distributions": allow_distributions.DISTRIBUTIONS_MEMBERS,
    "torch.distributions.constraints": allow_distributions.CONSTRAINTS_MEMBERS,
    "torch.distributions.transforms": allow_distributions.TRANSFORMS_MEMBERS,
    "torch.optim": allow_nn.OPTIM_MEMBERS,
    "torch.optim.lr_scheduler": allow_nn.LR_SCHEDULER_MEMBERS,
    "math": allow_py.MATH_MEMBERS,
    "numpy": allow_py.NUMPY_MEMBERS,
    "numpy.random": allow_py.NUMPY_RANDOM_MEMBERS,
    "numpy.linalg": allow_py.NUMPY_LINALG_MEMBERS,
    **allow_stdlib.STDLIB_MODULES,
}

IMPORTABLE: tuple[str, ...] = tuple(MODULES)

# Modules the allowed API imports lazily on its first use (``torch.func.jacfwd`` imports the
# jvp decompositions). The facades import them up front, before a worker forks and loses
# ``open``; ``tests/sandbox/test_policy_widened.py`` checks no tutorial program needs more.
PRELOAD: tuple[str, ...] = ("torch._decomp.decompositions_for_jvp",)

# Facade name -> real name it is served by (uninitialised memory is never handed out).
SUBSTITUTES: dict[str, dict[str, str]] = {
    "torch": allow_torch.UNINITIALISED_SUBSTITUTES,
    "numpy": allow_py.NUMPY_UNINITIALISED_SUBSTITUTES,
}

# Attribute names a program may assign to even though libraries define them too.
WRITABLE_ATTRS: frozenset[str] = (
    allow_torch.TENSOR_DATA_ATTRS | allow_nn.MODULE_DATA_ATTRS
    | allow_distributions.DISTRIBUTION_DATA_ATTRS
)

ATTRIBUTE_NAMES: frozenset[str] = frozenset().union(
    *MODULES.values(),
    allow_torch.TENSOR_ATTRS,
    allow_torch.CUDNN_FLAGS,
    allow_nn.MODULE_DATA_ATTRS,
    allow_nn.MODULE_CONSTANTS,
    allow_nn.NN_OBJECT_ATTRS,
    allow_autograd.AUTOGRAD_OBJECT_ATTRS,
    allow_autograd.PROFILER_ATTRS,
    allow_distributions.DISTRIBUTION_ATTRS,
    allow_data.DATA_ATTRS,
    allow_stdlib.STDLIB_ATTRS,
    allow_py.NDARRAY_ATTRS,
    allow_py.PYTHON_ATTRS,
)


def known_attribute(attr: str) -> bool:
    """True for an allow-listed attribute name, listed or of a form PyTorch makes up.

    Recurrent layers name their parameters after their configuration (``weight_ih_l1``,
    ``bias_hh_l0_reverse``); those names are data like ``weight`` and follow one pattern.
    """
    return attr in ATTRIBUTE_NAMES or allow_nn.RUNTIME_ATTRIBUTE_PATTERN.fullmatch(attr) is not None


def writable_attribute(attr: str) -> bool:
    """True for a library attribute name a program may assign on any object (data)."""
    return attr in WRITABLE_ATTRS or allow_nn.RUNTIME_ATTRIBUTE_PATTERN.fullmatch(attr) is not None

# Special methods a program may *define* in a class body. Python calls them implicitly with
# the program's own objects, so they add no reach (the arithmetic ones, micrograd's
# ``__pow__``/``__rsub__``/``__rtruediv__``, get the other operand of an expression the
# program wrote); ``__index__``/``__int__``/``__float__`` are not listed (torch's argument
# parsing calls them, and a value that changes between two calls could make the zero-filling
# stand-ins and the real constructor disagree on whether an argument is a size); ``__del__``
# (runs at an arbitrary later time, possibly during another request), ``__getattr__``/
# ``__setattr__``, ``__reduce__``,
# ``__init_subclass__``, ``__torch_function__``, ``__enter__``/``__exit__`` (receives a
# traceback object; can swallow the sandbox's limit exceptions) are not listed.
DEFINABLE_DUNDERS: frozenset[str] = _names(
    """__init__ __call__ __len__ __getitem__ __setitem__ __iter__ __next__ __contains__
    __repr__ __str__ __eq__ __ne__ __lt__ __le__ __gt__ __ge__ __hash__ __add__ __sub__
    __mul__ __truediv__ __matmul__ __neg__ __radd__ __rmul__ __pow__ __rpow__ __rsub__
    __rtruediv__ __floordiv__ __rfloordiv__ __mod__ __rmatmul__ __pos__ __abs__"""
)

# Attribute names reserved even without looking at any library: reading them on any object
# reaches frames, code, globals or the operating system.
_ALWAYS_RESERVED = _names(
    """register gi_frame gi_code gi_yieldfrom gi_running gi_suspended cr_frame cr_code cr_await
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
        complex, str, bytes, list, tuple, dict, set, frozenset, *_widened_samples(),
    ]


def _widened_samples() -> list[object]:
    """Objects of the widened API (torch.func, distributions, data, the standard library)."""
    import collections
    import collections.abc
    import dataclasses
    import itertools
    import typing

    import torch
    from torch.autograd import forward_ad, graph
    from torch.nn.utils import parametrize, rnn

    t = torch.ones(2, requires_grad=True)
    data = torch.utils.data.TensorDataset(torch.ones(2, 1))
    lin = torch.nn.Linear(1, 1)
    parametrize.register_parametrization(lin, "weight", torch.nn.Identity())
    with forward_ad.dual_level():
        made = forward_ad.make_dual(torch.ones(1), torch.ones(1))  # type: ignore[no-untyped-call]
        dual = forward_ad.unpack_dual(made)  # type: ignore[no-untyped-call]
    return [
        torch.distributions.Normal(0.0, 1.0), torch.distributions.Categorical(logits=t),
        torch.distributions.Independent(torch.distributions.Normal(t, 1.0), 1),
        torch.distributions.ExpTransform(), torch.distributions.Normal(0.0, 1.0).support,
        data, torch.utils.data.DataLoader(data), torch.utils.data.RandomSampler(data),
        torch.utils.data.Subset(data, [0]), lin, lin.parametrizations,
        rnn.pack_sequence([torch.ones(1)]), t.max(0), dual, forward_ad.dual_level(),
        graph.saved_tensors_hooks(torch.clone, torch.clone),
        torch.func.grad(torch.sin), functools.partial(print), functools.lru_cache(print),
        functools.cached_property(print), parametrize.cached(),
        iter(torch.utils.data.DataLoader(data)),
        collections.deque(), collections.Counter(), collections.OrderedDict(),
        collections.defaultdict(list), collections.namedtuple("P", ()),
        dataclasses.field(), itertools.chain(), itertools.count(),
        typing.List[int], typing.Optional[int],  # noqa: UP006, UP045 - the alias objects
        collections.abc.Iterable, torch.ones(1).to_sparse(), *_profiler_samples(),
    ]


def _profiler_samples() -> list[object]:
    """The profiler's objects (their file-writing exports must stay reserved), autocast."""
    import torch
    from torch.autograd import profiler_util

    events = profiler_util.EventList()  # type: ignore[no-untyped-call]
    return [
        torch.autograd.profiler.profile(), events, profiler_util.FunctionEvent,
        profiler_util.FunctionEventAvg,
        torch.autograd.profiler.record_function("x"), torch.autocast("cpu"),
        torch.autograd.graph.allow_mutation_on_saved_tensors(),
        torch.distributions.constraints.positive, torch.distributions.AffineTransform(0, 1),
    ]


# Names programs commonly give their own attributes (``self.config = cfg``) that only the
# profiler's objects also use, harmlessly: a bool (``enabled``, ``entered``) and a method
# returning a config object with no public attribute. They stay the program's to use.
_PROGRAM_NAMES = _names("config enabled entered")


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
    return frozenset(names - ATTRIBUTE_NAMES - _PROGRAM_NAMES)
