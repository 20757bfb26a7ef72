# Forum FAQ: a tensor hook that returns a gradient of another shape
import torch

x = torch.randn(3, requires_grad=True)
y = x * 2


def grow(grad):
    return torch.cat([grad, grad])


y.register_hook(grow)
y.sum().backward()
