# mypy: ignore-errors
"""Title: Exploding gradients: one layer applied 10 times
Topic: Why a gradient is None, NaN, tiny or huge

The same Linear layer is applied 10 times with weights drawn too large, so each step
stretches the state and its gradient: cell.weight.grad ends far larger than the weights
themselves. The gradient-flow chart and the Problems panel flag it.
"""

import torch
import torch.nn as nn

torch.manual_seed(0)
cell = nn.Linear(8, 8)
nn.init.normal_(cell.weight, std=1.0)  # each step multiplies the state by about 2.8
h = torch.randn(1, 8)
for _ in range(10):
    h = cell(h)
loss = h.pow(2).mean()
loss.backward()
print(cell.weight.grad.norm(), cell.weight.norm())
