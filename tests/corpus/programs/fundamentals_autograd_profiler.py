# PyTorch tutorial (Introduction to PyTorch series): The Fundamentals of Autograd (autograd profiler)
import torch

x = torch.randn(2, 3, requires_grad=True)
y = torch.rand(2, 3, requires_grad=True)
z = torch.ones(2, 3, requires_grad=True)

with torch.autograd.profiler.profile() as prf:
    for _ in range(5):
        z = (z / x) * y

names = {event.name for event in prf.function_events}
print('aten::div' in names, 'aten::mul' in names)
z.sum().backward()
print(x.grad.shape)
