# PyTorch docs: torch.Tensor.is_leaf examples
import torch

a = torch.rand(10, requires_grad=True)
print(a.is_leaf)
b = torch.rand(10, requires_grad=True).double()
print(b.is_leaf)  # b was created by the operation that cast a float tensor into a double tensor
c = torch.rand(10, requires_grad=True) + 2
print(c.is_leaf)
d = torch.rand(10)
print(d.is_leaf)
e = torch.rand(10).double().requires_grad_()
print(e.is_leaf)
f = torch.rand(10, requires_grad=True, dtype=torch.float64)
print(f.is_leaf)
(b.sum() + c.sum() + e.sum() + f.sum()).backward()
print(b.grad, e.grad is not None, f.grad.sum().item())
