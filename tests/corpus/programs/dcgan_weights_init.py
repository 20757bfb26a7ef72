# PyTorch DCGAN tutorial: weights_init dispatching on m.__class__.__name__
import torch
import torch.nn as nn


def weights_init(m):
    classname = m.__class__.__name__
    if classname.find('Conv') != -1:
        nn.init.normal_(m.weight.data, 0.0, 0.02)
    elif classname.find('BatchNorm') != -1:
        nn.init.normal_(m.weight.data, 1.0, 0.02)
        nn.init.constant_(m.bias.data, 0)


netD = nn.Sequential(
    nn.Conv2d(1, 4, 3, 2, 1, bias=False),
    nn.BatchNorm2d(4),
    nn.LeakyReLU(0.2, inplace=True),
    nn.Conv2d(4, 1, 4, 1, 0, bias=False),
    nn.Sigmoid(),
)
netD.apply(weights_init)
print(netD)
x = torch.randn(2, 1, 8, 8)
out = netD(x).view(-1)
out.sum().backward()
print(out.shape, netD[1].bias.grad)
print(round(netD[0].weight.std().item(), 4))
