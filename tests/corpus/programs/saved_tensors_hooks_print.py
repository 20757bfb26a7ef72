# PyTorch tutorial: Hooks for autograd saved tensors (pack and unpack hooks that print)
import torch


def pack_hook(x):
    print("Packing", tuple(x.shape))
    return x


def unpack_hook(x):
    print("Unpacking", tuple(x.shape))
    return x


a = torch.ones(5, requires_grad=True)
b = torch.ones(5, requires_grad=True) * 2
with torch.autograd.graph.saved_tensors_hooks(pack_hook, unpack_hook):
    y = a * b
y.sum().backward()
print(a.grad)
