# Forum FAQ: second derivative without create_graph=True ("does not require grad and does not have a grad_fn")
import torch

x = torch.tensor(3.0, requires_grad=True)
y = x ** 3
(dy,) = torch.autograd.grad(y, x, create_graph=True)
(d2y,) = torch.autograd.grad(dy, x)
print(dy.item(), d2y.item())
y = x ** 3
(dy,) = torch.autograd.grad(y, x)
print(dy.requires_grad)
(d2y,) = torch.autograd.grad(dy, x)
