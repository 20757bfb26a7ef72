# Blog post on autograd internals: _version counters and "modified by an inplace operation"
import torch

a = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
b = a.sigmoid()
print(b._version, b.grad_fn.name())
c = b * 3
c.sum().backward(retain_graph=True)
print(a.grad)
b.add_(1)  # in-place write
print(b._version, c._version)
c.sum().backward()
