# mypy: ignore-errors
"""Title: Why is .grad None? Detached, frozen, unused
Topic: Why a gradient is None, NaN, tiny or huge

Three tensors want a gradient and end with .grad None, each for its own reason: the
encoder is cut off from the loss by .detach(), the head's bias is frozen
(requires_grad=False), and temperature is never used. The Problems panel names each one and
the line behind it; plain PyTorch only prints None.
"""

import torch
import torch.nn as nn

torch.manual_seed(0)
encoder = nn.Linear(4, 3)
head = nn.Linear(3, 1)
head.bias.requires_grad_(False)  # frozen: requires_grad=False, so never a gradient
temperature = torch.ones(1, requires_grad=True)  # made, but nothing uses it
x = torch.randn(5, 4)
features = encoder(x).detach()  # .detach() cuts the encoder off from the loss
loss = head(features).pow(2).mean()
loss.backward()
print(encoder.weight.grad, head.bias.grad, temperature.grad)
