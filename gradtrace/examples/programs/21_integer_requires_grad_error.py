# mypy: ignore-errors
"""Title: Integer tensors cannot require grad
Topic: Turning tracking off

Gradients need a continuous value to nudge, so only floating-point (and complex) tensors can
require grad. Converting counts to float first works; asking for requires_grad on the int64
tensor fails on purpose with "Only Tensors of floating point and complex dtype can require
gradients".
"""

import torch

counts = torch.tensor([1, 2, 3])
scores = counts.float().requires_grad_()
print("float copy requires grad:", scores.requires_grad)
bad = torch.tensor([1, 2, 3], requires_grad=True)
