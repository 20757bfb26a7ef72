# Old (PyTorch 0.3) inference code: Variable(x, volatile=True), .data[0] style, as old blog posts wrote it
import torch
from torch.autograd import Variable

torch.manual_seed(0)
model = torch.nn.Linear(3, 2)
x = Variable(torch.randn(4, 3), volatile=True)
out = model(x)
print(out.requires_grad, x.requires_grad)
x2 = Variable(torch.randn(4, 3), requires_grad=True)
loss = model(x2).sum()
loss.backward()
print(loss.data, x2.grad.data.shape, loss.data.item())
