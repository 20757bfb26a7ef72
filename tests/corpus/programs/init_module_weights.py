# PyTorch docs torch.nn.init / forum "how to initialize weights": model.apply(init_weights)
import torch
import torch.nn as nn


def init_weights(m):
    if isinstance(m, nn.Linear):
        torch.nn.init.xavier_uniform_(m.weight)
        m.bias.data.fill_(0.01)


net = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 2))
net.apply(init_weights)
print(net[0].bias)
with torch.no_grad():
    nn.init.constant_(net[1].weight, 0.5)
    net[1].weight[0, 0] = 2.0
out = net(torch.tensor([[1.0, -1.0]]))
out.sum().backward()
print(net[1].weight)
print(net[0].weight.grad)
