# mypy: ignore-errors
"""Title: A layer that gets no gradient (unused parameter)
Topic: Why a gradient is None, NaN, tiny or huge

The auxiliary head runs in the forward pass, but the loss never uses its output, so its
weight and bias get no gradient: the question behind DistributedDataParallel's
find_unused_parameters. The Problems panel lists aux.weight and aux.bias.
"""

import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Linear(4, 4)
        self.aux = nn.Linear(4, 2)  # an auxiliary head
        self.out = nn.Linear(4, 1)

    def forward(self, x):
        h = torch.relu(self.body(x))
        self.aux_logits = self.aux(h)  # computed, then left out of the loss
        return self.out(h)


torch.manual_seed(0)
net = Net()
loss = net(torch.randn(8, 4)).pow(2).mean()
loss.backward()
print(net.aux.weight.grad)  # None: DDP would need find_unused_parameters=True
