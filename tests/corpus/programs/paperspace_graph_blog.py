# Blog post "PyTorch 101: Understanding Graphs, Automatic Differentiation and Autograd" (Paperspace)
import torch

a = torch.randn((3, 3), requires_grad=True)
w1 = torch.randn((3, 3), requires_grad=True)
w2 = torch.randn((3, 3), requires_grad=True)
w3 = torch.randn((3, 3), requires_grad=True)
w4 = torch.randn((3, 3), requires_grad=True)

b = w1 * a
c = w2 * a
d = w3 * b + w4 * c
L = (10 - d).sum()
L.backward()

print(a.is_leaf, d.is_leaf, d.requires_grad)
print("The grad fn for a is", a.grad_fn)
print("The grad fn for d is", d.grad_fn.name())
print(w1.grad)
print(torch.allclose(w3.grad, -b.detach()))

d2 = w3 * (w1 * a) + w4 * (w2 * a)
d2.backward(torch.ones(3, 3))
print(a.grad)
