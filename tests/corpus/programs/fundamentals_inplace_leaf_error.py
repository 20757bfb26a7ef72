# PyTorch tutorial (Introduction to PyTorch series): The Fundamentals of Autograd (in-place ops on a leaf)
import torch
import math

a = torch.linspace(0., 2. * math.pi, steps=25, requires_grad=True)
b = torch.sin(a)
print(b.shape)
torch.sin_(a)
