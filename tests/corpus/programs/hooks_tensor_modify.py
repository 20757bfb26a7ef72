# Blog post "Understanding PyTorch hooks": tensor.register_hook to print and modify gradients
import torch

x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = x * x


def print_grad(grad):
    print("gradient arriving at y:", grad)


def double_grad(grad):
    return grad * 2


h1 = y.register_hook(print_grad)
h2 = y.register_hook(double_grad)
z = y.sum()
z.backward()
print(x.grad)
h2.remove()
x.grad = None
(x * x).sum().backward()
print(x.grad)
