"""Unit tests of the static policy (layer 1): each rule, positions, and parser hardening."""

from __future__ import annotations

import ast
import time

import pytest

from gradtrace.sandbox.errors import PolicyError
from gradtrace.sandbox.policy import MAX_DEPTH, check
from gradtrace.sandbox.policy_nodes import NODE_RULES

LIMIT = 20_000


def refused(source: str, kind: str = "forbidden") -> PolicyError:
    with pytest.raises(PolicyError) as info:
        check(source, LIMIT)
    assert info.value.kind == kind, info.value.message
    return info.value


def test_every_ast_node_type_has_an_explicit_decision() -> None:
    concrete = {
        cls
        for cls in vars(ast).values()
        if isinstance(cls, type) and issubclass(cls, ast.AST) and not cls.__subclasses__()
    }
    assert concrete - set(NODE_RULES) == set()


@pytest.mark.parametrize(
    ("source", "line", "col", "needle"),
    [
        ("x = 1\nprint(().__class__)", 2, 9, "__class__"),
        ("import torch\ny = torch.zeros(1).untyped_storage()", 2, 19, "untyped_storage"),
        ("a = 1\n\nimport os", 3, 0, "os"),
        ("def f():\n    return eval('1')", 2, 11, "eval"),
    ],
)
def test_position_and_message_name_the_offence(
    source: str, line: int, col: int, needle: str
) -> None:
    err = refused(source)
    assert (err.line, err.col) == (line, col)
    assert needle in err.message
    assert err.to_dict()["kind"] == "forbidden"


@pytest.mark.parametrize(
    "name", ["eval", "exec", "compile", "open", "getattr", "globals",
             "locals", "vars", "input", "breakpoint", "help", "exit", "quit", "memoryview",
             "BaseException", "SystemExit"],
)
def test_unavailable_builtins_are_refused(name: str) -> None:
    assert name in refused(f"f = {name}").message


def test_a_program_may_bind_builtin_names_itself() -> None:
    check("import torch\ninput = torch.randn(3, 5)\nprint(input.sum())", LIMIT)


@pytest.mark.parametrize(
    "source",
    ["__import__('os')", "print(__builtins__)", "__secret = 1", "def f(__x):\n    pass",
     "class __A:\n    pass", "def __helper():\n    pass", "f(_flag=1)", "global __builtins__",
     "import torch as _t", "try:\n    pass\nexcept Exception as _e:\n    pass"],
)
def test_underscore_names_are_refused(source: str) -> None:
    refused(source)


@pytest.mark.parametrize(
    "source",
    ["_secret = 1", "def f(_x):\n    return _x", "class _A:\n    pass",
     "def _helper():\n    pass", "global _count"],
)
def test_a_programs_own_single_underscore_names_are_fine(source: str) -> None:
    check(source, LIMIT)  # its globals and builtins hold only dunders (allow_owned)


def test_single_underscore_and_dunder_name_main_are_fine() -> None:
    check("for _ in range(3):\n    pass\nif __name__ == '__main__':\n    print(1)", LIMIT)


def test_fullwidth_identifiers_are_normalised_by_the_parser() -> None:
    # NFKC turns these fullwidth letters into `open` and `__class__`.
    assert "open" in refused("\uff4f\uff50\uff45\uff4e('/etc/passwd')").message
    assert "__class__" in refused("x = (1).__\uff43lass__").message


def test_dunder_methods_only_inside_classes_and_only_allow_listed() -> None:
    check("class A:\n    def __init__(self):\n        self.v = 1\n"
          "    def __len__(self):\n        return 1\n"
          "    def __getitem__(self, i):\n        return i\n", LIMIT)
    refused("def __init__(self):\n    pass")
    refused("class A:\n    def __del__(self):\n        pass")
    refused("class A:\n    def __getattr__(self, n):\n        return 1")
    refused("class A:\n    def __reduce_ex__(self, p):\n        return 1")


def test_super_init_is_the_only_underscore_attribute() -> None:
    check("import torch.nn as nn\nclass N(nn.Module):\n    def __init__(self):\n"
          "        super().__init__()\n        nn.Module.__init__(self)\n", LIMIT)
    refused("class A:\n    pass\nA.__init__ = print")
    refused("x = super().__dict__")
    check("print(type(1).__name__)", LIMIT)
    refused("int.__name__ = 'x'")


@pytest.mark.parametrize(
    "source",
    ["import os", "import subprocess", "import torch.hub", "from torch import load",
     "from torch import serialization", "from numpy import ctypeslib", "from torch import *",
     "from . import x", "import importlib", "from os import system",
     "import torch.utils.cpp_extension"],
)
def test_imports_outside_the_allow_list_are_refused(source: str) -> None:
    refused(source)


@pytest.mark.parametrize(
    "source",
    ["import torch", "import torch.nn as nn", "import torch.nn.functional as F",
     "from torch import nn, optim", "from torch.autograd import Function", "import math",
     "import numpy as np", "from torch import optim", "import torch.optim as optim",
     "from torch.autograd.functional import jacobian", "from numpy.random import default_rng"],
)
def test_allowed_imports(source: str) -> None:
    check(source, LIMIT)


