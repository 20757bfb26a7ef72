# Blog post: forward pre-hooks that rescale inputs, and a gradient hook that masks updates
import torch
import torch.nn as nn

lin = nn.Linear(3, 2)


def scale_input(module, args):
    print("pre-hook on", type(module).__name__)
    return (args[0] * 0.5,)


lin.register_forward_pre_hook(scale_input)
mask = torch.tensor([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]])
lin.weight.register_hook(lambda g: g * mask)
x = torch.ones(4, 3)
loss = lin(x).pow(2).sum()
loss.backward()
print(lin.weight.grad)
print(lin.bias.grad)
