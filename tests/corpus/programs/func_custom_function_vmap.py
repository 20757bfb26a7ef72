# PyTorch tutorial: Extending torch.func with autograd.Function (setup_context + generate_vmap_rule)
import torch
from torch.func import grad, vmap


class MySin(torch.autograd.Function):
    generate_vmap_rule = True

    @staticmethod
    def forward(x):
        return torch.sin(x)

    @staticmethod
    def setup_context(ctx, inputs, output):
        x, = inputs
        ctx.save_for_backward(x)

    @staticmethod
    def backward(ctx, grad_output):
        x, = ctx.saved_tensors
        return grad_output * torch.cos(x)


x = torch.tensor([0.0, 1.0, 2.0])
per_elem = vmap(grad(lambda t: MySin.apply(t)))(x)
print(torch.allclose(per_elem, torch.cos(x)))
y = torch.tensor([0.5, 1.5], requires_grad=True)
MySin.apply(y).sum().backward()
print(y.grad)
