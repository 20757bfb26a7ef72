# PyTorch docs, Extending PyTorch: a backward that is not itself differentiable (once_differentiable)
import torch
from torch.autograd.function import once_differentiable


class Clamp01(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x.clamp(0, 1)

    @staticmethod
    @once_differentiable
    def backward(ctx, grad_output):
        x, = ctx.saved_tensors
        mask = (x >= 0) & (x <= 1)
        return grad_output * mask.to(grad_output.dtype)


x = torch.tensor([-0.5, 0.25, 0.75, 1.5], requires_grad=True)
y = Clamp01.apply(x)
y.sum().backward()
print(y)
print(x.grad)
