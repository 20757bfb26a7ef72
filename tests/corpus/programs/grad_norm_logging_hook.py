# Blog post: logging gradient norms per step with parameter hooks during training
import torch
import torch.nn as nn

model = nn.Sequential(nn.Linear(4, 4), nn.ReLU(), nn.Linear(4, 1))
log = {}
for name, p in model.named_parameters():
    p.register_hook(lambda g, name=name: log.setdefault(name, []).append(round(g.norm().item(), 4)))
opt = torch.optim.SGD(model.parameters(), lr=0.05)
x, y = torch.randn(8, 4), torch.randn(8, 1)
for step in range(3):
    opt.zero_grad()
    nn.functional.mse_loss(model(x), y).backward()
    opt.step()
for name, norms in log.items():
    print(name, norms)
