# Paper "Axiomatic Attribution for Deep Networks" (integrated gradients) as blog posts implement it
import torch
import torch.nn as nn

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(4, 6), nn.Sigmoid(), nn.Linear(6, 1))
x = torch.tensor([[1.0, -0.5, 2.0, 0.3]])
baseline = torch.zeros_like(x)
steps = 16
alphas = torch.linspace(0, 1, steps).unsqueeze(1)
scaled = baseline + alphas * (x - baseline)
scaled.requires_grad_(True)
out = model(scaled).sum()
grads, = torch.autograd.grad(out, scaled)
avg_grads = (grads[:-1] + grads[1:]).mean(dim=0) / 2
attributions = (x - baseline) * avg_grads
print(attributions)
print(round(attributions.sum().item(), 4), round((model(x) - model(baseline)).item(), 4))
