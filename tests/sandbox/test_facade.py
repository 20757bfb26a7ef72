"""Tests of the allow-listed namespace (layer 2): what works, and what never leaks."""

from __future__ import annotations

import sys
import types
from typing import Any

import numpy as np
import pytest
import torch

from gradtrace.sandbox.allowlist import ATTRIBUTE_NAMES, MODULES
from gradtrace.sandbox.facade import build_globals, facades


def run(source: str) -> dict[str, Any]:
    """Exec ``source`` in a fresh sandbox namespace (no static policy) and return it."""
    namespace = build_globals()
    exec(compile(source, "<program>", "exec"), namespace)
    return namespace


def test_facades_hold_no_modules_and_reach_no_real_module() -> None:
    for path, facade in facades().items():
        for name in dir(facade):
            value = getattr(facade, name)
            assert not isinstance(value, types.ModuleType), f"{path}.{name}"
            assert value is not sys.modules.get(f"{path}.{name}", object())


@pytest.mark.parametrize(
    "expr",
    ["torch.os", "torch.sys", "torch.load", "torch.save", "torch.from_file", "torch.hub",
     "torch.ops", "torch.jit", "torch.compile", "torch.serialization", "torch.utils.hooks",
     "torch._C", "torch.__file__", "torch.__name__", "torch.__dict__", "nn.functional.np",
     "np.ctypeslib", "np.load", "np.save", "np.fromfile", "np.lib", "math.__loader__",
     "torch.classes", "torch.library", "torch.distributed", "torch.multiprocessing"],
)
def test_forbidden_members_raise_attribute_error_without_the_real_module(expr: str) -> None:
    ns = run("import torch\nimport torch.nn as nn\nimport numpy as np\nimport math")
    with pytest.raises(AttributeError) as info:
        eval(expr, ns)
    err = info.value
    leaked = [getattr(err, "obj", None), *err.args, err.__context__, err.__cause__]
    assert not any(isinstance(x, types.ModuleType) for x in leaked)
    assert all(x is None or not isinstance(x, BaseException) for x in leaked[-2:])


@pytest.mark.parametrize(
    "source",
    ["import os", "import sys", "import torch.hub", "from torch import serialization",
     "from torch import hub", "import numpy.ctypeslib", "import importlib", "import builtins",
     "from numpy import lib", "import torch.utils.cpp_extension"],
)
def test_imports_outside_the_allow_list_fail(source: str) -> None:
    with pytest.raises(ImportError) as info:
        run(source)
    assert not isinstance(getattr(info.value, "obj", None), types.ModuleType)


def test_facades_are_read_only() -> None:
    with pytest.raises(AttributeError):
        run("import torch\ntorch.zeros = None")
    with pytest.raises(AttributeError):
        run("import torch\ntorch.Tensor.add = None")
    assert facades()["torch"].zeros is torch.zeros


@pytest.mark.parametrize(
    "name", ["eval", "exec", "compile", "open", "getattr", "globals", "vars", "input",
             "breakpoint", "memoryview", "exit", "BaseException"],
)
def test_unsafe_builtins_are_absent(name: str) -> None:
    with pytest.raises(NameError):
        run(f"{name}")


def test_a_fresh_namespace_per_call() -> None:
    first, second = build_globals(), build_globals()
    assert first is not second and first["__builtins__"] is not second["__builtins__"]
    assert first["__name__"] == "__main__"


def test_uninitialised_allocations_are_zero_filled() -> None:
    garbage = torch.full((4096,), 7.0)
    del garbage
    ns = run(
        "import torch\nimport numpy as np\n"
        "a = torch.empty(4096)\nb = torch.empty_like(torch.ones(64))\n"
        "c = torch.Tensor(4096)\nd = type(torch.ones(1))(64, 64)\n"
        "e = np.empty(4096)\nf = np.empty_like(np.ones(8))\ng = type(np.ones(1))((64,))\n"
    )
    for key in "abcd":
        assert torch.count_nonzero(ns[key]).item() == 0, key
    for key in "efg":
        assert np.count_nonzero(ns[key]) == 0, key


def test_tensor_and_ndarray_stand_ins_answer_isinstance() -> None:
    ns = run(
        "import torch\nimport torch.nn as nn\nimport numpy as np\n"
        "p = nn.Parameter(torch.ones(2))\n"
        "r = [isinstance(torch.ones(1), torch.Tensor), isinstance(p, torch.Tensor),\n"
        "     issubclass(nn.Parameter, torch.Tensor), isinstance(np.ones(2), np.ndarray),\n"
        "     isinstance(3, torch.Tensor), type(torch.ones(1)) is torch.Tensor]\n"
        "data = torch.Tensor([1.0, 2.0])\n"
    )
    assert ns["r"] == [True, True, True, True, False, True]
    assert torch.equal(ns["data"], torch.tensor([1.0, 2.0]))


