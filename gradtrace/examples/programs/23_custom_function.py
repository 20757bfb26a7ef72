# mypy: ignore-errors
"""Title: A custom torch.autograd.Function
Topic: Models

A torch.autograd.Function defines both directions itself: forward computes x³ and saves x with
ctx.save_for_backward, backward receives the gradient of the output and returns the gradient of
the input, 3x² times it. The graph shows one CubeBackward node with x saved. For
x = [1, -2, 0.5], x.grad = 3x² = [3, 12, 0.75].
"""

import torch


class Cube(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x**3

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * 3 * x**2


x = torch.tensor([1.0, -2.0, 0.5], requires_grad=True)
y = Cube.apply(x)
loss = y.sum()
loss.backward()
print("x.grad =", x.grad)
