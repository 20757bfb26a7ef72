# Blog post on CNN shapes: conv/pool output sizes and a gradient check on a tiny input
import torch
import torch.nn as nn
import torch.nn.functional as F

conv = nn.Conv2d(2, 3, kernel_size=3, stride=2, padding=1)
x = torch.randn(1, 2, 7, 7, requires_grad=True)
y = conv(x)
print(y.shape)
p = F.max_pool2d(y, 2)
print(p.shape)
u = F.interpolate(p, scale_factor=2, mode='nearest')
print(u.shape)
u.sum().backward()
print(x.grad.shape, round(x.grad.abs().sum().item(), 4))
t = nn.ConvTranspose2d(3, 1, 2, stride=2)
print(t(y).shape)
