# PyTorch docs torch.distributions: log_prob, entropy, Bernoulli, MultivariateNormal
import torch
import torch.distributions as D

mu = torch.tensor([0.0, 1.0], requires_grad=True)
sigma = torch.tensor([1.0, 0.5], requires_grad=True)
normal = D.Normal(mu, sigma)
value = torch.tensor([0.5, 0.5])
lp = normal.log_prob(value).sum()
ent = normal.entropy().sum()
(lp + ent).backward()
print(lp, ent)
print(mu.grad, sigma.grad)
bern = D.Bernoulli(probs=torch.tensor([0.3, 0.9]))
print(bern.sample(), bern.log_prob(torch.tensor([1.0, 0.0])))
mvn = D.MultivariateNormal(torch.zeros(2), covariance_matrix=torch.eye(2))
print(mvn.log_prob(torch.zeros(2)))
print(D.Uniform(0.0, 2.0).rsample((3,)))
