# PyTorch docs, Autograd mechanics (in-place operations with autograd): writing into views of a non-leaf
import torch

x = torch.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
y = x.clone()
y[0] = 10.0
y[1:3] *= 2
v = y.view(2, 2)
v[1].relu_()
z = y.exp()
loss = (z * y).sum()
loss.backward()
print(y)
print(x.grad)
print(y.grad_fn.name())
