# Paper "Proximal Policy Optimization" as blog posts write the clipped surrogate with a Normal policy
import torch
import torch.nn as nn
from torch.distributions import Normal

torch.manual_seed(0)
actor = nn.Sequential(nn.Linear(3, 16), nn.Tanh(), nn.Linear(16, 1))
log_std = nn.Parameter(torch.zeros(1))
states = torch.randn(6, 3)
with torch.no_grad():
    old_dist = Normal(actor(states), log_std.exp())
    actions = old_dist.sample()
    old_log_probs = old_dist.log_prob(actions).sum(-1)
advantages = torch.randn(6)
clip_eps = 0.2
dist = Normal(actor(states), log_std.exp())
log_probs = dist.log_prob(actions).sum(-1)
ratio = torch.exp(log_probs - old_log_probs)
surr1 = ratio * advantages
surr2 = torch.clamp(ratio, 1 - clip_eps, 1 + clip_eps) * advantages
loss = -torch.min(surr1, surr2).mean() - 0.01 * dist.entropy().mean()
loss.backward()
print(round(loss.item(), 6), log_std.grad)
print(actor[0].weight.grad.shape)
