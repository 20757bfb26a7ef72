# Forum FAQ: "view size is not compatible with input tensor's size and stride" after a transpose
import torch

x = torch.randn(2, 3, requires_grad=True)
y = x.t()
print(y.is_contiguous(), y.stride())
z = y.reshape(6)
print(z.shape)
w = y.contiguous().view(6)
w.sum().backward()
print(x.grad)
bad = y.view(6)
