# PyTorch tutorial: Hooks for autograd saved tensors (save_on_cpu and a counting pack hook)
import torch
import torch.nn as nn
from torch.autograd.graph import save_on_cpu, saved_tensors_hooks

model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1))
x = torch.randn(3, 4)
with save_on_cpu(pin_memory=False):
    loss = model(x).sum()
loss.backward()
print(model[0].weight.grad.sum())

sizes = []


def pack(t):
    sizes.append(t.numel())
    return t


def unpack(t):
    return t


with saved_tensors_hooks(pack, unpack):
    loss2 = model(x).pow(2).sum()
print(sorted(sizes))
loss2.backward()
print(model[2].bias.grad)
