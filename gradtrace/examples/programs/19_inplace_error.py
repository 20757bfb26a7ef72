# mypy: ignore-errors
"""Title: An in-place change to a saved tensor
Topic: Turning tracking off

sigmoid saves its output for the backward pass, because its derivative is s(1 - s) for
s = sigmoid(a). Changing that output in place with mul_ bumps its version counter, and
backward() notices: it fails on purpose with "one of the variables needed for gradient
computation has been modified by an inplace operation". Write b = b * 2 instead, or
clone() before changing it.
"""

import torch

a = torch.tensor([1.0, -2.0], requires_grad=True)
b = a.sigmoid()
b.mul_(2)
loss = b.sum()
loss.backward()
