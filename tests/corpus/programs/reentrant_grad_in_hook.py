# Engine behaviour: calling torch.autograd.grad inside a backward hook (a reentrant backward)
import torch

x = torch.tensor([1.0, 2.0], requires_grad=True)
aux = torch.tensor([3.0], requires_grad=True)
y = x * 2
inner = []


def hook(grad):
    with torch.enable_grad():
        q = (aux ** 2).sum()
        (ga,) = torch.autograd.grad(q, aux)
    inner.append(ga)
    return grad * ga


y.register_hook(hook)
y.sum().backward()
print(inner, x.grad, aux.grad)
