# Forum FAQ: backward(gradient) with a gradient of the wrong shape
import torch

x = torch.randn(3, requires_grad=True)
y = x * 2
y.backward(torch.ones(3), retain_graph=True)
print(x.grad)
y.backward(torch.ones(2))
