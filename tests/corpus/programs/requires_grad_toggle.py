# Blog post: requires_grad_() on an existing tensor, and requires_grad=False after the fact
import torch

x = torch.randn(3)
print(x.requires_grad)
x.requires_grad_()
print(x.requires_grad)
y = (x ** 2).sum()
y.backward()
print(torch.allclose(x.grad, 2 * x.detach()))
w = torch.ones(2, requires_grad=True)
w.requires_grad = False
z = w * 2
print(z.requires_grad)
