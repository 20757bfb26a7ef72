# mypy: ignore-errors
"""Title: The reparameterization trick: rsample() has a gradient
Topic: Beyond backward(): forward mode, torch.func, checkpointing

A sample drawn with sample() is a constant to autograd. rsample() draws z = mu + sigma * eps
with eps from a standard normal, so z is a differentiable function of mu and sigma: the graph
shows the multiplication and the addition. The loss z² gives mu.grad = 2z and
sigma.grad = 2z * eps, which is how a VAE's encoder learns through its random latent code.
"""

import torch
from torch.distributions import Normal

torch.manual_seed(0)
mu = torch.tensor([0.5, -1.0], requires_grad=True)
sigma = torch.tensor([1.0, 0.3], requires_grad=True)
dist = Normal(mu, sigma)
z = dist.rsample()
loss = (z**2).sum()
loss.backward()
eps = (z - mu) / sigma
print("z =", z)
print("mu.grad =", mu.grad, "= 2z:", torch.allclose(mu.grad, 2 * z))
print("sigma.grad =", sigma.grad, "= 2z*eps:", torch.allclose(sigma.grad, 2 * z * eps))
