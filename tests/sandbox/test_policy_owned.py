"""The program's own single-underscore names (``allow_owned``): micrograd's ``self._prev``
runs, and no underscore name of a library object or module becomes reachable through it."""

from __future__ import annotations

import pytest

from gradtrace.sandbox.allow_owned import private_reserved
from gradtrace.sandbox.errors import PolicyError
from gradtrace.sandbox.policy import check
from tests.sandbox.test_attacks_static import run_isolated

LIMIT = 20_000

MICROGRAD = """
class Value:
    def __init__(self, data, _children=(), _op=''):
        self.data = data
        self.grad = 0.0
        self._backward = lambda: None
        self._prev = set(_children)
        self._op = _op

    def __mul__(self, other):
        out = Value(self.data * other.data, (self, other), '*')
        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

a, b = Value(2.0), Value(-3.0)
c = a * b
c.grad = 1.0
c._backward()
print(a.grad, b.grad, c._op, len(c._prev))
"""


def test_micrograd_value_runs_under_policy_and_facade() -> None:
    assert run_isolated(MICROGRAD) == ("ok", "-3.0 2.0 * 2\n")


def test_a_property_backed_by_an_own_underscore_attribute_runs() -> None:
    source = ("class S:\n    def __init__(self):\n        self._scale = 2.0\n"
              "    @property\n    def scale(self):\n        return self._scale\n"
              "print(S().scale)")
    assert run_isolated(source) == ("ok", "2.0\n")


# Each program owns the name it then uses on a library object or module, or never owns it.
ATTACKS = {
    "module_private": "import torch\nclass A:\n    def __init__(self):\n        self._C = 1\n"
                      "print(torch._C)",
    "module_alias_private": "import torch.nn.functional as F\nclass A:\n    _np = 1\nF._np",
    "library_instance_private": "import torch\nclass A:\n    def __init__(self):\n"
                                "        self._flat_weights = 1\n"
                                "lstm = torch.nn.LSTM(1, 1)\nlstm._flat_weights = []",
    "module_internals": "class A:\n    def __init__(self):\n        self._modules = {}\n",
    "parameters_dict": "class A:\n    def __init__(self):\n        self._parameters = {}\n",
    "scheduler_state": "import torch\nclass A:\n    _last_lr = 1\n"
                       "opt = torch.optim.SGD([torch.ones(1, requires_grad=True)], lr=1)\n"
                       "print(torch.optim.lr_scheduler.StepLR(opt, 1)._last_lr)",
    "not_owned": "import torch\nx = torch.nn.Linear(1, 1)\nprint(x._forward_hooks_always_called)",
    "owned_elsewhere_only": "class A:\n    pass\na = A()\na._x = 1\nprint(a._x)",
    "override_library_private": "import torch.nn as nn\nclass M(nn.Module):\n"
                                "    def _apply(self, fn):\n        return self\n",
    "keyword_private": "import torch\ntorch.ones(1).sum(_internal=1)",
    "stand_in_real_class": "import torch\nclass A:\n    def __init__(self):\n"
                           "        self._real = 1\nprint(torch.Tensor._real(10))",
    "facade_members": "import torch\nclass A:\n    def __init__(self):\n"
                      "        self._facade_members = 1\nm = [torch][0]\nprint(m._facade_members)",
    "raw_saved": "import torch\nclass A:\n    def __init__(self):\n"
                 "        self._raw_saved_other = 1\nx = torch.ones(1, requires_grad=True)\n"
                 "print((x * x).grad_fn._raw_saved_other)",
    "mangled_dunder": "class A:\n    def __init__(self):\n        self.__x = 1\n",
    # enum's metaclass writes _sunder_ names on every class it makes: _new_member_ is
    # object.__new__ (an object built without __init__)
    "enum_sunder": "from enum import Enum\nclass Mine:\n    _new_member_ = 0\n"
                   "make = Enum._new_member_\n",
}


@pytest.mark.parametrize("source", ATTACKS.values(), ids=list(ATTACKS))
def test_library_underscore_names_stay_refused_whatever_the_program_owns(source: str) -> None:
    with pytest.raises(PolicyError):
        check(source, LIMIT)


def test_instance_internals_set_in_library_init_code_are_reserved() -> None:
    """Found from the classes' code objects, not only from sample objects' dir()."""
    reserved = private_reserved()
    assert {"_flat_weights", "_qkv_same_embed_dim", "_last_lr", "_step_count"} <= reserved
    assert not {"_prev", "_backward", "_op", "_scale"} & reserved


@pytest.mark.parametrize(
    "source",
    ["import operator\nprint(operator.attrgetter('__class__')(1))",
     "from operator import methodcaller", "import operator\noperator.setitem"],
)
def test_operator_functions_reading_names_by_string_are_refused(source: str) -> None:
    with pytest.raises(PolicyError):
        check(source, LIMIT)


def test_operator_arithmetic_runs() -> None:
    source = ("import operator\nfrom functools import reduce\n"
              "print(reduce(operator.mul, [2, 3, 4], 1), operator.itemgetter(1)([5, 6]))")
    assert run_isolated(source) == ("ok", "24 6\n")


def test_arithmetic_special_methods_may_be_defined_but_not_conversions() -> None:
    source = ("class V:\n    def __init__(self, d):\n        self.d = d\n"
              "    def __pow__(self, k):\n        return V(self.d ** k)\n"
              "    def __rsub__(self, o):\n        return V(o - self.d)\n"
              "    def __rtruediv__(self, o):\n        return V(o / self.d)\n"
              "print((1 - V(2) ** 2).d, (8 / V(2)).d)")
    assert run_isolated(source) == ("ok", "-3 4.0\n")
    for name in ("__index__", "__int__", "__float__"):
        with pytest.raises(PolicyError):
            check(f"class V:\n    def {name}(self):\n        return 3\n", LIMIT)


def test_names_numbered_in_an_f_string_are_the_programs_own() -> None:
    source = ("import torch.nn as nn\nclass S(nn.Module):\n    def __init__(self):\n"
              "        super().__init__()\n        for i in range(2):\n"
              "            self.add_module(f'layer{i}', nn.Linear(1, 1))\n"
              "print(type(S().layer1).__name__)")
    assert run_isolated(source) == ("ok", "Linear\n")
    with pytest.raises(PolicyError):  # only stems followed by a field count
        check("import torch.nn as nn\nm = nn.Linear(1, 1)\nprint(m.layer0)", LIMIT)


SAVED_HOOKS_SUBCLASS = """
import torch
import torch.nn.functional as F
from torch.autograd.graph import saved_tensors_hooks
class H(saved_tensors_hooks):
    def __init__(self):
        self.n = 0
    def pack_hook(self, t):
        return t
    def unpack_hook(self, t):
        if t.dtype == torch.int64:
            return torch.full_like(t, 1 << 40)
        return t
x = torch.ones(1, 1, 4, 4, requires_grad=True)
with H():
    y = F.max_pool2d(x, 2).sum()
y.backward()
"""


def test_saved_tensors_hooks_cannot_be_subclassed_around_its_check() -> None:
    """A subclass skipping __init__ installed its own unpack hook unchecked: max_pool2d's
    backward then wrote at indices the program chose (a segfault, measured)."""
    outcome, detail = run_isolated(SAVED_HOOKS_SUBCLASS)
    assert outcome == "runtime" and "cannot be subclassed" in detail, (outcome, detail)
