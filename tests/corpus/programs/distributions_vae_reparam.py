# Blog post on VAEs: the reparameterization trick with torch.distributions.Normal.rsample
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.distributions import Normal, kl_divergence


class VAE(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = nn.Linear(6, 4)
        self.mu = nn.Linear(4, 2)
        self.logvar = nn.Linear(4, 2)
        self.dec = nn.Linear(2, 6)

    def forward(self, x):
        h = F.relu(self.enc(x))
        mu, logvar = self.mu(h), self.logvar(h)
        std = torch.exp(0.5 * logvar)
        q = Normal(mu, std)
        z = q.rsample()
        return torch.sigmoid(self.dec(z)), q


model = VAE()
x = torch.rand(3, 6)
recon, q = model(x)
prior = Normal(torch.zeros(2), torch.ones(2))
bce = F.binary_cross_entropy(recon, x, reduction='sum')
kld = kl_divergence(q, prior).sum()
loss = bce + kld
loss.backward()
print(round(bce.item(), 4), round(kld.item(), 4))
print(model.mu.weight.grad.shape, model.logvar.bias.grad)
