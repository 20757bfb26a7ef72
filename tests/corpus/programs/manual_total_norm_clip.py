# Classic blog snippet: compute the total gradient norm by hand (p.grad.data.norm(2)) before clipping
import math
import torch
import torch.nn as nn

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(5, 5), nn.ReLU(), nn.Linear(5, 2))
out = model(torch.randn(3, 5) * 20)
loss = out.pow(2).mean()
loss.backward()
total_norm = 0
for p in model.parameters():
    if p.grad is not None:
        param_norm = p.grad.data.norm(2)
        total_norm += param_norm.item() ** 2
total_norm = total_norm ** (1. / 2)
print(f"total norm {total_norm:.4f}")
max_norm = 1.0
clip_coef = max_norm / (total_norm + 1e-6)
if clip_coef < 1:
    for p in model.parameters():
        p.grad.data.mul_(clip_coef)
after = math.sqrt(sum(p.grad.norm().item() ** 2 for p in model.parameters()))
print(round(after, 4), math.isclose(after, 1.0, rel_tol=1e-4))
print(math.prod([2, 3]), math.inf > total_norm, float("inf"))
