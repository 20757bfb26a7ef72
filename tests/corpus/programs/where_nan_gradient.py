# Blog post on a classic gotcha: torch.where does not stop NaN gradients from the unused branch
import torch

x = torch.tensor([-1.0, 0.0, 4.0], requires_grad=True)
y = torch.where(x > 0, torch.sqrt(x), torch.zeros_like(x))
y.sum().backward()
print(y)
print(x.grad)

x2 = torch.tensor([-1.0, 0.0, 4.0], requires_grad=True)
safe = torch.where(x2 > 0, x2, torch.ones_like(x2))
y2 = torch.where(x2 > 0, torch.sqrt(safe), torch.zeros_like(x2))
y2.sum().backward()
print(x2.grad)
