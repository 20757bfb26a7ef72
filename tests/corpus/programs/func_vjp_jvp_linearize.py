# PyTorch docs torch.func.vjp / jvp / jacrev: vector products without building a Jacobian
import torch
from torch.func import vjp, jvp, jacrev

x = torch.randn(5)
(_, vjpfunc) = vjp(torch.sin, x)
vjps = vjpfunc(torch.ones(5))
print(torch.allclose(vjps[0], x.cos()))

_, jvp_out = jvp(torch.sin, (x,), (torch.ones(5),))
print(torch.allclose(jvp_out, x.cos()))


def f(x, y):
    return (x * y).sum(), (x + y)


jac = jacrev(lambda a: f(a, x)[1])(torch.ones(5))
print(jac.diagonal())
