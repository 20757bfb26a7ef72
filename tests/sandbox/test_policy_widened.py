"""The widened policy (issue 16): tutorial programs run, and run as in plain PyTorch.

Each program of ``widened_programs.PROGRAMS`` is traced through the policy and the facade
(``trace_file``) and run in plain PyTorch (the oracle); it must not be refused, and its
values, gradients, graph and stdout must match. It must also run in a hardened worker
(seccomp: no ``open``), which catches the allowed API importing a module lazily.
"""

from __future__ import annotations

import ast
import json
import types
from typing import Any

import orjson
import pytest
import torch

from gradtrace.sandbox.allow_nn import MODULE_CONSTANTS, MODULE_DATA_ATTRS, NN_MEMBERS
from gradtrace.sandbox.allowlist import MODULES, known_attribute, reserved_attribute_names
from gradtrace.sandbox.errors import PolicyError
from gradtrace.sandbox.limits import ProcessLimits, harden
from gradtrace.sandbox.local import trace_file
from gradtrace.sandbox.policy import check
from gradtrace.tracing import trace_source
from gradtrace.tracing.wire import dumps, expand
from tests.sandbox.child import returned
from tests.sandbox.hardened import Runner, trace_json
from tests.sandbox.widened_programs import PROGRAMS, TRACER_XFAIL
from tests.tracing.oracle import run_plain
from tests.tracing.oracle_checks import assert_matches_plain

LIMIT = 20_000


def _cases() -> list[Any]:
    return [
        pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=TRACER_XFAIL[name]))
        if name in TRACER_XFAIL else name
        for name in sorted(PROGRAMS)
    ]


def test_every_widened_program_passes_the_policy() -> None:
    for name, source in PROGRAMS.items():
        try:
            check(source, LIMIT)
        except PolicyError as exc:  # pragma: no cover - the failure message
            pytest.fail(f"{name}: line {exc.line}: {exc.message}")


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("name", _cases())
def test_widened_program_traces_like_plain_pytorch(name: str) -> None:
    source = PROGRAMS[name]
    result, _ = trace_file(source)
    assert result["error"] is None or result["error"]["kind"] != "forbidden", result["error"]
    plain = run_plain(source)
    assert plain.error is None, plain.error
    assert_matches_plain(expand(orjson.loads(dumps(result))), plain)


