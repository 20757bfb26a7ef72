"""The fidelity check: a program traced in trusted mode ends exactly as in plain PyTorch.

``assert_matches_plain`` compares variables, leaf gradients, graphs, stdout, warnings, the
error and the backward calls, ``assert_events`` the per-node gradients of every backward
call; this adds what they leave out: the ``.grad`` of every
variable that retains it (``retain_grad()``), and sparse tensors (compared densely, and
marked ``"layout"`` in the trace's table).
"""

from __future__ import annotations

import contextlib
import io
import random
import warnings
from typing import Any

import numpy as np
import orjson
import torch

from gradtrace.tracing import TraceOptions, trace_source
from gradtrace.tracing.wire import dumps, expand
from tests.tracing.oracle import PROGRAM, PlainRun, run_plain
from tests.tracing.oracle_checks import (
    assert_events,
    assert_matches_plain,
    assert_parameter_grads,
    assert_view,
)

__all__ = ["PRELUDE", "assert_traces_as_plain", "bare_stdout", "trace_both"]

PRELUDE = "import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n"
FULL_VALUES = TraceOptions(max_values=1 << 16)


def trace_both(source: str) -> tuple[dict[str, Any], dict[str, Any], PlainRun]:
    """(compact trace, its long form, the plain run): traced first, as the other suites do."""
    trace = orjson.loads(dumps(trace_source(source, options=FULL_VALUES)))
    return trace, expand(trace), run_plain(source)


def _dense(tensor: torch.Tensor | None) -> torch.Tensor | None:
    if tensor is None or tensor.layout is torch.strided:
        return tensor
    return tensor.to_dense()


def _assert_layouts(trace: dict[str, Any], plain: PlainRun) -> None:
    """A variable's (or its .grad's) table entry names its layout when it is not strided."""
    for name, expected in plain.variables.items():
        got = trace["variables"][name]
        for what, tensor, index in (("value", expected.value, got["value"]),
                                    ("grad", expected.grad, got.get("grad"))):
            if tensor is None or index is None:
                continue
            layout = trace["tensors"][index].get("layout", "strided")
            assert layout == str(tensor.layout).removeprefix("torch."), f"{name}.{what} layout"


def assert_retained(result: dict[str, Any], plain: PlainRun) -> None:
    """Every non-leaf that retains its gradient carries it, as PyTorch has it."""
    for name, value in plain.namespace.items():
        if not isinstance(value, torch.Tensor) or name.startswith("__"):
            continue
        if not value.is_leaf and value.retains_grad:
            assert_view(result["variables"][name]["grad"], _dense(value.grad),
                        f"variables[{name}].grad (retained)")


def bare_stdout(source: str) -> str:
    """What the program prints when nothing watches it.

    The oracle reads every node's saved tensors before each backward call: under the
    program's own ``saved_tensors_hooks`` that runs its unpack hook, which may print.
    """
    out = io.StringIO()
    torch.manual_seed(0)
    np.random.seed(0)
    random.seed(0)
    with contextlib.redirect_stdout(out), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with contextlib.suppress(Exception):
            exec(compile(source, PROGRAM, "exec"), {"__name__": "__main__"})
    return out.getvalue()


def assert_traces_as_plain(source: str, *, events: bool = True,
                           calls: list[tuple[str, int | None]] | None = None) -> dict[str, Any]:
    """Trace ``source``, run it plainly, and compare everything; returns the compact trace.

    Under the program's saved-tensor hooks the trace shows no saved tensors (reading them
    would run the hooks): the oracle's are dropped there. ``events=False`` skips the event
    sums, which cannot follow a ``.grad`` zeroed after the last backward call; ``calls``
    replaces the oracle's (kind, line) list where its line is not the program's call
    (a tensor subclass's ``__torch_function__`` is the innermost program line it sees).
    """
    trace, result, plain = trace_both(source)
    if calls is not None:
        plain.calls = calls
    plain.stdout = bare_stdout(source)
    if "saved_tensors_hooks" in source or "save_on_cpu" in source or "checkpoint" in source:
        plain.saved.clear()
    _assert_layouts(trace, plain)
    for variable in plain.variables.values():
        variable.value = _dense(variable.value)  # type: ignore[assignment]
        variable.grad = _dense(variable.grad)
    for grads in plain.parameter_grads.values():
        grads[:] = [_dense(grad) for grad in grads]
    for _, saved in plain.saved.values():
        saved.update((key, _dense(tensor)) for key, tensor in saved.items())
    assert_matches_plain(result, plain)
    assert_parameter_grads(result, plain)
    assert_retained(result, plain)
    if events and not any(t.get("dtype", "").startswith("complex") for t in trace["tensors"]):
        assert_events(result, plain, source)  # (its sums are of real numbers)
    return trace
