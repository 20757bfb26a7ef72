"""The standard-library names widened for notebooks and scripts (json, pprint, warnings, abc,
string, statistics, contextlib, enum): they run, and what stays out is refused."""

from __future__ import annotations

import warnings

import pytest

from gradtrace.sandbox.errors import PolicyError
from gradtrace.sandbox.local import trace_file
from gradtrace.sandbox.policy import check
from tests.sandbox.test_attacks_static import run_isolated

LIMIT = 20_000


def test_json_pprint_and_warnings_run_as_in_python() -> None:
    source = ("import json\nfrom pprint import pprint\nimport warnings\n"
              "warnings.filterwarnings('ignore')\n"
              "print(json.dumps({'b': 1, 'a': [2]}, sort_keys=True))\n"
              "pprint(json.loads('{\"x\": 1}'))")
    assert run_isolated(source) == ("ok", '{"a": [2], "b": 1}\n{\'x\': 1}\n')


def test_string_statistics_and_nullcontext_run_as_in_python() -> None:
    source = ("import string, statistics\nfrom contextlib import nullcontext\n"
              "with nullcontext():\n    print(string.ascii_lowercase[:3], "
              "statistics.mean([1, 2, 3]), statistics.median([3, 1, 2]))")
    assert run_isolated(source) == ("ok", "abc 2 2\n")


def test_enum_classes_work_and_the_functional_form_is_refused() -> None:
    source = ("from enum import Enum, auto\nclass Mode(Enum):\n    TRAIN = 'train'\n"
              "    EVAL = auto()\nprint(Mode('train').name, Mode.EVAL.value, len(list(Mode)))")
    assert run_isolated(source) == ("ok", "TRAIN 1 2\n")  # as plain Python 3.11
    for call in ("Enum('E', [('A', 1)])", "Mode('E', 'A B')", "Enum('E', names='A')"):
        outcome, detail = run_isolated(
            f"from enum import Enum\nclass Mode(Enum):\n    A = 1\n{call}")
        assert outcome != "ok" and "class statement" in detail, call


def test_a_programs_warning_filter_does_not_outlive_it() -> None:
    before = list(warnings.filters)
    result, _ = trace_file("import warnings\nwarnings.simplefilter('error')\nprint(1)")
    assert result["error"] is None and result["stdout"] == "1\n"
    assert warnings.filters == before


def test_abstract_base_models_work_and_abstractmethod_takes_only_own_functions() -> None:
    source = ("from abc import ABC, abstractmethod\nclass B(ABC):\n    @abstractmethod\n"
              "    def score(self):\n        ...\n"
              "class C(B):\n    def score(self):\n        return 2\n"
              "print(C().score())\ntry:\n    B()\nexcept TypeError:\n    print('abstract')")
    assert run_isolated(source) == ("ok", "2\nabstract\n")
    outcome, detail = run_isolated(
        "from abc import abstractmethod\nimport torch.nn.functional as F\nabstractmethod(F.relu)"
    )
    assert outcome != "ok" and "own functions" in detail


@pytest.mark.parametrize(
    "source",
    ["import json\njson.dump", "import json\njson.load", "from json import JSONDecoder",
     "import warnings\nwarnings.catch_warnings", "import warnings\nwarnings.showwarning",
     "from abc import ABCMeta", "import abc\nclass A(abc.ABC):\n    pass\nA.register(int)",
     "from enum import EnumMeta", "from enum import IntEnum",
     "from enum import Enum\nclass M(Enum):\n    def _missing_(cls, value):\n        return 1",
     "from enum import Enum\nclass M(Enum):\n    __del__ = print",
     "import string\nstring.Formatter", "import string\nstring.Template",
     "from contextlib import contextmanager", "from contextlib import suppress",
     "import torch\ntorch.amp.GradScaler('cpu')"],
)
def test_what_stays_out_is_refused(source: str) -> None:
    with pytest.raises(PolicyError):
        check(source, LIMIT)
