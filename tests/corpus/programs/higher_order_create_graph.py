# Blog post on higher-order derivatives: create_graph=True
import torch

x = torch.tensor(2.0, requires_grad=True)
y = x ** 3
dy_dx, = torch.autograd.grad(y, x, create_graph=True)
print(dy_dx)
d2y_dx2, = torch.autograd.grad(dy_dx, x, create_graph=True)
print(d2y_dx2)
d3y_dx3, = torch.autograd.grad(d2y_dx2, x)
print(d3y_dx3)

z = torch.tensor([1.0, 2.0], requires_grad=True)
f = (z ** 2).sum() * z.prod()
f.backward(create_graph=True)
g = z.grad.clone()
z.grad = None
g.sum().backward()
print(g, z.grad)
