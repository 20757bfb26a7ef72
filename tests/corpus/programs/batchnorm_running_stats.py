# PyTorch docs nn.BatchNorm1d: running statistics and num_batches_tracked in train vs eval
import torch
import torch.nn as nn

bn = nn.BatchNorm1d(3, momentum=None)
print(bn.num_batches_tracked)
x = torch.randn(8, 3) * 2 + 1
for _ in range(3):
    y = bn(x)
print(bn.num_batches_tracked)
print(bn.running_mean)
print(bn.running_var)
y.pow(2).sum().backward()
print(bn.weight.grad.round(decimals=3), bn.bias.grad.abs().max().item() < 1e-4)
bn.eval()
z = bn(x)
print(z.mean(0).abs().max().item() < 1e-4)
print(list(dict(bn.named_buffers())))
