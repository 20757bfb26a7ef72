# PyTorch docs torch.autograd.gradcheck on a small module converted with .double()
import torch
import torch.nn as nn
from torch.autograd import gradcheck

torch.manual_seed(0)
net = nn.Sequential(nn.Linear(3, 4), nn.Softplus(), nn.Linear(4, 2)).double()
inp = torch.randn(2, 3, dtype=torch.double, requires_grad=True)
print(gradcheck(net, (inp,), eps=1e-6, atol=1e-4))
print(next(net.parameters()).dtype)
net(inp).sum().backward()
print(inp.grad)
