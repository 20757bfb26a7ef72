# Paper "Weight Normalization" as the PyTorch docs show it (nn.utils.parametrizations.weight_norm)
import torch
import torch.nn as nn
from torch.nn.utils.parametrizations import weight_norm

m = weight_norm(nn.Linear(4, 3), name='weight')
print(m.parametrizations.weight.original0.shape)
print(m.parametrizations.weight.original1.shape)
x = torch.randn(2, 4)
loss = m(x).sum()
loss.backward()
print(m.parametrizations.weight.original0.grad)
g = m.parametrizations.weight.original0
v = m.parametrizations.weight.original1
print(torch.allclose(m.weight, g * v / v.norm(dim=1, keepdim=True)))
