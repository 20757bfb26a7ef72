# Paper "A Simple Framework for Contrastive Learning" (SimCLR NT-Xent loss) as blog posts write it
import torch
import torch.nn.functional as F

torch.manual_seed(0)
z_i = torch.randn(4, 3, requires_grad=True)
z_j = torch.randn(4, 3, requires_grad=True)
temperature = 0.5
z = F.normalize(torch.cat([z_i, z_j], dim=0), dim=1)
sim = z @ z.T / temperature
n = z_i.shape[0]
mask = torch.eye(2 * n, dtype=torch.bool)
sim = sim.masked_fill(mask, -1e9)
targets = torch.cat([torch.arange(n, 2 * n), torch.arange(0, n)])
loss = F.cross_entropy(sim, targets)
loss.backward()
print(round(loss.item(), 5))
print(z_i.grad)
print(F.cosine_similarity(z_i, z_j).detach())
