# Blog post on module hooks: a full backward hook that computes an auxiliary gradient
import torch
import torch.nn as nn

torch.manual_seed(0)
layer = nn.Linear(2, 2)
scale = torch.tensor(2.0, requires_grad=True)
found = []


def hook(module, grad_input, grad_output):
    with torch.enable_grad():
        (g,) = torch.autograd.grad(scale ** 3, scale)
    found.append(g.item())
    return (grad_input[0] * g,)


layer.register_full_backward_hook(hook)
x = torch.ones(1, 2, requires_grad=True)
layer(x).sum().backward()
print(found, x.grad)
