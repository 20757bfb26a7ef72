# PyTorch docs, Extending PyTorch: a custom autograd.Function that saves its output
import torch
from torch.autograd import Function


class Exp(Function):
    @staticmethod
    def forward(ctx, i):
        result = i.exp()
        ctx.save_for_backward(result)
        return result

    @staticmethod
    def backward(ctx, grad_output):
        result, = ctx.saved_tensors
        return grad_output * result


input = torch.tensor([0.0, 1.0, -1.0], requires_grad=True)
output = Exp.apply(input)
output.sum().backward()
print(output)
print(input.grad)
print(output.grad_fn.name())
