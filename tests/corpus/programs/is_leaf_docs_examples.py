# PyTorch docs Tensor.is_leaf: which tensors are leaves (the docs' examples, on CPU)
import torch

a = torch.rand(10, requires_grad=True)
print(a.is_leaf)
b = torch.rand(10, requires_grad=True).to(torch.float64)
print(b.is_leaf)
c = torch.rand(10, requires_grad=True) + 2
print(c.is_leaf)
d = torch.rand(10).to(torch.float64)
print(d.is_leaf, d.requires_grad)
e = torch.rand(10).to(torch.float64).requires_grad_()
print(e.is_leaf)
f = torch.rand(10, requires_grad=True, dtype=torch.float64)
print(f.is_leaf)

total = (a.sum() + b.sum() + c.sum() + e.sum() + f.sum())
total.backward()
print(a.grad is not None, b.grad, e.grad is not None, f.grad is not None)
