# Blog post (mean teacher / EMA of weights): in-place updates of a shadow copy under no_grad
import torch
import torch.nn as nn

model = nn.Linear(3, 2)
ema = nn.Linear(3, 2)
ema.load_state_dict(model.state_dict())
for p in ema.parameters():
    p.requires_grad_(False)
opt = torch.optim.SGD(model.parameters(), lr=0.1)
decay = 0.9
x = torch.randn(4, 3)
for step in range(3):
    opt.zero_grad()
    model(x).pow(2).mean().backward()
    opt.step()
    with torch.no_grad():
        for ema_p, p in zip(ema.parameters(), model.parameters()):
            ema_p.mul_(decay).add_(p, alpha=1 - decay)
print(ema.weight)
print(model.weight.grad)
print(ema.weight.requires_grad, ema.weight.grad)
