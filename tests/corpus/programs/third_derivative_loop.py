# Blog post on higher-order derivatives: repeated torch.autograd.grad with create_graph in a loop
import torch

x = torch.tensor(-2.0, requires_grad=True)
f = 2 * x ** 3
derivs = [f]
for order in range(1, 4):
    (d,) = torch.autograd.grad(derivs[-1], x, create_graph=True)
    derivs.append(d)
    print(f"d^{order}f/dx^{order} = {d.item():g}", d.grad_fn is not None)

y = torch.linspace(-1, 1, 5, requires_grad=True)
s = torch.sin(y)
ds = torch.autograd.grad(s.sum(), y, create_graph=True)[0]
d2s = torch.autograd.grad(ds.sum(), y)[0]
print(torch.allclose(ds, torch.cos(y)), torch.allclose(d2s, -torch.sin(y)))
