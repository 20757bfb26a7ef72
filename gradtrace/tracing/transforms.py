"""When the tracer steps aside: inside torch.func transforms and batched gradient calls.

``torch.func.grad``, ``vmap``, ``jacrev``, ``jacfwd``, ``hessian``, ``vjp`` and ``jvp`` run
the program's function on wrapper tensors (a ``BatchedTensor`` holds a whole batch under
one example's shape, a ``GradTrackingTensor`` a private level of autograd). Their graphs
and values belong to the transform, not to the program: reading them (``detach()``,
``numpy()``, walking ``grad_fn``) fails or shows a level the program never sees. So while a
transform runs, torch calls go straight to torch and hooks make no events; the transform's
results come back as ordinary tensors, and the recorder meets them (and any graph they have
at the program's level) at their first use. ``autograd.grad(..., is_grads_batched=True)``
(what ``jacobian``/``hessian(vectorize=True)`` call) runs the engine under the older vmap,
which has no interpreter to ask: its gradients, and the results and saved tensors of the
ops it runs, are batched tensors too, which the recorder leaves out as it meets them.
"""

from __future__ import annotations

import torch

__all__ = ["legacy_batched", "transforming", "unwrapped"]

_peek = torch._C._functorch.peek_interpreter_stack
_wrapped = torch._C._functorch.is_functorch_wrapped_tensor
_unwrap = torch._C._functorch.get_unwrapped
# A tensor of the older vmap (is_grads_batched, jacobian/hessian(vectorize=True)): one
# example's shape over a batch, unreadable (no detach, no data) once its vmap has ended.
legacy_batched = torch._C._functorch.is_legacy_batchedtensor


def transforming() -> bool:
    """Whether a torch.func transform is running now (about 50 ns: every torch call asks)."""
    return _peek() is not None


def unwrapped(tensor: torch.Tensor) -> torch.Tensor:
    """The plain tensor under functorch wrappers (itself when it is not wrapped).

    A batched tensor's plain tensor has the batch dimension too: it is what memory holds.
    """
    while _wrapped(tensor):
        tensor = _unwrap(tensor)
    return tensor
