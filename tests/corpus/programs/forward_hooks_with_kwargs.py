# PyTorch docs nn.Module.register_forward_pre_hook / register_forward_hook with with_kwargs=True
import torch
import torch.nn as nn


class Scaler(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.tensor([1.0, 2.0]))

    def forward(self, x, scale=1.0):
        return self.w * x * scale


def pre_hook(module, args, kwargs):
    print("pre", args[0].shape, kwargs)
    kwargs = dict(kwargs)
    kwargs["scale"] = 10.0
    return args, kwargs


def post_hook(module, args, kwargs, output):
    print("post", kwargs.get("scale"), output)
    return output + 1


m = Scaler()
h1 = m.register_forward_pre_hook(pre_hook, with_kwargs=True)
h2 = m.register_forward_hook(post_hook, with_kwargs=True)
x = torch.ones(2, requires_grad=True)
y = m(x, scale=2.0)
y.sum().backward()
print(y, m.w.grad, x.grad)
h1.remove()
h2.remove()
print(m(x, scale=2.0))
