# Blog post on VAEs: analytic KL with torch.distributions.kl_divergence vs the closed form
import torch
from torch.distributions import Normal, kl_divergence, Independent, Categorical, OneHotCategorical

torch.manual_seed(0)
mu = torch.zeros(3, requires_grad=True)
log_var = torch.zeros(3, requires_grad=True)
q = Normal(mu + 0.5, torch.exp(0.5 * log_var))
p = Normal(torch.zeros(3), torch.ones(3))
kl = kl_divergence(q, p).sum()
closed = -0.5 * torch.sum(1 + log_var - (mu + 0.5).pow(2) - log_var.exp())
print(torch.allclose(kl, closed), f"{kl.item():.4f}")
z = q.rsample((4,))
print(z.shape, z.requires_grad, q.sample().requires_grad)
(kl + z.pow(2).mean()).backward()
print(mu.grad, log_var.grad)

qi = Independent(Normal(torch.zeros(2, 3), torch.ones(2, 3)), 1)
print(qi.batch_shape, qi.event_shape, qi.log_prob(torch.zeros(2, 3)))
logits = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
cat = Categorical(logits=logits)
print(cat.probs, cat.entropy())
cat.log_prob(torch.tensor(2)).backward()
print(logits.grad)
print(OneHotCategorical(probs=torch.tensor([0.2, 0.8])).sample().shape)
