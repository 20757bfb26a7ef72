# PyTorch docs, Autograd mechanics: retain_grad and hooks on a tensor modified in place through a view
import torch

x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = x * 2
y.retain_grad()
y[0:2].mul_(5)
print(y.grad_fn.name())
z = (y ** 2).sum()
z.backward()
print(y.grad)
print(x.grad)
