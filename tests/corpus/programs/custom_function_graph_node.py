# Blog post on custom autograd Functions: how their backward node appears in the graph
import torch


class Square(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        print("Square.backward needs_input_grad:", ctx.needs_input_grad)
        return 2 * x * grad_output


x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = Square.apply(x)
z = (y + 1).sum()
print(y.grad_fn.name())
print(type(y.grad_fn).__name__)
print(z.grad_fn.next_functions[0][0].next_functions[0][0].name())
print(y.grad_fn.next_functions[0][0].variable is x)
print(isinstance(y.grad_fn, torch.autograd.graph.Node))
z.backward()
print(x.grad)
