# mypy: ignore-errors
# ruff: noqa: N812
"""Title: Gradient checkpointing: recompute instead of store
Topic: Beyond backward(): forward mode, torch.func, checkpointing

torch.utils.checkpoint.checkpoint runs block without keeping its intermediate results for
backward; when backward reaches the block, it runs the block's forward again to get them, then
differentiates it. Memory drops, compute rises, and the gradients are exactly the same as
without checkpointing: compare w.grad with w_plain.grad, computed by the same block without a
checkpoint.
"""

import torch
import torch.nn.functional as F
from torch.utils.checkpoint import checkpoint


def block(h, w):
    return F.gelu(h @ w).tanh()


torch.manual_seed(0)
x = torch.randn(4, 3)
w = torch.randn(3, 3, requires_grad=True)
w_plain = w.detach().clone().requires_grad_(True)

loss = checkpoint(block, x, w, use_reentrant=True).sum()
loss.backward()
loss_plain = block(x, w_plain).sum()
loss_plain.backward()
print("same gradients:", torch.allclose(w.grad, w_plain.grad))
print("w.grad =", w.grad)
