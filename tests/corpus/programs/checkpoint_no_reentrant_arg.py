# Blog post (older style) on gradient checkpointing: checkpoint(block, x) without use_reentrant
import torch
import torch.nn as nn
from torch.utils.checkpoint import checkpoint

block = nn.Sequential(nn.Linear(4, 4), nn.ReLU(), nn.Linear(4, 4))
x = torch.randn(2, 4, requires_grad=True)
y = checkpoint(block, x)
y.sum().backward()
print(x.grad)
