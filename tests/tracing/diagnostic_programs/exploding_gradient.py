# exploding_gradient: one layer applied 10 times with weights that are too large.
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