def sc_trace(limits: ProcessLimits, arg: Any) -> Any:
    harden(limits)
    return trace_json(arg)


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_widened_program_runs_in_a_hardened_worker(run: Runner, name: str) -> None:
    """No lazy import or file access after hardening: the same output as without it."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        expected = json.loads(trace_json(PROGRAMS[name]))
    finally:
        torch.set_num_threads(threads)
    got = json.loads(returned(run(sc_trace, arg=PROGRAMS[name])))
    assert got["error"] is None, got["error"]
    assert (got["ok"], got["stdout"]) == (expected["ok"], expected["stdout"])


def test_module_hyperparameter_names_follow_torch() -> None:
    """Every ``__constants__`` name of an allowed nn class is a readable attribute name."""
    missing = set()
    for name in NN_MEMBERS:
        cls = getattr(torch.nn, name)
        if isinstance(cls, type) and issubclass(cls, torch.nn.Module):
            missing.update(set(getattr(cls, "__constants__", ())) - MODULE_CONSTANTS
                           - MODULE_DATA_ATTRS)
    assert missing == set()


def test_recurrent_parameter_names_are_known_by_their_form() -> None:
    for layers, bidirectional, proj in [(3, True, 2), (1, False, 0)]:
        lstm = torch.nn.LSTM(3, 4, num_layers=layers, bidirectional=bidirectional,
                             proj_size=proj)
        for name, _ in lstm.named_parameters():
            assert known_attribute(name), name
    assert not known_attribute("weight_ih_lx") and not known_attribute("weight_ab_l0")


def test_named_tuple_fields_of_public_ops_are_known() -> None:
    a = torch.randn(3, 3)
    results = [a.max(0), a.sort(), torch.linalg.qr(a), torch.linalg.eigh(a @ a.T),
               torch.linalg.svd(a), torch.linalg.slogdet(a), torch.linalg.lu_factor(a),
               a.aminmax(), torch.frexp(a), torch.histogram(a.flatten()), a.cummax(0),
               torch.linalg.lstsq(a, a), torch.linalg.inv_ex(a), torch.linalg.cholesky_ex(a)]
    for value in results:
        fields = [k for k, v in vars(type(value)).items()
                  if isinstance(v, types.MemberDescriptorType)]
        assert fields, type(value)
        for field in fields:
            assert known_attribute(field), (type(value).__name__, field)


def test_in_place_forms_of_allowed_math_are_allowed_and_raw_memory_ones_are_not() -> None:
    check("import torch\nx = torch.ones(3)\nx.cumsum_(0).sign_().clamp_min_(0.5)", LIMIT)
    for name in ("set_", "resize_", "as_strided_", "share_memory_", "put_"):
        with pytest.raises(PolicyError):
            check(f"import torch\ntorch.ones(3).{name}()", LIMIT)


def test_string_names_count_as_the_programs_own() -> None:
    check("import torch.nn as nn\nfrom collections import OrderedDict, namedtuple\n"
          "m = nn.Sequential(OrderedDict([('hidden', nn.Linear(2, 2))]))\nprint(m.hidden)\n"
          "P = namedtuple('P', 'px, py')\nprint(P(1, 2).py)\n", LIMIT)
    with pytest.raises(PolicyError):  # a library name stays reserved whatever the strings say
        check("import torch\nnames = 'untyped_storage'\ntorch.ones(1).untyped_storage()", LIMIT)


@pytest.mark.parametrize(
    "source",
    ["class A:\n    pass\nprint(A().__class__)", "x = 1\nc = x.__class__\nprint(c.__name__)",
     "x = 1\nprint(x.__class__.__base__)", "x = 1\nx.__class__.__name__ = 'y'",
     "x = 1\nprint(x.__class__.__name__.__class__)"],
)
def test_dunder_class_only_directly_before_its_name(source: str) -> None:
    with pytest.raises(PolicyError) as info:
        check(source, LIMIT)
    assert "`.__" in info.value.message


def _refusal(source: str) -> PolicyError:
    with pytest.raises(PolicyError) as info:
        check(source, LIMIT)
    return info.value


def test_a_refused_module_member_says_what_and_why() -> None:
    err = _refusal("import torch\ntorch.set_default_dtype(torch.float64)")
    assert "`torch.set_default_dtype` is not part of the playground" in err.message
    assert "process-wide" in err.message and "dtype=torch.float64" in err.message
    err = _refusal("import torch.nn as nn\nprint(nn.Lineer(2, 2))")
    assert "`torch.nn.Lineer`" in err.message and "torch.nn.Linear" in (err.hint or "")
    err = _refusal("from functools import wraps")
    assert "functools.wraps" in err.message and "__wrapped__" in err.message


def test_an_attribute_refusal_never_guesses_the_intent_wrongly() -> None:
    library = _refusal("import torch\nprint(torch.ones(1).share_memory_())")
    assert "not offered" in library.message and "own" not in (library.hint or "")
    unknown = _refusal("x = 1\nprint(x.hiden)")
    assert "unknown" in unknown.message and "x.hiden" not in unknown.message


def test_the_import_hint_lists_every_importable_module() -> None:
    hint = _refusal("import os").hint or ""
    assert all(module in hint for module in MODULES)
    name_hint = _refusal("print(help)").hint or ""
    assert all(path.split(".")[0] in name_hint for path in MODULES)


@pytest.mark.parametrize(("source", "why", "instead"), [
    ("print(getattr(1, 'real'))", "by a string", "obj.name"),
    ("x = eval('1')", "string as code", "expression itself"),
    ("x = 1\nprint(x.__class__)", "underscore", "type(x)"),
    ("from collections import namedtuple\nP = namedtuple('P', 'x')\nprint(P(1)._replace(x=2))",
     "without its class's constructor", "Make a new one"),
    ("from torch.nn.utils.rnn import PackedSequence\nprint(PackedSequence._make([1, 2]))",
     "PackedSequence", "P(*values)"),
    ("import torch\nx = torch.ones(1, requires_grad=True)\nprint((x * x).grad_fn._raw_saved_self)",
     "saved-tensor object", "_saved_<name>"),
    ("import torch\nx = torch.ones(1, 1, 2, 2, requires_grad=True)\n"
     "print(torch.nn.functional.max_pool2d(x, 2).grad_fn._saved_result1)",
     "index tensor that backward trusts", "own result"),
    ("import torch\nwith torch.autograd.profiler.profile() as p:\n    pass\n"
     "p.export_chrome_trace('trace.json')", "writes files", "key_averages"),
    ("import torch\nwith torch.autograd.profiler.profile() as p:\n    pass\n"
     "p.key_averages().export_stacks('s.txt')", "writes files", "key_averages"),
    ("import torch.profiler", "write traces", "autograd.profiler.profile"),
    ("from torch.func import linearize", "generates Python code", "torch.func.jvp"),
])
def test_a_refusal_says_why_and_what_to_write_instead(source: str, why: str,
                                                       instead: str) -> None:
    err = _refusal(source)
    assert why in err.message and instead in f"{err.message} {err.hint}", (err.message, err.hint)


def test_widened_programs_are_valid_python() -> None:
    for source in PROGRAMS.values():
        ast.parse(source)


def test_saved_tensor_hook_runs_are_events_under_the_sandbox_as_in_trusted_mode() -> None:
    """The checked stand-in of saved_tensors_hooks still lets the tracer see the program's hooks."""
    source = PROGRAMS["saved_tensor_hooks"]
    sandboxed, _ = trace_file(source)
    trusted = trace_source(source)

    def hook_runs(result: dict[str, Any]) -> list[tuple[str, str, int]]:
        return [(e["saved_hook"], e["name"], e["line"]) for e in result["events"]
                if isinstance(e, dict) and "saved_hook" in e]

    assert hook_runs(trusted), "the program's pack and unpack hooks run"
    assert hook_runs(sandboxed) == hook_runs(trusted)


def test_profiler_names_are_reserved_but_common_program_names_stay_free() -> None:
    """Adding the profiler's objects to the samples must not take ``self.config`` away."""
    reserved = reserved_attribute_names()
    assert {"export_chrome_trace", "export_stacks", "kineto_results", "record"} <= reserved
    check("import torch.nn as nn\nclass M(nn.Module):\n    def __init__(self, config):\n"
          "        super().__init__()\n        self.config = config\n"
          "        self.enabled = True\nm = M(3)\nprint(m.config, m.enabled)\n", LIMIT)


def test_torch_level_in_place_forms_are_exactly_those_of_listed_functions() -> None:
    """``torch.sin_`` & co: every in-place form torch has of a listed function, nothing else."""
    listed = MODULES["torch"]
    in_place = {name for name in listed if name.endswith("_") and not name.startswith("__")}
    assert in_place == {f"{name}_" for name in listed if hasattr(torch, f"{name}_")}
    assert not in_place & {"as_strided_", "resize_as_", "index_put_", "fill_", "zero_"}
