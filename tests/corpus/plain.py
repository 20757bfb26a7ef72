"""The plain-PyTorch side of the corpus comparison, made robust to a few program shapes.

``tests.tracing.oracle.run_plain`` is shared with other tests, so it is not changed here.
Two shapes need care: a retained non-leaf whose gradient is filled inside a functorch
transform (``is_grads_batched=True``) makes the oracle's retain-every-name run fail, and a
sparse ``.grad`` (``nn.Embedding(sparse=True)``) cannot be compared with ``allclose``. This
module runs the oracle's own pieces and turns sparse gradients dense for comparison.
"""

from __future__ import annotations

import contextlib
import io
import warnings
from typing import Any
from unittest import mock

import torch

from tests.tracing import oracle
from tests.tracing.oracle import PlainRun

__all__ = ["HOOKED_SAVES", "dense", "plain_run", "program_retained"]


def dense(tensor: torch.Tensor | None) -> torch.Tensor | None:
    """A sparse tensor as its dense equivalent; anything else unchanged."""
    if tensor is not None and tensor.layout != torch.strided:
        return tensor.to_dense()
    return tensor


# Saved tensors packed by saved-tensor hooks (the program's own, save_on_cpu, or
# checkpoint's) can only be read by running the unpack hook: the program's print, or a
# recomputation. Reading them would change the very run being observed, so for programs
# that use these hooks the oracle does not read saved tensors at all (nor does the tracer).
HOOKED_SAVES = (
    "saved_tensors_hooks",
    "save_on_cpu",
    "checkpoint",
    "allow_mutation_on_saved_tensors",
)


def _observed(source: str) -> Any:
    """The oracle's run, and its snapshot of graphs no backward() walked."""
    namespace, stdout, texts, error, observer = oracle._execute(source)
    observer.snapshot(v for v in namespace.values() if isinstance(v, torch.Tensor))
    return namespace, stdout, texts, error, observer


def _execute(source: str) -> Any:
    """The observed run comes second: a first, discarded run lets one-time warnings (a lazy
    import inside torch, a C++ warn-once) fire, as they already have in a warm worker, so
    the warnings compared are the ones this program causes on every run."""
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        oracle._execute(source)
    if not any(word in source for word in HOOKED_SAVES):
        return _observed(source)
    with mock.patch.object(oracle, "saved_tensors_of", lambda fn: {}):
        return _observed(source)


def plain_run(source: str) -> PlainRun:
    """``oracle.run_plain``, with retained-gradient collection allowed to fail (then empty)
    and saved tensors left unread where saved-tensor hooks would run to read them."""
    kept = dict(vars(torch._tensor_str.PRINT_OPTS))  # as the runner: print options end
    try:                                              # with the program that set them
        namespace, stdout, texts, error, observer = _execute(source)
    finally:
        vars(torch._tensor_str.PRINT_OPTS).clear()
        vars(torch._tensor_str.PRINT_OPTS).update(kept)
    variables = {
        name: oracle._variable(value)
        for name, value in namespace.items()
        if isinstance(value, torch.Tensor) and not name.startswith("__")
    }
    for variable in variables.values():
        variable.grad = dense(variable.grad)
    grads = oracle._parameter_grads(namespace)
    try:
        retained = oracle.retained_grads(source)
    except RuntimeError:  # a .grad written under vmap cannot be read back outside it
        retained = {}
    return PlainRun(
        variables=variables,
        stdout=stdout,
        warnings=texts,
        error=error,
        calls=observer.calls,
        saved=observer.saved,
        parameter_grads={k: [dense(g) for g in v] for k, v in grads.items()},
        namespace=namespace,
        retained=retained,
    )


def program_retained(plain: PlainRun) -> dict[str, torch.Tensor]:
    """Non-leaf tensors the program itself retained (``retain_grad()``), with their .grad."""
    found: dict[str, torch.Tensor] = {}
    for name, value in plain.namespace.items():
        if not isinstance(value, torch.Tensor) or name.startswith("__") or value.is_leaf:
            continue
        if not value.retains_grad:
            continue
        with warnings.catch_warnings(), contextlib.suppress(RuntimeError):
            warnings.simplefilter("ignore")
            grad: Any = value.grad
            if isinstance(grad, torch.Tensor):
                found[name] = grad.detach().clone()
    return found
