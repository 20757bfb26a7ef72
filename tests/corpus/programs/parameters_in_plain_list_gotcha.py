# Forum FAQ: parameters stored in a plain Python list are not registered (use nn.ModuleList / ParameterList)
import torch
import torch.nn as nn


class Broken(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = [nn.Linear(2, 2) for _ in range(2)]
        self.scales = [nn.Parameter(torch.ones(2))]

    def forward(self, x):
        for layer in self.layers:
            x = layer(x) * self.scales[0]
        return x


class Fixed(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(2)])
        self.scales = nn.ParameterList([nn.Parameter(torch.ones(2))])

    def forward(self, x):
        for layer in self.layers:
            x = layer(x) * self.scales[0]
        return x


torch.manual_seed(0)
broken, fixed = Broken(), Fixed()
print(len(list(broken.parameters())), len(list(fixed.parameters())))
params = fixed.parameters()
print(len(list(params)), len(list(params)))
x = torch.randn(3, 2)
broken(x).sum().backward()
fixed(x).sum().backward()
print(broken.layers[0].weight.grad is not None, fixed.scales[0].grad)
opt = torch.optim.SGD(fixed.parameters(), lr=0.1)
opt.zero_grad()
print(fixed.scales[0].grad)