def test_same_numbers_as_plain_pytorch() -> None:
    program = (
        "import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n"
        "import math\nimport numpy as np\n"
        "torch.manual_seed(0)\nnp.random.seed(0)\n"
        "net = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))\n"
        "opt = torch.optim.Adam(net.parameters(), lr=0.01)\n"
        "x = torch.tensor(np.random.rand(5, 3), dtype=torch.float32)\n"
        "for step in range(3):\n"
        "    opt.zero_grad()\n"
        "    loss = F.cross_entropy(net(x), torch.tensor([0, 1, 0, 1, 1]))\n"
        "    loss.backward()\n"
        "    opt.step()\n"
        "w = torch.ones(2, requires_grad=True)\n"
        "f = (2 * w ** 3).sum()\n"
        "(g,) = torch.autograd.grad(f, w, create_graph=True)\n"
        "(h,) = torch.autograd.grad(g.sum(), w)\n"
        "out = [loss.item(), g.tolist(), h.tolist(), math.sqrt(2.0)]\n"
    )
    sandboxed = run(program)["out"]
    plain: dict[str, Any] = {"__name__": "__main__"}
    exec(compile(program, "<plain>", "exec"), plain)
    assert sandboxed == plain["out"]


def test_grad_modes_dtypes_and_seeds_work() -> None:
    ns = run(
        "import torch\nx = torch.ones(2, requires_grad=True)\n"
        "with torch.no_grad():\n    a = x * 2\n"
        "with torch.enable_grad():\n    b = x * 2\n"
        "with torch.set_grad_enabled(False):\n    c = x * 2\n"
        "d = torch.zeros(2, dtype=torch.float64).dtype == torch.float64\n"
        "torch.manual_seed(3)\ne = torch.rand(2)\ncuda = torch.cuda.is_available()\n"
    )
    assert ns["a"].grad_fn is None and ns["b"].grad_fn is not None and ns["c"].grad_fn is None
    assert ns["d"] is True
    torch.manual_seed(3)
    assert torch.equal(ns["e"], torch.rand(2))
    assert ns["cuda"] is torch.cuda.is_available()


def test_from_import_of_a_missing_name_does_not_fall_back_to_sys_modules() -> None:
    assert "torch.serialization" in sys.modules
    with pytest.raises(ImportError):
        run("from torch import serialization")
    with pytest.raises(ImportError):
        run("from torch.nn import modules")


def test_c_level_imports_during_a_program_still_work() -> None:
    # torch imports torch.storage through the current frame's __import__ when it hands out
    # AccumulateGrad.variable; the program still gets no module back.
    ns = run(
        "import torch\na = torch.ones(2, requires_grad=True)\n"
        "leaf = (a * 2).grad_fn.next_functions[0][0].variable\n"
    )
    assert ns["leaf"] is ns["a"]
    assert ns["__builtins__"]["__import__"]("os", None, None, [], 0) is None


# reading every allowed name also reads deprecated ones (t.T on a 1-d tensor warns)
@pytest.mark.filterwarnings("ignore:The use of `x.T`:UserWarning")
def test_no_allowed_attribute_of_reachable_objects_is_a_module_or_frame() -> None:
    lin = torch.nn.Linear(2, 2)
    t = torch.ones(2, requires_grad=True)

    def gen() -> Any:
        yield 1

    samples: list[object] = [
        t, (t * 2).grad_fn, np.ones(2), np.random.default_rng(0), lin, torch.nn.Linear,
        torch.optim.SGD(lin.parameters(), lr=0.1), torch.float32, torch.Size([1]), gen(),
        ValueError("x"), torch.zeros, print, *facades().values(),
    ]
    bad = (types.ModuleType, types.FrameType, types.CodeType, types.TracebackType)
    for obj in samples:
        for name in ATTRIBUTE_NAMES:
            try:
                value = getattr(obj, name)
            except Exception:
                continue
            assert not isinstance(value, bad), f"{type(obj).__name__}.{name}"


def test_facades_expose_exactly_the_allow_list() -> None:
    # A name missing here is a typo in the allow-list or a PyTorch/numpy API change.
    for path, facade in facades().items():
        assert set(dir(facade)) == MODULES[path], path
