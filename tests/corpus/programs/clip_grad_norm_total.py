# Blog post on gradient clipping: total norm returned by clip_grad_norm_, per-parameter norms, foreach
import torch
import torch.nn as nn

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(4, 16), nn.Tanh(), nn.Linear(16, 1))
x = torch.randn(8, 4) * 50
y = torch.randn(8, 1)
loss = nn.MSELoss()(model(x), y)
loss.backward()

before = {name: p.grad.norm().item() for name, p in model.named_parameters()}
total = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0, norm_type=2.0)
after = {name: p.grad.norm().item() for name, p in model.named_parameters()}
for name in before:
    print(f"{name:10s} {before[name]:10.4f} -> {after[name]:.4f}")
print(f"total norm before clipping: {total:.4f}")
clipped = torch.norm(torch.stack([p.grad.norm(2) for p in model.parameters()]), 2)
print(round(clipped.item(), 4))

torch.nn.utils.clip_grad_value_(model.parameters(), clip_value=0.05)
print(max(p.grad.abs().max().item() for p in model.parameters()))
inf_norm = torch.nn.utils.clip_grad_norm_(model.parameters(), 10.0, norm_type=float("inf"))
print(inf_norm)
