# Forum FAQ: a custom Function whose backward returns the wrong number of gradients
import torch


class ScaleBy(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, factor):
        ctx.save_for_backward(factor)
        return x * factor

    @staticmethod
    def backward(ctx, grad_output):
        factor, = ctx.saved_tensors
        return grad_output * factor


x = torch.ones(3, requires_grad=True)
factor = torch.tensor(2.0, requires_grad=True)
y = ScaleBy.apply(x, factor)
print(y)
y.sum().backward()
