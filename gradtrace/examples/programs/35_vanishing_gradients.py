# mypy: ignore-errors
"""Title: Vanishing gradients through a deep sigmoid stack
Topic: Why a gradient is None, NaN, tiny or huge

Each sigmoid multiplies the gradient by at most 0.25 on its way back, so after 12 of them
the first layer's gradient is a tiny fraction of the last layer's. The gradient-flow
chart shows the norms layer by layer, and the Problems panel flags the layers that barely
learn.
"""

import torch
import torch.nn as nn

torch.manual_seed(0)
layers = []
for _ in range(12):
    layers += [nn.Linear(8, 8), nn.Sigmoid()]
model = nn.Sequential(*layers, nn.Linear(8, 1))
loss = model(torch.randn(16, 8)).pow(2).mean()
loss.backward()
print(model[0].weight.grad.norm(), model[-1].weight.grad.norm())
