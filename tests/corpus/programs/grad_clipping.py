# Blog post on gradient clipping: clip_grad_norm_ and clip_grad_value_
import torch
import torch.nn as nn

model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1))
x = torch.randn(16, 4) * 10
y = torch.randn(16, 1)
loss = nn.functional.mse_loss(model(x), y)
loss.backward()
total_norm = nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
print(round(total_norm.item(), 4))
after = torch.sqrt(sum(p.grad.norm() ** 2 for p in model.parameters()))
print(round(after.item(), 4))
nn.utils.clip_grad_value_(model.parameters(), clip_value=0.05)
print(max(p.grad.abs().max().item() for p in model.parameters()))
print(model[2].weight.grad)
