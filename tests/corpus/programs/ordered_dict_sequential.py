# PyTorch docs nn.Sequential with an OrderedDict of named layers
from collections import OrderedDict

import torch
import torch.nn as nn

model = nn.Sequential(OrderedDict([
    ('conv1', nn.Conv2d(1, 2, 3)),
    ('relu1', nn.ReLU()),
    ('flat', nn.Flatten()),
    ('fc', nn.Linear(2 * 3 * 3, 2)),
]))
print(model)
x = torch.randn(1, 1, 5, 5)
out = model(x)
out.sum().backward()
print(model.conv1.weight.grad.shape, model.fc.bias.grad)
for name, p in model.named_parameters():
    print(name, tuple(p.shape))
state = model.state_dict()
print(list(state.keys()))
