# PyTorch docs nn.ModuleDict / nn.ModuleList / nn.ParameterList / nn.ParameterDict
import torch
import torch.nn as nn


class MultiHead(nn.Module):
    def __init__(self):
        super().__init__()
        self.trunk = nn.ModuleList([nn.Linear(3, 3) for _ in range(2)])
        self.heads = nn.ModuleDict({'cls': nn.Linear(3, 2), 'reg': nn.Linear(3, 1)})
        self.scales = nn.ParameterList([nn.Parameter(torch.ones(1)) for _ in range(2)])
        self.extra = nn.ParameterDict({'shift': nn.Parameter(torch.zeros(1))})

    def forward(self, x, head):
        for layer, s in zip(self.trunk, self.scales):
            x = torch.relu(layer(x)) * s
        return self.heads[head](x) + self.extra['shift']


net = MultiHead()
x = torch.randn(4, 3)
loss = net(x, 'cls').pow(2).mean() + net(x, 'reg').abs().mean()
loss.backward()
for name, child in net.named_children():
    print(name, type(child).__name__)
print(len(list(net.modules())), sum(p.numel() for p in net.parameters()))
print(net.scales[1].grad, net.extra['shift'].grad)
print(nn.functional.one_hot(torch.tensor([0, 2]), num_classes=3))
