# PyTorch tutorial: Hooks for autograd saved tensors (store saved activations in bfloat16)
import torch
import torch.nn as nn


def pack_bf16(tensor):
    return tensor.dtype, tensor.to(torch.bfloat16)


def unpack_bf16(packed):
    dtype, tensor = packed
    return tensor.to(dtype)


model = nn.Sequential(nn.Linear(4, 6), nn.Tanh(), nn.Linear(6, 1))
x = torch.randn(3, 4)
with torch.autograd.graph.saved_tensors_hooks(pack_bf16, unpack_bf16):
    loss = model(x).pow(2).mean()
loss.backward()
approx = [p.grad.clone() for p in model.parameters()]
model.zero_grad()
model(x).pow(2).mean().backward()
exact = [p.grad for p in model.parameters()]
print(all(torch.allclose(a, e, atol=5e-2) for a, e in zip(approx, exact)))
print(approx[2].shape)
