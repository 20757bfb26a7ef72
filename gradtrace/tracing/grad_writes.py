"""Which leaf's ``.grad`` an in-place write lands in.

Programs clear and edit gradients in several spellings: ``x.grad.zero_()``, the older
``x.grad.data.zero_()``, ``x.grad[0] = 1``, ``x.grad[1].mul_(2)``. The tensor written to is
the ``.grad`` itself, an alias of its memory (``.data``) or a view of it, so a write is
matched by storage, not by tensor identity. Each remembered gradient is held, so its
memory (and address) cannot be reused by another tensor while the trace runs.
"""

from __future__ import annotations

from typing import Any

import torch

__all__ = ["GradOwners"]


def _storage_key(tensor: torch.Tensor) -> int | None:
    """Address of a dense tensor's memory (None: sparse, empty, or no storage at all)."""
    if tensor.layout is not torch.strided or tensor.numel() == 0:
        return None
    try:
        return int(tensor.untyped_storage().data_ptr())
    except (RuntimeError, NotImplementedError):  # tensors with no storage (e.g. meta)
        return None


class GradOwners:
    """Leaves' ``.grad`` tensors seen so far, by the memory they live in."""

    def __init__(self) -> None:
        self._by_storage: dict[int, tuple[int, torch.Tensor]] = {}

    def remember(self, node_id: int, grad: torch.Tensor) -> None:
        """``grad`` is now the ``.grad`` of the leaf with node ``node_id``."""
        key = _storage_key(grad)
        if key is not None:
            self._by_storage[key] = (node_id, grad)

    def owner(self, target: Any, leaf_of: Any) -> int | None:
        """The node of the leaf whose current ``.grad`` shares memory with ``target``.

        Args:
            target: The tensor a method wrote into.
            leaf_of: ``node_id -> leaf tensor``, to check the gradient is still its .grad
                (after ``x.grad = None`` a kept reference to the old one is just a tensor).
        """
        if not isinstance(target, torch.Tensor) or not self._by_storage:
            return None
        key = _storage_key(target)
        found = None if key is None else self._by_storage.get(key)
        if found is None or leaf_of(found[0]).grad is not found[1]:
            return None
        return found[0]
