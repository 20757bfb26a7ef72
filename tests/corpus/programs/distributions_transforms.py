# PyTorch docs torch.distributions: TransformedDistribution, Independent, Beta/Gamma rsample, constraints
import torch
import torch.distributions as D
from torch.distributions import constraints, transforms

loc = torch.zeros(2, requires_grad=True)
scale = torch.ones(2, requires_grad=True)
base = D.Independent(D.Normal(loc, scale), 1)
flow = D.TransformedDistribution(base, [transforms.AffineTransform(1.0, 2.0), transforms.SigmoidTransform()])
x = flow.rsample((3,))
lp = flow.log_prob(x.detach()).sum()
lp.backward()
print(x.shape, base.event_shape, base.batch_shape)
print(loc.grad, scale.grad)
alpha = torch.tensor([2.0], requires_grad=True)
beta = D.Beta(alpha, torch.tensor([3.0]))
sample = beta.rsample((4,))
sample.mean().backward()
print(alpha.grad is not None, beta.mean)
print(constraints.positive.check(torch.tensor([1.0, -1.0])))
print(D.Gamma(torch.tensor([2.0]), torch.tensor([1.0])).has_rsample)
