# Blog post on higher-order gradients: the graph that create_graph=True records, and its nodes
import torch

x = torch.tensor(1.5, requires_grad=True)
y = x ** 3
(dy,) = torch.autograd.grad(y, x, create_graph=True)
print(dy, dy.requires_grad)
print(dy.grad_fn.name())


def names(fn, out):
    if fn is None or fn.name() in out:
        return out
    out.append(fn.name())
    for child, _ in fn.next_functions:
        names(child, out)
    return out


print(names(dy.grad_fn, []))
(d2y,) = torch.autograd.grad(dy, x, create_graph=True)
print(d2y)
d2y.backward()
print(x.grad)