@pytest.mark.parametrize(
    "attr",
    ["untyped_storage", "storage", "set_", "as_strided", "data_ptr", "resize_", "new_empty",
     "share_memory_", "tofile", "dump", "ctypes", "strides", "gi_frame", "tb_frame",
     "f_globals", "cr_frame", "obj", "mro", "os", "load", "save", "from_file", "hub",
     "format_map"],
)
def test_dangerous_attributes_are_refused(attr: str) -> None:
    refused(f"y = x.{attr}")


def test_own_attribute_names_are_allowed_but_reserved_ones_are_not() -> None:
    check("class A:\n    def __init__(self):\n        self.hidden = 3\n"
          "a = A()\nprint(a.hidden)", LIMIT)
    # Defining `storage` must not unlock tensor.storage().
    err = refused("class A:\n    def __init__(self):\n        self.storage = 3\n")
    assert "reserved" in err.message
    refused("class A:\n    def untyped_storage(self):\n        return 1\n"
            "import torch\ntorch.zeros(1).untyped_storage()")


def test_library_modules_and_methods_cannot_be_patched() -> None:
    refused("import torch.nn as nn\nnn.Linear.forward = print")
    refused("import torch\ntorch.zeros = 1")
    refused("import torch.nn as nn\nnn.Linear.weight = 3")
    refused("x = [1]\nx.append = 3")
    check("import torch\nt = torch.ones(2, requires_grad=True)\nt.grad = None\n"
          "t.requires_grad = False", LIMIT)


@pytest.mark.parametrize(
    "source",
    ["'{0.__class__}'.format(1)", "'{.real}'.format(1)", "'{0[0]}'.format([1])",
     "str.format('{0.x}', 1)", "s = '{}'\ns.format(1)", "'{:{0.x}}'.format(1)",
     "'{a}'.format_map({'a': 1})", "f = '{0.real}'.format"],
)
def test_format_attribute_traversal_is_refused(source: str) -> None:
    refused(source)


def test_plain_format_and_fstrings_are_fine() -> None:
    check("print('{} {0} {name:.3f} {:{w}}'.format(1, 2, name=3.0, w=4))", LIMIT)
    check("x = 3\nprint(f'{x!r:>10} {x + 1}')", LIMIT)
    refused("x = 1\nprint(f'{x.__class__}')")


def test_match_class_keyword_patterns_go_through_the_attribute_rule() -> None:
    refused("match x:\n    case object(os=o):\n        pass")
    refused("match x:\n    case object(__class__=c):\n        pass")
    check("match (1, 2):\n    case (a, b):\n        print(a + b)\n    case _:\n        pass",
          LIMIT)


def test_decorators_and_defaults_are_checked_like_expressions() -> None:
    refused("@eval\ndef f():\n    pass")
    refused("def f(x=().__class__):\n    pass")
    refused("def f(x=open):\n    pass")
    check("import torch\n@torch.no_grad()\ndef f(x=1):\n    return x", LIMIT)


def test_generator_and_traceback_frames_are_unreachable() -> None:
    refused("def g():\n    yield 1\nprint(g().gi_frame)")
    refused("try:\n    1 / 0\nexcept Exception as e:\n    print(e.__traceback__.tb_frame)")
    refused("try:\n    1 / 0\nexcept Exception as e:\n    t = e.with_traceback")


@pytest.mark.parametrize(
    "source",
    ["async def f():\n    pass", "try:\n    pass\nexcept* ValueError:\n    pass",
     "try:\n    pass\nexcept:\n    pass", "class A(metaclass=type):\n    pass",
     "T = type('T', (), {})"],
)
def test_other_refused_constructs(source: str) -> None:
    refused(source)


def test_global_and_nonlocal_of_own_names_are_fine() -> None:
    check("n = 0\ndef f():\n    global n\n    n += 1\n"
          "def g():\n    k = 0\n    def h():\n        nonlocal k\n        k += 1\n", LIMIT)


def test_syntax_errors_carry_their_position() -> None:
    err = refused("x = 1\ny = (2 +\n", kind="syntax")
    assert err.line >= 2
    assert refused("x = '\x00'", kind="syntax")
    assert refused("def f():\nreturn 1", kind="syntax").line == 2


def test_size_is_capped_before_parsing() -> None:
    start = time.monotonic()
    err = refused("x = 1\n" * 3_000_000)
    assert "limit" in err.message
    assert time.monotonic() - start < 1.0


@pytest.mark.parametrize(
    "source",
    ["(" * 5000 + ")" * 5000, "-" * 15000 + "1", "x = " + "[" * 300 + "]" * 300,
     "x = " + " + ".join(["1"] * (MAX_DEPTH + 50))],
)
def test_deep_nesting_is_a_fast_syntax_error(source: str) -> None:
    start = time.monotonic()
    refused(source, kind="syntax")
    assert time.monotonic() - start < 2.0
