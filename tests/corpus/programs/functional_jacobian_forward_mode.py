# PyTorch docs torch.autograd.functional.jacobian/hessian: strategies and create_graph
import torch
from torch.autograd.functional import hessian, jacobian


def f(x):
    return torch.stack([x[0] ** 2 * x[1], 5 * x[0] + torch.sin(x[1])])


x = torch.tensor([1.0, 2.0])
j_rev = jacobian(f, x)
j_fwd = jacobian(f, x, strategy="forward-mode", vectorize=True)
print(j_rev)
print(torch.allclose(j_rev, j_fwd))

xg = x.clone().requires_grad_()
j = jacobian(f, xg, create_graph=True)
print(j.requires_grad, j.grad_fn is not None)
j.trace().backward()
print(xg.grad)

h = hessian(lambda t: (t ** 3).sum() * t[0], x, outer_jacobian_strategy="forward-mode", vectorize=True)
print(h)
