# PyTorch docs torch.autograd.gradcheck / gradgradcheck on a custom Function in double precision
import torch
from torch.autograd import gradcheck, gradgradcheck


class Cube(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    def backward(ctx, grad_output):
        x, = ctx.saved_tensors
        return grad_output * 3 * x ** 2


x = torch.randn(5, dtype=torch.double, requires_grad=True)
print(gradcheck(Cube.apply, (x,), eps=1e-6, atol=1e-4))
print(gradgradcheck(Cube.apply, (x,)))
print(gradcheck(torch.sigmoid, (torch.randn(3, 3, dtype=torch.float64, requires_grad=True),)))
y = Cube.apply(x)
y.sum().backward()
print(torch.allclose(x.grad, 3 * x.detach() ** 2))
