"""``torch.backends.cudnn`` as the seed-everything header writes it.

Blog posts and notebooks start training scripts with ``torch.backends.cudnn.deterministic
= True`` and ``torch.backends.cudnn.benchmark = False`` (next to the seeds). The real
``torch.backends`` is a package of modules (``torch.backends.mps``, ``opt_einsum``...), so it
is not offered; this stand-in offers cudnn's four switches and nothing else. Reading one
reads torch's flag; writing one takes a ``bool`` and sets torch's flag, exactly as in plain
PyTorch. The flags only steer cuDNN kernels, which a CPU-only worker never runs, and every
program runs in a fresh process, so a setting changes no result and outlives nothing.
"""

from __future__ import annotations

import torch

from gradtrace.sandbox.allow_torch import CUDNN_FLAGS

__all__ = ["CudnnFlags"]


class CudnnFlags:
    """``torch.backends.cudnn``: its switches, forwarded to torch's (see module doc)."""

    __slots__ = ()

    def __getattr__(self, name: str) -> bool:
        if name in CUDNN_FLAGS:
            return bool(getattr(torch.backends.cudnn, name))
        raise AttributeError(f"torch.backends.cudnn has no attribute '{name}' in the playground")

    def __setattr__(self, name: str, value: object) -> None:
        if name not in CUDNN_FLAGS:
            raise AttributeError(f"torch.backends.cudnn.{name} cannot be set in the playground")
        if type(value) is not bool:
            raise TypeError(f"torch.backends.cudnn.{name} takes True or False")
        setattr(torch.backends.cudnn, name, value)

    def __repr__(self) -> str:
        return "<module 'torch.backends.cudnn' (playground)>"
