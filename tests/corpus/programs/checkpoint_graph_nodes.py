# Blog post on activation checkpointing: what the graph looks like with and without it
import torch
from torch.utils.checkpoint import checkpoint


def block(x, w):
    return torch.tanh(x @ w).relu()


w = torch.randn(4, 4, requires_grad=True)
x = torch.randn(2, 4, requires_grad=True)
plain = block(x, w).sum()
print(plain.grad_fn.next_functions[0][0].name())
ckpt = checkpoint(block, x, w, use_reentrant=False).sum()
print(ckpt.grad_fn.next_functions[0][0].name())
old = checkpoint(block, x, w, use_reentrant=True).sum()
print(old.grad_fn.next_functions[0][0].name())
g_plain = torch.autograd.grad(plain, w)[0]
g_ckpt = torch.autograd.grad(ckpt, w)[0]
print(torch.allclose(g_plain, g_ckpt))
old.backward()
print(torch.allclose(w.grad, g_plain))
