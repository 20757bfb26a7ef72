# mypy: ignore-errors
"""Title: Hessian-vector product
Topic: create_graph and higher-order derivatives

The Hessian H of a loss is never built: take the gradient g with create_graph=True, dot it with
a vector r, and backpropagate that scalar. theta.grad then holds H r. For
L = θ₀²θ₁ + θ₁³ at θ = (1, 2), H = [[4, 2], [2, 12]] and r = (1, 0.5) gives H r = [5, 8].
"""

import torch

theta = torch.tensor([1.0, 2.0], requires_grad=True)
loss = theta[0] ** 2 * theta[1] + theta[1] ** 3
(g,) = torch.autograd.grad(loss, theta, create_graph=True)
r = torch.tensor([1.0, 0.5])
g_dot_r = (g * r).sum()
g_dot_r.backward()
print("gradient g =", g)
print("H r =", theta.grad)
