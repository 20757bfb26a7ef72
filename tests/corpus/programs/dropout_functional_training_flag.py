# Forum FAQ: F.dropout(x, p, training=self.training) vs F.dropout(x) that forgets eval mode
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(6, 6)

    def forward(self, x, respect_mode=True):
        h = self.fc(x)
        if respect_mode:
            return F.dropout(h, p=0.5, training=self.training)
        return F.dropout(h, p=0.5)


torch.manual_seed(0)
net = Net()
x = torch.ones(2, 6)
net.eval()
a = net(x)
b = net(x, respect_mode=False)
print(torch.equal(a, net.fc(x)), torch.equal(b, net.fc(x)))
net.train()
out = net(x)
print((out == 0).sum().item() > 0, net.training)
out.sum().backward()
print(net.fc.weight.grad.shape)
