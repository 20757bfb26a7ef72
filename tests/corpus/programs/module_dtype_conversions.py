# PyTorch docs nn.Module.double()/to(dtype) and tensor dtype promotion in gradients
import torch
import torch.nn as nn

torch.manual_seed(0)
model = nn.Linear(3, 1).double()
print(model.weight.dtype)
x = torch.randn(2, 3, dtype=torch.float64, requires_grad=True)
model(x).sum().backward()
print(x.grad.dtype, model.weight.grad.dtype)
model.to(torch.float32)
print(next(model.parameters()).dtype, model.weight.grad.dtype)
a = torch.ones(2, requires_grad=True)
b = torch.ones(2, dtype=torch.float64, requires_grad=True)
c = (a * b).sum()
print(c.dtype)
c.backward()
print(a.grad.dtype, b.grad.dtype)
h = torch.ones(2, dtype=torch.float16, requires_grad=True)
(h.float() * 3).sum().backward()
print(h.grad, h.grad.dtype, torch.finfo(torch.float16).eps)
