# PyTorch docs Tensor.backward(create_graph=True): the leaf's .grad gets a grad_fn (and a warning)
import torch

x = torch.tensor([1.0, 2.0], requires_grad=True)
y = (x ** 3).sum()
y.backward(create_graph=True)
print(x.grad, x.grad.requires_grad)
print(x.grad.grad_fn.name())
g = x.grad.clone()
x.grad = None
g.sum().backward()
print(x.grad)
