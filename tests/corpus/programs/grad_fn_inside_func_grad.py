# Blog post comparing torch.func and autograd: inside torch.func.grad the graph is still built
import torch
from torch.func import grad


def f(x):
    y = x.sin() * x
    print("inside:", y.requires_grad, y.grad_fn is not None)
    return y.sum()


x = torch.tensor([0.5, 1.0])
g = grad(f)(x)
print(g)
print(torch.allclose(g, x.cos() * x + x.sin()))
xr = x.clone().requires_grad_()
out = f(xr)
print(out.grad_fn.name())
out.backward()
print(torch.allclose(xr.grad, g))
