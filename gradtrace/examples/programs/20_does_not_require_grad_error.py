# mypy: ignore-errors
"""Title: Backward when nothing requires grad
Topic: Turning tracking off

x was created without requires_grad=True, so nothing is recorded and y has no grad_fn: there is
no graph to walk. backward() fails on purpose with "element 0 of tensors does not require grad
and does not have a grad_fn". The graph panel stays empty for the same reason.
"""

import torch

x = torch.tensor([1.0, 2.0])
y = (x * 2).sum()
print("y.requires_grad:", y.requires_grad, "| y.grad_fn:", y.grad_fn)
y.backward()
