# PyTorch docs torch.autograd.functional.jacobian/hessian with vectorize=True
import torch
from torch.autograd.functional import jacobian, hessian


def f(x):
    return torch.stack([x[0] * x[1], x[1].sin(), x.pow(2).sum()])


x = torch.tensor([0.5, -1.0])
J = jacobian(f, x, vectorize=True)
print(J)


def energy(x):
    return (x ** 4).sum() + x.prod()


H = hessian(energy, x, vectorize=True)
print(H)
H_fwd = hessian(energy, x, vectorize=True, outer_jacobian_strategy="forward-mode")
print(torch.allclose(H, H_fwd))
