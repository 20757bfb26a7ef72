# PyTorch docs nn.utils.parametrizations.orthogonal / spectral_norm
import torch
import torch.nn as nn
from torch.nn.utils.parametrizations import orthogonal, spectral_norm

orth_linear = orthogonal(nn.Linear(4, 4))
Q = orth_linear.weight
print(torch.dist(Q.T @ Q, torch.eye(4)) < 1e-5)
loss = orth_linear(torch.randn(2, 4)).pow(2).sum()
loss.backward()
print(orth_linear.parametrizations.weight.original.grad.shape)

snm = spectral_norm(nn.Linear(5, 3))
print(torch.linalg.matrix_norm(snm.weight, 2) <= 1.01)
