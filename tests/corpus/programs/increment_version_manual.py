# PyTorch docs torch.autograd.graph.increment_version: telling autograd about a change it cannot see
import torch

x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = x.sigmoid()
z = (y * 2).sum()
print(y._version)
with torch.no_grad():
    y.data.mul_(1.0)
print(y._version)
torch.autograd.graph.increment_version(y)
print(y._version)
try:
    y.sum().backward(retain_graph=True)
    print("sum ok", x.grad)
    z2 = (y.exp()).sum()
    z2.backward()
except RuntimeError as err:
    print("RuntimeError:", err)
