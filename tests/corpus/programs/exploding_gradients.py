# Blog post on exploding gradients: large initial weights in a deep linear stack, then clipping
import torch
import torch.nn as nn

torch.manual_seed(0)
net = nn.Sequential(*[nn.Linear(5, 5, bias=False) for _ in range(6)])
for layer in net:
    nn.init.normal_(layer.weight, std=2.0)
x = torch.randn(3, 5)
out = net(x).sum()
out.backward()
norms = [layer.weight.grad.norm().item() for layer in net]
print([f"{n:.1e}" for n in norms])
print(norms[0] > norms[-1])
clipped = nn.utils.clip_grad_norm_(net.parameters(), 5.0)
print(f"{clipped.item():.3e}", round(sum(l.weight.grad.norm() ** 2 for l in net).sqrt().item(), 3))
