# Blog post on activation checkpointing: checkpoint a function inside a model's forward
import torch
import torch.nn as nn
import torch.utils.checkpoint as cp


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(5, 5) for _ in range(3)])
        self.out = nn.Linear(5, 1)

    def forward(self, x):
        for layer in self.layers:
            x = cp.checkpoint(lambda t, l=layer: torch.tanh(l(t)), x, use_reentrant=False)
        return self.out(x)


net = Net()
x = torch.randn(2, 5)
y = net(x).sum()
y.backward()
for name, p in net.named_parameters():
    print(name, round(p.grad.norm().item(), 5))
