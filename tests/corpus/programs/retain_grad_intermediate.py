# Blog post: getting the gradient of an intermediate tensor with retain_grad()
import torch

x = torch.ones(2, 2, requires_grad=True)
y = x + 2
y.retain_grad()
z = y * y * 3
z.retain_grad()
out = z.mean()
out.backward()
print(out)
print(x.grad)
print(y.grad)
print(z.grad)
print(y.retains_grad, z.is_leaf)
