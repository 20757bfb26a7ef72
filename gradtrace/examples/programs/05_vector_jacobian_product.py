# mypy: ignore-errors
"""Title: y.backward(v) computes a vector-Jacobian product
Topic: Vector-Jacobian products (the `gradient` argument)

When y is not a scalar, backward() needs a vector v of y's shape to start from, and what it
computes is vᵀJ, the Jacobian of y weighted by v, without ever building J. With y = x * 3 the
Jacobian is 3 times the identity, so v = [100, 0.1] gives x.grad = [300, 0.3]. In the timeline
the first backward event shows v arriving at MulBackward0.
"""

import torch

x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * 3
v = torch.tensor([100.0, 0.1])
y.backward(v)
print("x.grad =", x.grad)
