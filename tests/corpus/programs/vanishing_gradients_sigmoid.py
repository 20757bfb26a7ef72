# Blog post on vanishing gradients: a deep sigmoid network's gradient norm per layer
import torch
import torch.nn as nn

torch.manual_seed(0)
layers = []
for i in range(8):
    layers += [nn.Linear(6, 6), nn.Sigmoid()]
deep = nn.Sequential(*layers, nn.Linear(6, 1))
x = torch.randn(10, 6)
loss = deep(x).pow(2).mean()
loss.backward()
for name, p in deep.named_parameters():
    if name.endswith('weight'):
        print(f"{name:10s} grad norm {p.grad.norm().item():.2e}")
