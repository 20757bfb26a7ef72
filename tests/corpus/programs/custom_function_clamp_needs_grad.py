# PyTorch docs, Extending PyTorch: a clamp Function with non-tensor arguments and ctx.needs_input_grad
import torch
from torch.autograd import Function


class MyClamp(Function):
    @staticmethod
    def forward(ctx, input, min_val, max_val):
        ctx.save_for_backward(input)
        ctx.min_val = min_val
        ctx.max_val = max_val
        return input.clamp(min=min_val, max=max_val)

    @staticmethod
    def backward(ctx, grad_output):
        (input,) = ctx.saved_tensors
        grad_input = None
        if ctx.needs_input_grad[0]:
            mask = (input >= ctx.min_val) & (input <= ctx.max_val)
            grad_input = grad_output * mask.to(grad_output.dtype)
        return grad_input, None, None


x = torch.linspace(-2, 2, 9, requires_grad=True)
y = MyClamp.apply(x, -1.0, 1.0)
print(y)
print(y.grad_fn)
y.sum().backward()
print(x.grad)

x2 = x.detach().clone().requires_grad_()
torch.clamp(x2, -1.0, 1.0).sum().backward()
print(torch.equal(x.grad, x2.grad))
