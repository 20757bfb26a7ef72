"""Forward-mode AD: the tangent each dual tensor carries, read while it exists.

Inside ``with fwAD.dual_level():`` a tensor made by ``fwAD.make_dual(x, t)``, and every
result computed from it, carries a tangent (a Jacobian-vector product) beside its value;
when the level exits the tangents are gone. No backward pass and no graph node shows them,
so the recorder asks each output for its tangent as it is made, only while a level is open.
"""

from __future__ import annotations

import torch
from torch.autograd import forward_ad

from gradtrace.tracing.transforms import legacy_batched

__all__ = ["level_open", "tangent_of"]


def level_open() -> bool:
    """Whether a ``dual_level`` is open (a module global: cheap enough for every call)."""
    return forward_ad._current_level >= 0


def tangent_of(tensor: torch.Tensor) -> torch.Tensor | None:
    """The tangent ``tensor`` carries at the open level, or None.

    Torch-function handling is off: this runs inside the recorder, whose own calls must not
    be recorded (nor come back to it).
    """
    if not (tensor.is_floating_point() or tensor.is_complex()) or legacy_batched(tensor):
        return None  # batched: forward-mode jacobian/hessian(vectorize=True) inside vmap
    with torch._C.DisableTorchFunction():
        try:
            tangent: torch.Tensor | None = torch._VF._unpack_dual(
                tensor, forward_ad._current_level)[1]
        except RuntimeError:  # a tensor torch cannot unpack here: no tangent to show
            return None
    if tangent is not None and legacy_batched(tangent):  # jacfwd's batch of tangents
        return None
    return tangent
