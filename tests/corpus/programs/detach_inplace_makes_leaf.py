# Blog post on detach: detach_() turns a non-leaf into a leaf; requires_grad_(False) only on leaves
import torch

x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * 2
print(y.is_leaf, y.grad_fn.name())
z = y.detach()
print(z.is_leaf, z.requires_grad, z.grad_fn)
y.detach_()
print(y.is_leaf, y.requires_grad, y.grad_fn)
w = x * 3
try:
    w.requires_grad_(False)
except RuntimeError as err:
    print("RuntimeError:", err)
x2 = torch.tensor([1.0], requires_grad=True)
x2.requires_grad_(False)
print(x2.requires_grad, x2.is_leaf)
(w.sum() * 2).backward()
print(x.grad)
