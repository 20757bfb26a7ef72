# mypy: ignore-errors
"""Title: Gradient penalty on d output / d input
Topic: create_graph and higher-order derivatives

A WGAN-GP critic or an implicit neural representation puts a loss on the gradient of the
network's output with respect to its input. autograd.grad with create_graph=True returns that
gradient as part of the graph; the penalty (|∇x f| - 1)² is then backpropagated to the critic's
weights, through double-backward nodes such as the derivative of Tanh.
"""

import torch
import torch.nn as nn

critic = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 1))
points = torch.randn(4, 2, requires_grad=True)
scores = critic(points)
(grads,) = torch.autograd.grad(
    scores, points, grad_outputs=torch.ones_like(scores), create_graph=True
)
penalty = ((grads.norm(dim=1) - 1) ** 2).mean()
penalty.backward()
print("penalty =", penalty.item())
print("first layer weight grad norm =", critic[0].weight.grad.norm().item())
