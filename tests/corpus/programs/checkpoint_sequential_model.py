# PyTorch docs torch.utils.checkpoint.checkpoint_sequential on an nn.Sequential
import torch
import torch.nn as nn
from torch.utils.checkpoint import checkpoint_sequential

model = nn.Sequential(
    nn.Linear(6, 6), nn.ReLU(), nn.Linear(6, 6), nn.ReLU(), nn.Linear(6, 2)
)
input_var = torch.randn(4, 6, requires_grad=True)
segments = 2
out = checkpoint_sequential(model, segments, input_var, use_reentrant=False)
out.pow(2).mean().backward()
print(out.shape)
print(model[4].bias.grad)
print(input_var.grad.abs().sum())
