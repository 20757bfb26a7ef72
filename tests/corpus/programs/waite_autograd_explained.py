# Video/blog "PyTorch Autograd Explained - In-depth Tutorial" (Elliot Waite): leaves, grad_fn, accumulation
import torch

a = torch.tensor(2.0, requires_grad=True)
b = torch.tensor(3.0)
c = a * b
print(c.requires_grad, c.is_leaf, c.grad_fn.name())
d = torch.tensor(4.0, requires_grad=True)
e = c * d
e.backward(retain_graph=True)
print(a.grad, d.grad)
e.backward()
print(a.grad, d.grad)
c2 = a * b
c2 = c2.detach()
f = c2 * d
f.backward()
print(a.grad, d.grad)
g = a.detach().requires_grad_()
print(g.is_leaf, g.grad)
