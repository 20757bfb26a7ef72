# Old blog post (PyTorch 0.3 era): torch.autograd.Variable, .data and .type(...)
import torch
from torch.autograd import Variable

x = Variable(torch.ones(2, 2), requires_grad=True)
y = x + 2
z = y * y * 3
out = z.mean()
out.backward()
print(x.grad)
print(x.data)

g = torch.randn(3)
zeros = Variable(torch.zeros(1)).type(type(g.data))
print(zeros, zeros.type())
h = torch.ones(2).type(torch.DoubleTensor)
print(h.dtype, h.type())
