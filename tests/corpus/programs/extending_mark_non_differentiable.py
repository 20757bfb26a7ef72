# PyTorch docs, Extending PyTorch: mark_non_differentiable for an index output
import torch
from torch.autograd import Function


class SortWithIndices(Function):
    @staticmethod
    def forward(ctx, x):
        sorted_x, idx = x.sort()
        ctx.mark_non_differentiable(idx)
        ctx.save_for_backward(x, idx)
        return sorted_x, idx

    @staticmethod
    def backward(ctx, g1, g2):  # still need to accept g2
        x, idx = ctx.saved_tensors
        grad_input = torch.zeros_like(x)
        grad_input.index_add_(0, idx, g1)
        return grad_input


a = torch.tensor([3.0, 1.0, 2.0], requires_grad=True)
b, ind = SortWithIndices.apply(a)
print(b, ind, ind.requires_grad)
(b * torch.tensor([1.0, 10.0, 100.0])).sum().backward()
print(a.grad)
