# PyTorch docs "Extending torch.func with autograd.Function": a hand-written vmap staticmethod
import torch
from torch.func import vmap


class NumpyLikeSort(torch.autograd.Function):
    @staticmethod
    def forward(x, dim):
        values, indices = torch.sort(x, dim=dim)
        return values, indices

    @staticmethod
    def setup_context(ctx, inputs, output):
        x, dim = inputs
        _, indices = output
        ctx.mark_non_differentiable(indices)
        ctx.save_for_backward(indices)
        ctx.dim = dim

    @staticmethod
    def backward(ctx, grad_values, grad_indices):
        (indices,) = ctx.saved_tensors
        grad = torch.zeros_like(grad_values)
        return grad.scatter(ctx.dim, indices, grad_values), None

    @staticmethod
    def vmap(info, in_dims, x, dim):
        x_bdim, _ = in_dims
        x = x.movedim(x_bdim, 0)
        dim = dim if dim >= 0 else dim + x.dim() - 1
        result = NumpyLikeSort.apply(x, dim + 1)
        return result, (0, 0)


x = torch.tensor([[3.0, 1.0, 2.0], [0.5, 2.5, 1.5]], requires_grad=True)
values, indices = NumpyLikeSort.apply(x, 1)
print(values.grad_fn.name(), indices.requires_grad)
(values * torch.tensor([1.0, 10.0, 100.0])).sum().backward()
print(x.grad)

batched_values, batched_indices = vmap(NumpyLikeSort.apply, in_dims=(0, None))(x.detach(), 0)
print(batched_values, batched_indices)
