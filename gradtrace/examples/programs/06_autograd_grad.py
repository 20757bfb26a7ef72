# mypy: ignore-errors
"""Title: torch.autograd.grad returns the gradient instead of storing it
Topic: Vector-Jacobian products (the `gradient` argument)

torch.autograd.grad(outputs, inputs, grad_outputs) computes the same vector-Jacobian product as
y.backward(v) but hands it back as a tuple, only for the inputs you ask about. Here it returns
[300, 0.3] for x, and neither x.grad nor w.grad is touched: both stay None, although w is a leaf
of the same graph.
"""

import torch

x = torch.tensor([1.0, 2.0], requires_grad=True)
w = torch.tensor([0.5, -1.0], requires_grad=True)
y = x * 3 + w
v = torch.tensor([100.0, 0.1])
(gx,) = torch.autograd.grad(y, x, grad_outputs=v)
print("returned:", gx)
print("x.grad:", x.grad, "| w.grad:", w.grad)
