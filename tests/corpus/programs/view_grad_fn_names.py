# Blog post on views and autograd: the grad_fn of views, ._base, and CopySlices after in-place writes
import torch

x = torch.arange(6.0, requires_grad=True)
y = x * 1
v = y.view(2, 3)
print(v.grad_fn.name(), v._base is y, y._base is None)
t = v.t()
print(t.grad_fn.name(), t._base is y)
s = v[1]
print(s.grad_fn.name())
sl = v[:, 1:]
print(sl.grad_fn.name())
e = y[:2].unsqueeze(0).expand(3, 2)
print(e.grad_fn.name())
r = v.reshape(3, 2)
print(r.grad_fn.name())
r2 = t.reshape(6)
print(r2.grad_fn.name(), r2._base is None)

s.mul_(10)
print(s.grad_fn.name(), y.grad_fn.name(), v.grad_fn.name())
(y * torch.arange(6.0)).sum().backward()
print(x.grad)
