# PyTorch docs, Extending PyTorch: ctx.set_materialize_grads(False) with two outputs, one unused
import torch


class SplitScale(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.set_materialize_grads(False)
        ctx.save_for_backward(x)
        return x * 2, x * 3

    @staticmethod
    def backward(ctx, g1, g2):
        (x,) = ctx.saved_tensors
        print("g1 is None:", g1 is None, "g2 is None:", g2 is None)
        grad = torch.zeros_like(x)
        if g1 is not None:
            grad = grad + 2 * g1
        if g2 is not None:
            grad = grad + 3 * g2
        return grad


x = torch.tensor([1.0, 2.0], requires_grad=True)
a, b = SplitScale.apply(x)
a.sum().backward()
print(x.grad)
x.grad = None
a, b = SplitScale.apply(x)
(a.sum() + b.sum()).backward()
print(x.grad)
